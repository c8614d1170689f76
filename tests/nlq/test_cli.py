"""python -m nlq ask: text answers and the JSON-lines mode that the scorer drives."""

import io
import json
from dataclasses import dataclass, field

import pandas as pd
import pytest

from nlq import ParseResult, cli
from nlq.guard import check_sql


@dataclass
class FakeReply:
    question: str
    intent: object = None
    sql: str | None = None
    error: str | None = None
    suggestions: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    frame: object = None
    elapsed_ms: float = 1.0


@dataclass(frozen=True)
class FakeChip:
    key: str
    label: str
    sql: str


class FakeIntent:
    insight = None  # an ordinary question, not a what-changed one

    def describe(self, anchor=None):
        return "Burglary · Camden · 2024"

    def chips(self, anchor=None):
        return [
            FakeChip("crime_types", "Burglary", "crime_type = 'Burglary'"),
            FakeChip("boroughs", "Camden", ""),
        ]


class FakeEngine:
    """Stands in for nlq.Engine, with each kind of answer the CLI must survive."""

    data_as_of = None

    def parse(self, question):
        if "boom" in question:
            raise RuntimeError("parser exploded\nwith a second line")
        if "who" in question:
            return ParseResult(None, "questions about people are out of scope")
        intent = FakeIntent()
        return ParseResult(intent, sql=self.sql_for(intent))

    def sql_for(self, intent):
        return "SELECT count(*) FROM crimes WHERE borough = 'Camden'"

    def ask(self, question):
        if "who" in question:
            return FakeReply(
                question, error="questions about people are out of scope", suggestions=["burglary in Camden"]
            )
        frame = pd.DataFrame({"month": range(30), "crimes": range(30)})
        return FakeReply(
            question,
            intent=FakeIntent(),
            sql=self.sql_for(None),
            frame=frame,
            notes=["burgalries → Burglary"],
        )


class HostileEngine(FakeEngine):
    def sql_for(self, intent):
        return "SELECT * FROM read_csv('/etc/passwd')"


def run(argv, text="", engine=None, monkeypatch=None):
    if engine is not None:
        monkeypatch.setattr(cli, "_open_engine", lambda path: engine)
    out = io.StringIO()
    status = cli.main(argv, stdin=io.StringIO(text), stdout=out)
    return status, out.getvalue()


def test_jsonl_writes_one_object_per_line_whatever_happens(monkeypatch):
    questions = ["burglary in Camden", "who did it", "boom", "", "   ", "emoji 🚓\x00\x07 ctrl", "x" * 10_000]
    status, out = run(["ask", "--jsonl"], "\n".join(questions) + "\n", FakeEngine(), monkeypatch)
    lines = out.splitlines()
    assert status == 0 and len(lines) == len(questions)
    records = [json.loads(line) for line in lines]
    assert [r["question"] for r in records] == questions
    for r in records:
        assert set(r) == {"question", "sql", "error"}
        assert (r["sql"] is None) != (r["error"] is None)
    assert records[0]["sql"] == check_sql(FakeEngine().sql_for(None))
    assert "out of scope" in records[1]["error"]
    assert records[2]["error"].startswith("internal error: RuntimeError: parser exploded")
    assert records[3]["error"] == "the question is empty"


def test_jsonl_refuses_sql_the_guard_rejects(monkeypatch):
    status, out = run(["ask", "--jsonl"], "hostile\n", HostileEngine(), monkeypatch)
    record = json.loads(out)
    assert record["sql"] is None and "refused" in record["error"]


def test_jsonl_without_a_warehouse_still_answers_every_line(tmp_path):
    status, out = run(["ask", "--jsonl", "--warehouse", str(tmp_path / "missing.duckdb")], "a\nb\n")
    records = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and [r["question"] for r in records] == ["a", "b"]
    assert all(r["sql"] is None and "could not start" in r["error"] for r in records)


def test_text_answer_shows_interpretation_sql_and_first_rows(monkeypatch):
    status, out = run(["ask", "burglary", "in", "Camden"], engine=FakeEngine(), monkeypatch=monkeypatch)
    assert status == 0
    assert "Question: burglary in Camden" in out
    assert "Understood as: Burglary · Camden · 2024" in out
    assert "  [Burglary]  crime_type = 'Burglary'\n  [Camden]\n" in out
    assert "Note: burgalries → Burglary" in out
    assert "SQL:\n  SELECT\n" in out
    assert "Answer: 30 rows (showing the first 20)" in out
    assert " 19 " in out and " 25 " not in out


def test_text_refusal_shows_reason_and_suggestions(monkeypatch):
    status, out = run(["ask", "who did it"], engine=FakeEngine(), monkeypatch=monkeypatch)
    assert status == 0
    assert "Not answered: questions about people are out of scope" in out
    assert "Try: burglary in Camden" in out


def test_missing_question_is_a_usage_error():
    assert run(["ask"])[0] == 2


def test_missing_warehouse_is_reported_plainly(tmp_path):
    status, out = run(["ask", "anything", "--warehouse", str(tmp_path / "nope.duckdb")])
    assert status == 1 and "no warehouse at" in out


@pytest.fixture(scope="module")
def real_engine_available():
    try:
        from nlq import Engine  # noqa: F401
    except ImportError:
        pytest.skip("nlq.Engine is not available yet")


def test_real_engine_jsonl(small_warehouse, real_engine_available):
    questions = [
        "How many burglaries were there in Camden in 2024?",
        "robberies by borough in 2025",
        "delete all crimes in Camden; drop table crimes",
        "who committed the burglary on Camden High Street?",
        "",
        "🚓🚓🚓 '; DROP TABLE crimes; --",
    ]
    status, out = run(["ask", "--jsonl", "--warehouse", str(small_warehouse)], "\n".join(questions) + "\n")
    records = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and [r["question"] for r in records] == questions
    assert records[0]["sql"] and records[0]["error"] is None
    assert records[2]["sql"] is None and records[2]["error"]
    assert records[3]["sql"] is None and records[3]["error"]


def test_real_engine_text(small_warehouse, real_engine_available):
    status, out = run(["ask", "burglaries in Camden in 2024", "--warehouse", str(small_warehouse)])
    assert status == 0
    assert "Understood as:" in out and "SQL:" in out and "Answer: 1 row" in out
