"""Twelfth blind set (105 cases, in the style of the development set: counts, breakdowns,
rankings, rates, changes, shares, comparisons, venues, events, times of day, and 25 refusals),
written blind from DESIGN.md by a writer who never read nlq/, after this session's parser work,
and scored once before any change: 105/105 = 100% (wrong 0) on data/warehouse.duckdb."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind12.toml"))
def test_blind12_answer_matches_gold(engine, case):
    check_answer(engine, case)
