"""The project's own tests run in a clone without ../shared (issue 10, item 18)."""

from __future__ import annotations

import pytest

from tests import shared_data


@pytest.fixture
def no_shared(monkeypatch, tmp_path):
    monkeypatch.setattr(shared_data, "SHARED", tmp_path / "no-shared-here")


def _must_not_skip(call):
    try:
        return call()
    except pytest.skip.Exception as e:
        pytest.fail(f"skipped without ../shared: {e.msg}")


def test_answers_are_compared_without_shared(no_shared):
    from tests.nlq import test_results

    run_sql, same_answer = _must_not_skip(test_results._same_answer)
    assert same_answer([(1, "a")], [(1, "a")])[0]


def test_the_contract_is_checked_without_shared(no_shared):
    from tests.warehouse import test_warehouse_schema

    assert ("crimes", "crime_id") in {
        (t, c) for t, c, *_ in _must_not_skip(test_warehouse_schema.contract_columns)
    }


def test_the_police_uk_sample_is_shipped(no_shared):
    files = sorted(shared_data.POLICE_UK_SAMPLE.glob("*-street.csv"))
    assert len(files) == 2


@pytest.mark.parametrize("relative", shared_data.COPIED)
def test_the_shipped_copies_match_shared(relative):
    original = shared_data.SHARED / relative
    if not original.exists():
        pytest.skip(f"../shared/{relative} is absent: nothing to compare the copy with")
    assert (shared_data.COPIES / relative).read_bytes() == original.read_bytes()
