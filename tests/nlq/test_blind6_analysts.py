"""Sixth blind set (supervisors' and analysts' briefing questions: thresholds, directions, shares with their part, compared periods, two grains, nights, events, time words). Written blind from DESIGN.md by an engineer who had not read nlq/. First score on data/warehouse.duckdb, before the parser changes: 57/115 = 49.6% (wrong 56)."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind6_analysts.toml"))
def test_blind6_answer_matches_gold(engine, case):
    check_answer(engine, case)
