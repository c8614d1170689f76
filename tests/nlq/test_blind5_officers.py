"""Fifth blind set (officers on a phone: lowercase, typos, slang, abbreviations, nicknames). Written
blind from DESIGN.md by an engineer who had not read nlq/. First score on data/warehouse.duckdb,
before the parser changes: 86/168 = 51.2% (wrong 76)."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind5_officers.toml"))
def test_blind5_answer_matches_gold(engine, case):
    check_answer(engine, case)
