"""Seventeenth blind set (120 cases: a PCSO on foot, a Freedom-of-Information officer writing
formal requests, a strategic lead and an events planner; 24 refusals), written blind from
DESIGN.md by a writer who never read nlq/, after the sixteenth set's parser work, and scored once
before any change: 93/120 = 77.5% (wrong 1: "hour-by-hour" dropped; 23 formal requests such as
"Please provide ... for the calendar year 2024" not understood)."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer

# Still refused, as safe: "Wimbledon" reads as the place, so "the Wimbledon finals" names no event.
NOT_YET = {
    "during the Wimbledon finals how many thefts within one kilometre of the All England Lawn Tennis Club"
}


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind17.toml"))
def test_blind17_answer_matches_gold(engine, case):
    if case["question"] in NOT_YET:
        pytest.xfail("refused: 'Wimbledon' is read as a place, not the championships")
    check_answer(engine, case)
