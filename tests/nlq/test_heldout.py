"""Held-out questions (tests/nlq/fixtures/heldout.toml) → the same answer as their gold SQL.

Written before reading the engine, to measure it on unseen wording; scored with the
comparison rules of shared/eval/score.py through the helpers of test_results.
"""

import pytest

from tests.nlq.test_results import HERE, _cases, _same_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "heldout.toml"))
def test_heldout_answer_matches_gold(engine, case):
    parsed = engine.parse(case["question"])
    if case.get("refuse"):
        assert parsed.sql is None and parsed.error
        return
    assert parsed.sql, parsed.error
    run_sql, same_answer = _same_answer()
    con = engine.con.cursor()
    ok, why = same_answer(run_sql(con, case["sql"]), run_sql(con, parsed.sql))
    assert ok, f"{why}\n{parsed.sql}"
