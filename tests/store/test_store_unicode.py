"""Property tests: any text a user can type survives the round trip, or is refused clearly."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.store import ValidationError

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# NUL cannot be stored in PostgreSQL text; both backends refuse it (test below).
TYPED = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@SETTINGS
@given(notes=TYPED)
def test_notes_round_trip_exactly(store, people, notes):
    board = store.create_board(people.sergeant, "Notes", notes=notes)
    assert store.get_board(people.sergeant, board.id).notes == notes
    updated = store.update_board(people.sergeant, board.id, board.version, notes=notes + "\n✓")
    assert store.get_board(people.sergeant, board.id).notes == updated.notes == notes + "\n✓"


@SETTINGS
@given(title=st.text(max_size=250))
def test_titles_round_trip_or_are_refused(store, people, title):
    try:
        board = store.create_board(people.sergeant, title)
    except ValidationError as error:
        cleaned = title.strip()
        assert not cleaned or len(cleaned) > 200 or any(unicodedata.category(c) == "Cc" for c in cleaned), (
            error
        )
        return
    assert board.title == title.strip()
    assert store.get_board(people.sergeant, board.id).title == title.strip()
    assert board.id in {b.id for b in store.list_boards(people.sergeant)}


@SETTINGS
@given(
    question=st.text(
        alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
        min_size=1,
        max_size=300,
    ).filter(str.strip),
    intent=st.dictionaries(st.text(), JSON, max_size=4),
)
def test_tile_question_and_intent_round_trip(store, people, question, intent):
    board = store.create_board(people.sergeant, "Tiles")
    board = store.add_tile(people.sergeant, board.id, board.version, question=question, intent=intent)
    tile = store.get_board(people.sergeant, board.id).tiles[0]
    assert tile.question == question.strip() and tile.intent == intent


@pytest.mark.parametrize("bad", ["\ud800 lone surrogate", "ok \udfff", "nul \x00 byte"])
def test_unencodable_text_is_refused_clearly(store, people, bad):
    with pytest.raises(ValidationError, match="cannot be saved"):
        store.create_board(people.sergeant, "Fine", notes=bad)
    with pytest.raises(ValidationError, match="cannot be saved"):
        store.create_board(people.sergeant, bad)
