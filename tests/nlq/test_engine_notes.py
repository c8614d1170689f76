"""Engine.ask keeps every note the run adds (the row cap above all)."""

from __future__ import annotations

from nlq import Engine


def test_ask_keeps_the_row_cap_note(small_warehouse):
    engine = Engine.open(small_warehouse, row_cap=3)
    reply = engine.ask("robberies by borough")
    assert reply.error is None and len(reply.frame) == 3
    assert any("Showing the first 3 rows only" in n for n in reply.notes), reply.notes


def test_ask_keeps_the_parse_notes_once(engine):
    parsed = engine.parse("knife crime in Camden")
    reply = engine.ask("knife crime in Camden")
    for note in parsed.notes:
        assert reply.notes.count(note) == 1
