"""Fourteenth blind set (114 cases: a licensing officer, a neighbourhood sergeant, an intelligence
analyst and a BCU commander, and 23 refusals), written blind from DESIGN.md by a writer who never
read nlq/, after the thirteenth set's parser work, and scored once before any change: 112/114 =
98.2% (wrong 2: "robbery by hour as a percentage of the total" divided by all crime in each hour;
"Camden and Islington together" gave a rate per borough)."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer

# The gold averages the months that have records; DESIGN.md counts a month with none as 0. On the
# full-size warehouse every borough has robberies every month, so the two agree; on the small one
# they do not (the engine follows DESIGN.md).
MONTHS_WITH_NONE = {"average monthly robbery by borough in 2025"}


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind14.toml"))
def test_blind14_answer_matches_gold(engine, case):
    if case["question"] in MONTHS_WITH_NONE:
        pytest.skip("months with no records count 0 (DESIGN.md): scored on the full warehouse")
    check_answer(engine, case)
