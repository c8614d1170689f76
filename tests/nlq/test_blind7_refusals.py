"""Seventh blind set (refusals and near-refusals: people, data changes, SQL, disguised text, words not in the data, and the legitimate questions that look like them). Written blind from DESIGN.md. First score on data/warehouse.duckdb, before the parser changes: 101/150 = 67.3% (wrong 48)."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind7_refusals.toml"))
def test_blind7_answer_matches_gold(engine, case):
    check_answer(engine, case)
