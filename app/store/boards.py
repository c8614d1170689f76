"""Event-planning boards: an event, markdown notes and an ordered list of tiles.

Every method takes the acting ``User`` first and checks permission here:
the owner (and admins) may do everything; editors may change the title, notes,
event and tiles; viewers may view and duplicate. Changes take the
``expected_version`` the user opened and raise ``Conflict`` (carrying the saved
board) if someone saved in between. Argument order: ids, then the new values,
then ``expected_version``; optional fields are keyword-only.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from app.store import validate
from app.store.access import BOARD, Kind
from app.store.documents import DocumentsMixin
from app.store.errors import ValidationError
from app.store.models import Board, Tile, User


def _tile(row: sqlite3.Row) -> Tile:
    return Tile(
        id=row["id"],
        title=row["title"],
        question=row["question"],
        intent=json.loads(row["intent"]),
        chart=row["chart"],
        position=row["position"],
    )


class BoardsMixin(DocumentsMixin):
    def _build(self, con: sqlite3.Connection, kind: Kind, row: sqlite3.Row, access: str) -> Any:
        if kind is not BOARD:  # each mixin builds its own kind and passes others along the MRO
            return super()._build(con, kind, row, access)
        return Board(
            **self._common_fields(con, BOARD, row, access),
            event=json.loads(row["event"]),
            notes=row["notes"],
            tiles=tuple(_tile(r) for r in self._items(con, BOARD, row["id"])),
        )

    def create_board(
        self,
        actor: User,
        title: str,
        *,
        event: dict | None = None,
        notes: str = "",
        tiles: Iterable[Tile] = (),
    ) -> Board:
        """A new private board owned by ``actor``. ``event`` keys: venue, event_name,
        date ('2024-06-21' or a date), start_time, end_time ('18:30' or a time), radius_m."""
        columns = {
            "title": validate.line(title, "Title"),
            "event": json.dumps(validate.event(event)),
            "notes": validate.text(notes, "Notes", validate.MAX_NOTES),
        }
        items = [validate.item_fields(t.title, t.question, t.intent, t.chart) for t in tiles]
        return self._create(BOARD, actor, columns, items, {"title": columns["title"]})

    def get_board(self, actor: User, board_id: str) -> Board:
        """The board; NotFound if unknown or deleted, Forbidden if not shared with ``actor``."""
        return self._get(BOARD, actor, board_id)

    def list_boards(self, actor: User, *, everything: bool = False) -> list[Board]:
        """Boards ``actor`` owns or that are shared with them (or their team), newest change
        first. Admins may pass ``everything=True`` to list every live board."""
        return self._list(BOARD, actor, everything)

    def update_board(
        self,
        actor: User,
        board_id: str,
        expected_version: int,
        *,
        title: str | None = None,
        notes: str | None = None,
        event: dict | None = None,
    ) -> Board:
        """Change the title, notes and/or event (None leaves a field as it is)."""
        columns: dict[str, Any] = {}
        if title is not None:
            columns["title"] = validate.line(title, "Title")
        if notes is not None:
            columns["notes"] = validate.text(notes, "Notes", validate.MAX_NOTES)
        if event is not None:
            columns["event"] = json.dumps(validate.event(event))
        return self._update_document(BOARD, actor, board_id, expected_version, columns)

    def add_tile(
        self,
        actor: User,
        board_id: str,
        expected_version: int,
        *,
        title: str = "",
        question: str = "",
        intent: dict | None = None,
        chart: str | None = None,
    ) -> Board:
        """Append a tile (the new tile is ``board.tiles[-1]``). ``intent`` is ``Intent.to_dict()``;
        ``chart`` is 'number', 'line', 'bar', 'map' or 'table'. The title defaults to the question."""
        fields = validate.item_fields(title, question, intent, chart)

        def apply(con):
            return {"added": self._insert_item(con, BOARD, board_id, fields), "title": fields["title"]}

        return self._change(BOARD, actor, board_id, expected_version, apply)

    def update_tile(
        self,
        actor: User,
        board_id: str,
        tile_id: str,
        expected_version: int,
        *,
        title: str | None = None,
        question: str | None = None,
        intent: dict | None = None,
        chart: str | None = None,
    ) -> Board:
        """Change a tile's title, question, intent and/or chart (None leaves a field as it is)."""
        changes = validate.item_changes(title, question, intent, chart)
        return self._update_item(BOARD, actor, board_id, tile_id, expected_version, changes)

    def rename_tile(
        self, actor: User, board_id: str, tile_id: str, title: str, expected_version: int
    ) -> Board:
        """Give a tile a new title."""
        return self.update_tile(actor, board_id, tile_id, expected_version, title=title)

    def move_tile(
        self, actor: User, board_id: str, tile_id: str, new_position: int, expected_version: int
    ) -> Board:
        """Move a tile to ``new_position`` (0 is first; out-of-range values go to either end)."""
        return self._move_item(BOARD, actor, board_id, tile_id, new_position, expected_version)

    def remove_tile(self, actor: User, board_id: str, tile_id: str, expected_version: int) -> Board:
        """Take a tile off the board."""
        return self._remove_item(BOARD, actor, board_id, tile_id, expected_version)

    def share_board(
        self, actor: User, board_id: str, principal_kind: str, principal: str, role: str = "viewer"
    ) -> Board:
        """Share with a user (``'user', 'jsmith'``) or a team (``'team', 'Central West'``) as
        'viewer' or 'editor'; sharing again changes the role. Owner or admin only."""
        return self._share(BOARD, actor, board_id, principal_kind, principal, role)

    def unshare_board(self, actor: User, board_id: str, principal_kind: str, principal: str) -> Board:
        """Stop sharing with that user or team. Owner or admin only."""
        return self._unshare(BOARD, actor, board_id, principal_kind, principal)

    def duplicate_board(
        self,
        actor: User,
        board_id: str,
        title: str,
        event: dict | None = None,
        retarget: Callable[[Tile], Tile] | None = None,
    ) -> Board:
        """A private copy owned by ``actor`` (anyone who can view the board may duplicate it).
        ``event`` replaces the event (default: keep it). ``retarget(tile) -> tile``, supplied by
        the caller, rewrites each tile for the new venue or dates, e.g. with ``Intent.retarget``;
        if it raises, nothing is saved. Shares are not copied."""
        source = self.get_board(actor, board_id)
        new_event = validate.event(event if event is not None else source.event)
        tiles = list(source.tiles)
        if retarget is not None:
            tiles = [retarget(dataclasses.replace(tile)) for tile in tiles]
            if not all(isinstance(tile, Tile) for tile in tiles):
                raise ValidationError("retarget must return a Tile")
        columns = {
            "title": validate.line(title, "Title"),
            "event": json.dumps(new_event),
            "notes": source.notes,
        }
        items = [validate.item_fields(t.title, t.question, t.intent, t.chart) for t in tiles]
        detail = {"title": columns["title"], "duplicated_from": board_id}
        return self._create(BOARD, actor, columns, items, detail)

    def delete_board(self, actor: User, board_id: str, expected_version: int | None = None) -> None:
        """Soft delete: the board disappears for everyone but stays in the file. Owner or admin
        only. With ``expected_version``, Conflict if it changed since the user opened it."""
        self._delete(BOARD, actor, board_id, expected_version)
