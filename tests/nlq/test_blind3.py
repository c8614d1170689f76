"""Third blind set (tests/nlq/fixtures/blind3.toml) → the same answer as its gold SQL.

Written from DESIGN.md and the reference tables before running the engine on it (events by
category, venue aliases and misspellings, 3+ filters, outcome shares, BCU rates, LSOA rankings,
change per crime type, averages per day/week, day types, named hours, venue groups, refusals).
Before the fixes it scored 59/71 on data/warehouse.duckdb; scored with the rules of
shared/eval/score.py.
"""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind3.toml"))
def test_blind3_answer_matches_gold(engine, case):
    check_answer(engine, case)
