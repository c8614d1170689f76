"""Sixteenth blind set (120 cases: a CID sergeant, a night-time-economy inspector, a performance
analyst and a wordy new probationer; 24 refusals), written blind from DESIGN.md by a writer who
never read nlq/, after the fifteenth set's parser work, and scored once before any change:
88/120 = 73.3% (wrong 5: "outcome breakdown" silently dropped; four periods or event editions the
data does not hold answered by the command line, which skipped the engine's coverage checks;
and 22 polite, wordy questions not understood)."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer

# The gold averages the months that have records; DESIGN.md counts a month with none as 0. They
# agree on the full-size warehouse, not on the small one (the engine follows DESIGN.md).
MONTHS_WITH_NONE = {"avg monthly robberies with no suspect identified, Camden, 2025"}


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind16.toml"))
def test_blind16_answer_matches_gold(engine, case):
    if case["question"] in MONTHS_WITH_NONE:
        pytest.skip("months with no records count 0 (DESIGN.md): scored on the full warehouse")
    check_answer(engine, case)
