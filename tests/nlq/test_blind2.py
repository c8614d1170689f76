"""Second blind set (tests/nlq/fixtures/blind2.toml) → the same answer as its gold SQL.

Written from DESIGN.md and the reference tables before reading the engine (waves 1-2; wave 3 was
added from probing failures after); scored with the comparison rules of shared/eval/score.py.
"""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind2.toml"))
def test_blind2_answer_matches_gold(engine, case):
    check_answer(engine, case)
