"""Thirteenth blind set (128 cases: a constable on a phone, an analyst, an event-planning sergeant
and a superintendent, and 26 refusals), written blind from DESIGN.md by a writer who never read
nlq/, and scored once before any change: 121/128 = 94.5% (wrong 1: "gone up or down year on year?
give me the percentage" read as a share). The misses taught text-speak question words ("hw"),
verbs such as "sees", "change on the same period last year", counting the groups past a threshold
("how many boroughs had more than 1,500") and time before, after or either side of events."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind13.toml"))
def test_blind13_answer_matches_gold(engine, case):
    check_answer(engine, case)
