"""Nineteenth blind set (100 cases: a response-team sergeant on a phone, a crime-prevention officer,
a community-safety partnership analyst and a chief superintendent's briefing; 20 refusals), written
blind from DESIGN.md by a writer who never read nlq/, and scored once before any change:
99/100 = 99.0% (wrong 1: "on average how many thefts a day" averaged over months)."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind19.toml"))
def test_blind19_answer_matches_gold(engine, case):
    check_answer(engine, case)
