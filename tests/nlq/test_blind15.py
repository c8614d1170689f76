"""Fifteenth blind set (120 cases: a response PC on a phone, a crime analyst, a public-order
sergeant and a borough commander; 24 refusals), written blind from DESIGN.md by a writer who never
read nlq/, and scored once before any change: 112/120 = 93.3% (wrong 1: "share of violence in each
borough's crime" gave each borough's share of London's violence)."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind15.toml"))
def test_blind15_answer_matches_gold(engine, case):
    check_answer(engine, case)
