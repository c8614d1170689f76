"""Question → the same answer as hand-written gold SQL, on the small generated warehouse.

Runs the dev set and the paraphrase set (tests/nlq/fixtures/paraphrases.toml) with the
comparison rules of shared/eval/score.py (its copy in tests/fixtures where ../shared is absent).
The dev set itself is only in ../shared.
"""

import importlib.util
import tomllib
from pathlib import Path

import pytest

from tests import shared_data

HERE = Path(__file__).parent
EVAL = shared_data.SHARED / "eval"


def _cases(path: Path):
    if not path.exists():
        return []
    return [pytest.param(c, id=c["question"][:60]) for c in tomllib.loads(path.read_text())["case"]]


def _same_answer():
    """The official scorer's comparison (shared/eval/score.py, or its copy in tests/fixtures)."""
    spec = importlib.util.spec_from_file_location("score", shared_data.shared_or_copy("eval/score.py"))
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    return score.run_sql, score.same_answer


def check_answer(engine, case: dict, not_yet: frozenset[str] | set[str] = frozenset()) -> None:
    """A refusal case gets no SQL and a reason; any other case the gold SQL's answer. A question in
    *not_yet* is not understood yet, and must be refused honestly rather than answered wrongly."""
    if (
        case.get("refuse") or case["question"] in not_yet
    ):  # asked as the app asks (a near-me question without a position: no SQL)
        reply = engine.ask(case["question"])
        assert reply.sql is None and reply.error
        return
    parsed = engine.parse(case["question"])
    assert parsed.sql, parsed.error
    run_sql, same_answer = _same_answer()
    con = engine.con.cursor()
    ok, why = same_answer(run_sql(con, case["sql"]), run_sql(con, parsed.sql))
    assert ok, f"{why}\n{parsed.sql}"


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "paraphrases.toml") + _cases(EVAL / "dev.toml"))
def test_answer_matches_gold(engine, case):
    check_answer(engine, case)


def test_ask_returns_frame_chart_and_context(engine):
    reply = engine.ask("burglary in Camden in 2025")
    assert reply.error is None and reply.chart == "number"
    assert reply.frame is not None and len(reply.frame) == 1
    assert reply.rows_scanned == int(reply.frame.iat[0, 0])
    assert reply.context["previous_period"] == "2024"


def test_ask_grouped_answer_is_long_form(engine):
    reply = engine.ask("robbery by month in Westminster")
    assert reply.chart == "line"
    assert list(reply.frame.columns) == ["month", "crimes"]
    assert reply.rows_scanned == int(reply.frame["crimes"].sum())
