"""Ninth blind set (131 cases: officers on a phone, analysts, sergeants planning events, refusals),
written blind from DESIGN.md by a writer who never read nlq/. Scored once before any change:
127/131 = 96.9% (wrong 2) on data/warehouse.duckdb. It taught general rules: 'hr'/'hrs' are
hours; 'X of Y as percentages' with a grouping is each group's share of what is filtered; and,
with blind10, that a time of day DESIGN.md gives no hours ('rush hour') is refused, not guessed,
and that an LSOA named by its name or code ('LSOA Westminster 018A') is a place."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind9.toml"))
def test_blind9_answer_matches_gold(engine, case):
    check_answer(engine, case)
