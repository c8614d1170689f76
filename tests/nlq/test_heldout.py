"""Held-out questions (tests/nlq/fixtures/heldout.toml) → the same answer as their gold SQL.

Written before reading the engine, to measure it on unseen wording; scored with the
comparison rules of shared/eval/score.py through the helpers of test_results.
"""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "heldout.toml"))
def test_heldout_answer_matches_gold(engine, case):
    check_answer(engine, case)
