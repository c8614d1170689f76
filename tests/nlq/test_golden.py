"""Golden SQL in the style of sqlglot's fixtures: tests/nlq/fixtures/golden.sql holds a
`-- question` line followed by the exact DuckDB SQL the engine must emit for it.

Regenerate after an intended change with:  python -m tests.nlq.test_golden  (prints the file)
"""

from pathlib import Path

import pytest
import sqlglot

GOLDEN = Path(__file__).parent / "fixtures" / "golden.sql"


def load() -> list[tuple[str, str]]:
    cases, question = [], None
    for line in GOLDEN.read_text().splitlines():
        if line.startswith("-- "):
            question = line[3:]
        elif line.strip() and question is not None:
            cases.append((question, line.strip()))
            question = None
    return cases


@pytest.mark.parametrize("question,expected", load(), ids=[q for q, _ in load()])
def test_golden_sql(engine, question, expected):
    assert engine.parse(question).sql == expected


@pytest.mark.parametrize("question,expected", load()[:12], ids=[q for q, _ in load()[:12]])
def test_golden_sql_transpiles(question, expected):
    for dialect in ("postgres", "snowflake", "bigquery"):
        assert sqlglot.transpile(expected, read="duckdb", write=dialect)


if __name__ == "__main__":
    from nlq import Engine

    eng = Engine.open()
    for q, _ in load():
        print(f"-- {q}\n{eng.parse(q).sql}\n")
