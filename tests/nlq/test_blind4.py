"""Fourth blind set (tests/nlq/fixtures/blind4.toml) → the same answer as its gold SQL.

Written from DESIGN.md and dev.toml before reading nlq/ or the earlier sets: one or two
variants of each dev case with other boroughs, venues, events, crime types and periods
(hourly breakdowns, weekdays, mornings, "first quarter", "since March", "types of crime
within 750m", shares for one year, rates for last year). Before the fixes it scored 63/65
on data/warehouse.duckdb; scored with the rules of shared/eval/score.py.
"""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind4.toml"))
def test_blind4_answer_matches_gold(engine, case):
    check_answer(engine, case)
