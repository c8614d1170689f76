"""Tenth blind set (124 cases: a community-safety manager, a council analyst, a press officer, a
neighbourhood sergeant, a night-duty inspector, and refusals), written blind from DESIGN.md by a
writer who never read nlq/. Scored once before any change: 119/124 = 96.0% (wrong 1) on
data/warehouse.duckdb. It taught: comparatives between two named sides ('is robbery higher in
Hackney than in Tower Hamlets') are comparisons, with one side they are refused; plurals the
lemma table lacks ('phone snatchings'); 'rush hour' has no hours in DESIGN.md, so it is refused."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind10.toml"))
def test_blind10_answer_matches_gold(engine, case):
    check_answer(engine, case)
