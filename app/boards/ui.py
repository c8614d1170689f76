"""The boards' Streamlit layer: the board view with its editing controls, the duplicate panel and
the Ask page's control. Every decision is in ``app.boards.service``; this module draws.

- ``current_user()``: the signed-in user or None.
- ``add_to_board_control(reply, *, key)``: an "Add to board" popover under an answer.
- ``plan_board(user, venue, day, start, end, radius_m, event_name=None, title=None)`` -> Board.
- ``show_board(user, board_id)``: the whole board view for ``?board=ID``.
- ``retarget_tile(tile, old_event, new_event)``: a tile rewritten for another venue or event.

Each tile is drawn in its own container inside try/except, so one broken tile never breaks the board.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re

import streamlit as st

from app import briefing, render, services, targets
from app.boards import service
from app.boards.service import DEFAULT_END, DEFAULT_RADIUS, DEFAULT_START
from app.briefing import PLAN_PARTS, TileResult, plan_part
from app.store import Conflict, Forbidden, NotFound, StoreError, Tile

__all__ = [
    "BOARD_ID_RE", "DEFAULT_END", "DEFAULT_RADIUS", "DEFAULT_START", "PLAN_PARTS", "Tile", "TileResult",
    "add_reply", "add_to_board_control", "apply_change", "briefing_bytes", "current_user", "duplicate",
    "list_boards", "open_board", "plan_board", "plan_report", "retarget_tile", "run_tile", "run_tiles",
    "services", "show_board", "starter_tiles", "summary_markdown",
]  # fmt: skip

log = logging.getLogger(__name__)
S = st.session_state
BOARD_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def current_user():
    """The signed-in user, or None."""
    try:
        from app.session import current_user as signed_in
    except ImportError:  # sign-in not built yet
        return S.get("user")
    return signed_in()


def _say(kind: str, text: str) -> None:
    S["board_message"] = (kind, text)


def _show_message() -> None:
    message = S.pop("board_message", None)
    if message:
        kind, text = message
        getattr(st, kind)(text)


# ---- the domain, with this app's engine and store ------------------------------------------------


def plan_report(event: dict):
    """(PlanReport, None) for a board's event details, or (None, reason it can't be run)."""
    return service.plan_report(services.get_engine(), event)


def starter_tiles(engine, report, *_args) -> list[Tile]:
    return service.starter_tiles(engine, report)


def plan_board(user, venue, day, start, end, radius_m=DEFAULT_RADIUS, event_name=None, title=None,
               event_category=None):  # fmt: skip
    """Run the planning report and save a starter board (see ``service.plan_board``)."""
    return service.plan_board(
        services.get_engine(), services.get_store(), user, venue, day, start, end, radius_m, event_name,
        title, event_category,
    )  # fmt: skip


def run_tile(tile) -> TileResult:
    return service.run_tile(services.get_engine(), tile)


def run_tiles(tiles) -> list[TileResult]:
    return service.run_tiles(services.get_engine(), tiles)


def retarget_tile(tile, old_event: dict, new_event: dict):
    return service.retarget_tile(tile, old_event, new_event)


def duplicate(user, board, title: str, new_event: dict):
    """A copy of ``board`` for ``new_event`` owned by ``user``, with only tiles that run there."""
    return service.duplicate(services.get_engine(), services.get_store(), user, board, title, new_event)


def add_reply(user, reply, board_id: str | None, title: str, new_title: str = ""):
    return service.add_reply(services.get_store(), user, reply, board_id, title, new_title)


def _cached_results(board, refresh: bool = False) -> list[TileResult]:
    """Tile answers for this board, run once per opening (and on Refresh), side by side, then
    reused on reruns."""
    cache = S.get("board_results")
    if refresh or not cache or cache["id"] != board.id:
        cache = {"id": board.id, "results": {}}
        S["board_results"] = cache

    def key(tile):
        return (tile.id, json.dumps(tile.intent, sort_keys=True), tile.question, tile.chart)

    missing = [t for t in board.tiles if key(t) not in cache["results"]]
    for tile, result in zip(missing, run_tiles(missing), strict=True):
        cache["results"][key(tile)] = result
    return [dataclasses.replace(cache["results"][key(t)], tile=t) for t in board.tiles]  # the current title


# ---- the board as opened in this browser session -------------------------------------------------------


def _opened(board_id: str):
    return S.get("boards_open", {}).get(board_id)


def _keep(board) -> None:
    S.setdefault("boards_open", {})[board.id] = board


def open_board(user, board_id: str):
    """Load the board from the store (audited as a view), or show why it can't be opened."""
    store = services.get_store()
    try:
        board = store.get_board(user, board_id)
    except Forbidden as exc:
        st.error(
            f"{render.md_escape(exc)}. Ask its owner to share it with you or your team.",
            icon=":material/lock:",
        )
        return None
    except NotFound:
        st.error(
            "This board link doesn't lead anywhere: the board doesn't exist or was deleted. "
            "Check the link, or open one of your boards below.",
            icon=":material/link_off:",
        )
        return None
    try:
        store.audit(user, "board_view", "board", board.id)
    except Exception:
        log.exception("auditing board_view failed")
    _keep(board)
    S.pop(_notes_key(board.id), None)
    S.pop(_title_key(board.id), None)
    S.pop("board_conflict", None)
    S["board_results"] = None  # tiles re-run live on open
    return board


# ---- changes, with conflict handling ------------------------------------------------------------------

OPS = {
    "notes": lambda store, u, bid, v, notes: store.update_board(u, bid, v, notes=notes),
    "details": lambda store, u, bid, v, **kw: store.update_board(u, bid, v, **kw),
    "rename": lambda store, u, bid, v, tile_id, title: store.rename_tile(u, bid, tile_id, title, v),
    "move": lambda store, u, bid, v, tile_id, position: store.move_tile(u, bid, tile_id, position, v),
    "remove": lambda store, u, bid, v, tile_id: store.remove_tile(u, bid, tile_id, v),
    "chart": lambda store, u, bid, v, tile_id, chart: store.update_tile(u, bid, tile_id, v, chart=chart),
}
DONE = {
    "notes": "Notes saved.",
    "details": "Board details saved.",
    "rename": "Tile renamed.",
    "move": "Tile moved.",
    "remove": "Tile removed.",
    "chart": "Chart changed.",
}


def apply_change(board_id: str, op: str, **kwargs) -> bool:
    """Save one change against the version this user opened. On Conflict keep the change aside
    (the widgets keep the user's text) and offer to reload and re-apply it."""
    user = current_user()
    board = _opened(board_id)
    if user is None or board is None:
        _say("warning", "Open the board again before changing it.")
        return False
    try:
        new = OPS[op](services.get_store(), user, board_id, board.version, **kwargs)
    except Conflict as exc:
        S["board_conflict"] = {"id": board_id, "op": op, "kwargs": kwargs, "current": exc.current}
        return False
    except StoreError as exc:
        _say("error", render.md_escape(exc))
        return False
    _keep(new)
    S.pop("board_conflict", None)
    _say("success", DONE[op])
    return True


def _reapply() -> None:
    conflict = S.get("board_conflict")
    if not conflict:
        return
    _keep(conflict["current"])
    apply_change(conflict["id"], conflict["op"], **conflict["kwargs"])


def _discard() -> None:
    conflict = S.pop("board_conflict", None)
    if not conflict:
        return
    current = conflict["current"]
    _keep(current)
    S[_notes_key(current.id)] = current.notes
    S[_title_key(current.id)] = current.title
    _say("info", "Reloaded the saved board; your change was discarded.")


def _show_conflict(board) -> None:
    conflict = S.get("board_conflict")
    if not conflict or conflict["id"] != board.id:
        return
    current = conflict["current"]
    who = "Someone else"
    st.warning(
        f"**This board changed since you opened it.** {who} saved it (now version {current.version}, "
        f"you opened version {board.version}). Nothing was lost: your change is kept here and in the "
        "boxes below. Reload the latest board and re-apply your change, or discard yours.",
        icon=":material/sync_problem:",
    )
    if conflict["op"] == "notes" and current.notes != board.notes:
        with st.expander("Their saved notes"):
            st.markdown(current.notes or "_(empty)_")
    with st.container(horizontal=True):
        st.button("Reload and re-apply my change", type="primary", key="board_reapply", on_click=_reapply)
        st.button("Discard mine and reload", key="board_discard", on_click=_discard)


# ---- drawing -------------------------------------------------------------------------------------------


def _notes_key(board_id: str) -> str:
    return f"board_notes_{board_id}"


def _title_key(board_id: str) -> str:
    return f"board_title_{board_id}"


def _summary(report, report_error) -> None:
    with st.container(border=True, key="board_summary"):
        st.markdown("**Where and when to focus**")
        if report is None:
            st.warning(report_error, icon=":material/location_off:")
            return
        st.markdown(summary_markdown(report.summary))


def summary_markdown(summary: str) -> str:
    """The planning summary as markdown: its "- " lines as a list, every other line a paragraph."""
    out = []
    for line in summary.split("\n"):
        bullet = line.startswith("- ")
        if out and not (bullet and out[-1].startswith("- ")):
            out.append("")
        out.append("- " + render.md_escape(line[2:]) if bullet else render.md_escape(line))
    return "\n".join(out)


def _notes(board) -> None:
    key = _notes_key(board.id)
    if board.notes.strip():
        st.markdown(board.notes)
    elif not board.can_edit:
        st.caption("No notes yet.")
    if not board.can_edit:
        return
    conflict = S.get("board_conflict")
    editing = bool(conflict and conflict["id"] == board.id and conflict["op"] in ("notes", "details"))
    with st.expander("Edit notes and details", expanded=editing, icon=":material/edit:"):
        if key not in S:
            S[key] = board.notes
        st.text_area("Notes (markdown)", key=key, height=180, max_chars=200_000)
        st.button(
            "Save notes",
            key=f"board_save_notes_{board.id}",
            type="primary",
            on_click=lambda: apply_change(board.id, "notes", notes=S.get(key, "")),
        )
        tkey = _title_key(board.id)
        if tkey not in S:
            S[tkey] = board.title
        st.text_input("Board title", key=tkey, max_chars=200)
        event = board.event or {}
        cols = st.columns(4)
        day = _date(event.get("date"))
        cols[0].date_input("Event date", value=day, key=f"board_date_{board.id}", format="DD/MM/YYYY")
        cols[1].time_input(
            "From",
            value=_time(event.get("start_time"), DEFAULT_START),
            key=f"board_start_{board.id}",
            step=900,
        )
        cols[2].time_input(
            "To", value=_time(event.get("end_time"), DEFAULT_END), key=f"board_end_{board.id}", step=900
        )
        cols[3].number_input(
            "Radius (m)",
            min_value=50,
            max_value=5000,
            step=50,
            value=int(event.get("radius_m") or DEFAULT_RADIUS),
            key=f"board_radius_{board.id}",
        )
        st.button(
            "Save details", key=f"board_save_details_{board.id}", on_click=_save_details, args=(board.id,)
        )


def _save_details(board_id: str) -> None:
    board = _opened(board_id)
    event = dict(board.event or {})
    event.update(
        date=S.get(f"board_date_{board_id}"),
        start_time=S.get(f"board_start_{board_id}"),
        end_time=S.get(f"board_end_{board_id}"),
        radius_m=int(S.get(f"board_radius_{board_id}") or DEFAULT_RADIUS),
    )
    apply_change(board_id, "details", title=S.get(_title_key(board_id), board.title), event=event)


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _time(value, default: dt.time) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value)) if value else default
    except ValueError:
        return default


def _venue_point(venue: str | None) -> tuple[float, float] | None:
    venues = services.get_facts().venues
    if not venue or venues.empty or "venue" not in venues:
        return None
    found = venues[venues["venue"] == venue]
    if found.empty:
        return None
    return float(found.iloc[0]["latitude"]), float(found.iloc[0]["longitude"])


def _plan_tile(part: str, report, key: str) -> None:
    from app import maps

    if part == "uplift":
        table = briefing.uplift_table(report)
        st.dataframe(table, hide_index=True, height=38 + 35 * len(table), key=f"{key}-table")
        st.caption(briefing.uplift_note(report))
        return
    if part == "forecast":
        fc = _forecast(report)
        st.markdown(render.md_escape(briefing.forecast_text(fc)))
        if fc.total is None:
            return
        figure = briefing.forecast_figure(fc)
        if figure is not None:
            st.plotly_chart(figure, theme=None, key=f"{key}-chart", config={"displaylogo": False})
        with st.expander("Hour by hour, by crime type (expected, 90% range)"):
            st.dataframe(briefing.forecast_table(fc), hide_index=True, key=f"{key}-hours")
        st.markdown("**Where: the cells of the radius with most crimes at past events**")
        st.dataframe(briefing.cells_table(fc), hide_index=True, key=f"{key}-cells")
        return
    if part == "hotspots":
        point = _venue_point(report.venue)
        deck = maps.deck(
            report.hotspots,
            venues=[(report.venue, *point)] if point else [],
            radius_m=report.radius_m,
            outlines=services.borough_outlines(),
            boroughs=services.get_facts().boroughs,
            map_style=services.map_style(),
        )
        st.pydeck_chart(deck, height=420, key=f"{key}-map")
        st.caption(f"{len(report.hotspots):,} crimes in past event windows within {report.radius_m:,} m.")
        return
    figure = briefing.plan_figure(part, report)
    st.plotly_chart(figure, theme=None, key=f"{key}-chart", config={"displaylogo": False})


def _forecast(report):
    return service.forecast_for(report, _venue_point(report.venue))


def _tile_menu(board, tile, index: int) -> None:
    last = len(board.tiles) - 1
    with st.container(horizontal=True, horizontal_alignment="right", gap="small"):
        st.button(
            "",
            icon=":material/arrow_upward:",
            key=f"tile_up_{tile.id}",
            help="Move up",
            disabled=index == 0,
            on_click=apply_change,
            args=(board.id, "move"),
            kwargs={"tile_id": tile.id, "position": index - 1},
        )
        st.button(
            "",
            icon=":material/arrow_downward:",
            key=f"tile_down_{tile.id}",
            help="Move down",
            disabled=index == last,
            on_click=apply_change,
            args=(board.id, "move"),
            kwargs={"tile_id": tile.id, "position": index + 1},
        )
        with st.popover("", icon=":material/more_vert:", key=f"tile_menu_{tile.id}", help="Rename or remove"):
            name_key = f"tile_title_{tile.id}"
            st.text_input("Tile title", value=tile.title, key=name_key, max_chars=200)
            st.button(
                "Rename",
                key=f"tile_rename_{tile.id}",
                on_click=lambda: apply_change(
                    board.id, "rename", tile_id=tile.id, title=S.get(name_key) or tile.title
                ),
            )
            if plan_part(tile) is None:
                charts = ["bar", "line", "table", "map", "number"]
                st.selectbox(
                    "Show as",
                    charts,
                    index=charts.index(tile.chart) if tile.chart in charts else None,
                    placeholder="As chosen for the question",
                    key=f"tile_chart_{tile.id}",
                )
                st.button(
                    "Change chart",
                    key=f"tile_setchart_{tile.id}",
                    on_click=lambda: apply_change(
                        board.id, "chart", tile_id=tile.id, chart=S.get(f"tile_chart_{tile.id}")
                    ),
                )
            st.button(
                "Remove tile",
                key=f"tile_remove_{tile.id}",
                icon=":material/delete:",
                on_click=apply_change,
                args=(board.id, "remove"),
                kwargs={"tile_id": tile.id},
            )


def _tile(board, result: TileResult, report, report_error, index: int) -> None:
    tile = result.tile
    with st.container(border=True, key=f"boardtile_{tile.id}"):
        try:
            head, menu = st.columns([4, 1], vertical_alignment="center")
            head.markdown(f"**{render.md_escape(tile.title)}**")
            if board.can_edit:
                with menu:
                    _tile_menu(board, tile, index)
            if result.error:
                st.error(render.md_escape(result.error), icon=":material/error:")
                if tile.question:
                    st.caption(f"Saved question: {render.md_escape(tile.question)}")
            elif result.plan_part:
                if report is None:
                    st.info(render.md_escape(report_error), icon=":material/info:")
                else:
                    st.caption(f"Period: past event days {report.period} · {report.learned_from}")
                    _plan_tile(result.plan_part, report, key=f"tile-{tile.id}")
            else:
                reply = result.reply
                if reply.intent is not None:
                    line = reply.intent.describe(services.get_engine().data_as_of)
                    st.caption(f"{line} · Period: {result.period}" if result.period else line)
                render.render_reply(reply, key=f"tile-{tile.id}", compact=True)
        except Exception as exc:  # one broken tile must not take the board down
            log.exception("drawing tile %s failed", tile.id)
            st.error(f"This tile could not be drawn: {type(exc).__name__}", icon=":material/error:")


def _share_panel(user, board) -> None:
    store = services.get_store()
    with st.popover("Share", icon=":material/share:", key="board_share"):
        st.markdown("**Link**: anyone it is shared with can open it")
        st.code(f"{_base_url()}/boards?board={board.id}", language=None)
        if not board.can_manage:
            st.caption("Only the owner can change who this board is shared with.")
            return
        try:
            people = [u.username for u in store.directory(user) if u.username != board.owner]
        except Exception:
            people = []
        try:
            teams = store.list_teams()
        except Exception:
            teams = []
        kind = st.radio(
            "Share with",
            ["user", "team"],
            horizontal=True,
            key="board_share_kind",
            format_func=lambda k: "A person" if k == "user" else "A team (BCU)",
        )
        choices = people if kind == "user" else teams
        st.selectbox(
            "Who", choices, key="board_share_who", index=None, placeholder="Choose…", accept_new_options=True
        )
        st.radio("As", ["viewer", "editor"], horizontal=True, key="board_share_role")
        st.button("Share", type="primary", key="board_share_go", on_click=_share, args=(board.id,))
        if board.shares:
            st.markdown("**Shared with**")
            for share in board.shares:
                row = st.columns([3, 1], vertical_alignment="center")
                label = share.principal if share.principal_kind == "user" else f"team {share.principal}"
                row[0].write(f"{label} · {share.role}")
                row[1].button(
                    "Stop",
                    key=f"board_unshare_{share.principal_kind}_{share.principal}",
                    on_click=_unshare,
                    args=(board.id, share.principal_kind, share.principal),
                )


def _base_url() -> str:
    try:
        url = st.context.url or ""
    except Exception:
        url = ""
    match = re.match(r"(https?://[^/]+)", url)
    return match.group(1) if match else ""


def _share(board_id: str) -> None:
    who = (S.get("board_share_who") or "").strip()
    if not who:
        _say("warning", "Choose who to share the board with.")
        return
    kind = S.get("board_share_kind", "user")
    role = S.get("board_share_role", "viewer")
    try:
        board = services.get_store().share_board(current_user(), board_id, kind, who, role)
    except StoreError as exc:
        _say("error", render.md_escape(exc))
        return
    _keep_shares(board)
    _say("success", f"Shared with {render.md_escape(who)} as {role}.")


def _unshare(board_id: str, kind: str, who: str) -> None:
    try:
        board = services.get_store().unshare_board(current_user(), board_id, kind, who)
    except StoreError as exc:
        _say("error", render.md_escape(exc))
        return
    _keep_shares(board)
    _say("success", f"Stopped sharing with {render.md_escape(who)}.")


def _keep_shares(board) -> None:
    """Sharing does not change the content: keep the opened version, take the new share list."""
    opened = _opened(board.id)
    _keep(dataclasses.replace(opened, shares=board.shares) if opened is not None else board)


# ---- duplicating for another venue or date ----------------------------------------------------------


def _dup_defaults(board) -> None:
    """Re-target the panel's defaults to the chosen venue: what to learn from, and the title."""
    engine = services.get_engine()
    venue = S.get("dup_venue")
    choice, note = service.default_learn(engine, board.event or {}, venue)
    if venue == (board.event or {}).get("venue"):
        choice = service.join_learn(board.event or {})
    S["dup_event"] = choice
    S["dup_note"] = note
    _dup_title()


def _dup_title() -> None:
    name, kind = service.split_learn(S.get("dup_event"))
    event = {"venue": S.get("dup_venue"), "event_name": name, "date": S.get("dup_date")}
    S["dup_title"] = service.default_title(event)
    S.pop("dup_plan", None)


def _duplicate_panel(board) -> None:
    engine = services.get_engine()
    venues = sorted(engine.vocabulary.venues)
    event = board.event or {}
    if S.get("dup_board") != board.id:  # a fresh panel for this board
        S["dup_board"] = board.id
        S["dup_venue"] = event.get("venue") if event.get("venue") in venues else venues[0]
        S["dup_event"] = service.join_learn(event)
        S["dup_date"] = _date(event.get("date")) or dt.date.today()
        S["dup_note"] = ""
        _dup_title()
    with st.popover("Use as template", icon=":material/content_copy:", key="board_dup"):
        st.caption(
            "A copy for another venue or date. Its tiles, title and briefing re-target to the new place."
        )
        venue = st.selectbox("Venue", venues, key="dup_venue", on_change=_dup_defaults, args=(board,))
        choices = service.learn_choices(engine, venue)
        if S.get("dup_event") not in choices:
            S["dup_event"] = service.default_learn(engine, event, venue)[0]
        st.selectbox(
            "Learn from past events",
            choices,
            key="dup_event",
            format_func=lambda n: service.learn_label(n, venue),
            on_change=_dup_title,
        )
        if S.get("dup_note"):
            st.caption(render.md_escape(S["dup_note"]))
        cols = st.columns(2)
        cols[0].date_input("Date", key="dup_date", format="DD/MM/YYYY", on_change=_dup_title)
        cols[1].number_input(
            "Radius (m)", 50, 5000, int(event.get("radius_m") or DEFAULT_RADIUS), 50, key="dup_radius"
        )
        cols[0].time_input("From", _time(event.get("start_time"), DEFAULT_START), key="dup_start", step=900)
        cols[1].time_input("To", _time(event.get("end_time"), DEFAULT_END), key="dup_end", step=900)
        st.text_input("Title", key="dup_title", max_chars=200)
        st.button("Check the copy", key="dup_check", on_click=_check_duplicate, args=(board.id,))
        checked = S.get("dup_plan")
        if checked and checked["board"] == board.id:
            plan_ = checked["plan"]
            for line in plan_.messages:
                st.caption(render.md_escape(line))
            st.caption(f"{len(plan_.tiles)} of {len(board.tiles)} tiles will be copied.")
        st.button("Duplicate", type="primary", key="dup_go", on_click=_duplicate, args=(board.id,))


def _new_event() -> dict:
    name, kind = service.split_learn(S.get("dup_event"))
    return {
        "venue": S.get("dup_venue"),
        "event_name": name,
        "event_category": kind,
        "date": S.get("dup_date"),
        "start_time": S.get("dup_start"),
        "end_time": S.get("dup_end"),
        "radius_m": int(S.get("dup_radius") or DEFAULT_RADIUS),
    }


def _check_duplicate(board_id: str) -> None:
    board = _opened(board_id)
    plan_ = service.plan_duplicate(services.get_engine(), board, _new_event(), S.get("dup_title"))
    S["dup_plan"] = {"board": board_id, "plan": plan_}


def _duplicate(board_id: str) -> None:
    user = current_user()
    board = _opened(board_id)
    engine = services.get_engine()
    plan_ = service.plan_duplicate(engine, board, _new_event(), S.get("dup_title"))
    try:
        copy = service.duplicate(engine, services.get_store(), user, board, S.get("dup_title") or plan_.title,
                                 plan_.event, plan_)  # fmt: skip
    except StoreError as exc:
        _say("error", render.md_escape(exc))
        return
    S.pop("dup_plan", None)
    S.pop("dup_board", None)
    st.query_params["board"] = copy.id
    told = " ".join(plan_.messages)
    _say(
        "success",
        f"Duplicated as “{render.md_escape(copy.title)}”. This is your copy. {render.md_escape(told)}",
    )


def _delete(board_id: str) -> None:
    board = _opened(board_id)
    try:
        services.get_store().delete_board(current_user(), board_id, board.version)
    except Conflict:
        _say("warning", "The board changed since you opened it: reload it before deleting.")
        return
    except StoreError as exc:
        _say("error", render.md_escape(exc))
        return
    S.get("boards_open", {}).pop(board_id, None)
    st.query_params.clear()
    _say("success", f"Deleted “{render.md_escape(board.title)}”.")


def briefing_bytes(user, board, report, report_error, results) -> bytes:
    """The board's HTML briefing (audited as an export)."""
    page = service.briefing_html(
        board,
        report,
        results,
        report_error=report_error,
        forecast=_forecast(report) if report is not None else None,
        venue_point=_venue_point((board.event or {}).get("venue")),
        data_as_of=services.data_as_of(services.get_engine()),
        synthetic=services.get_facts().synthetic,
        generated_by=user.display_name,
    )
    try:
        services.get_store().audit(
            user, "export", "board", board.id, {"format": "html", "title": board.title}
        )
    except Exception:
        log.exception("auditing the export failed")
    return page.encode("utf-8")


def _export(user, board, report, report_error, results) -> None:
    def build() -> bytes:  # runs only when the button is clicked
        return briefing_bytes(user, board, report, report_error, results)

    name = re.sub(r"[^A-Za-z0-9]+", "-", board.title).strip("-")[:60] or "board"
    st.download_button(
        "Briefing (HTML)",
        data=build,
        file_name=f"{name}-briefing.html",
        mime="text/html",
        icon=":material/download:",
        on_click="ignore",
        key="board_export",
        help="A self-contained page with every chart, ready to print or e-mail.",
    )


def _actions(user, board, report, report_error, results) -> None:
    with st.container(horizontal=True, gap="small", key="board_actions"):
        _share_panel(user, board)
        _duplicate_panel(board)
        _export(user, board, report, report_error, results)
        st.button(
            "Refresh",
            icon=":material/refresh:",
            key="board_refresh",
            help="Reload the saved board and re-run every tile",
            on_click=_refresh,
            args=(board.id,),
        )
        if board.can_manage:
            with st.popover("Delete", icon=":material/delete:", key="board_delete"):
                st.write("Delete this board for everyone it is shared with?")
                st.button(
                    "Delete board", type="primary", key="board_delete_go", on_click=_delete, args=(board.id,)
                )


def _refresh(board_id: str) -> None:
    S["board_reload"] = board_id


def show_board(user, board_id: str) -> None:
    """The board for ``?board=ID``: event, summary, notes, tiles, sharing, export."""
    if not BOARD_ID_RE.fullmatch(board_id or ""):
        st.error(
            "This board link is broken: the board id in it is not valid. Check that the whole link "
            "was copied, or open one of your boards below.",
            icon=":material/link_off:",
        )
        list_boards(user)
        return
    board = _opened(board_id)
    fresh = board is None or S.pop("board_reload", None) == board_id or S.get("board_current") != board_id
    if fresh:
        board = open_board(user, board_id)
        if board is None:
            list_boards(user)
            return
    S["board_current"] = board_id
    st.title(render.md_escape(board.title))
    line = render.md_escape(briefing.event_line(board.event))
    who = (
        "Your board"
        if board.owner == user.username
        else f"{render.md_escape(board.owner)}'s board · you are {board.access}"
    )
    st.caption(f"{line} · {who}" if line else who)
    _show_message()
    _show_conflict(board)
    report, report_error = plan_report(board.event) if (board.event or {}).get("venue") else (None, None)
    results = _cached_results(board, refresh=fresh)
    _actions(user, board, report, report_error, results)
    if report is not None or report_error:
        _summary(report, report_error)
    _notes(board)
    if not board.tiles:
        st.info(
            "No tiles yet. Add answers from the Ask page with “Add to board”.", icon=":material/add_chart:"
        )
    for index, result in enumerate(results):
        _tile(board, result, report, report_error, index)


def list_boards(user) -> None:
    """The boards the user owns or that are shared with them."""
    _show_message()
    try:
        boards = services.get_store().list_boards(user)
    except StoreError as exc:
        st.error(render.md_escape(exc))
        return
    st.subheader("Your boards")
    if not boards:
        st.info("No boards yet. Plan an event to build a starter board, or add answers from the Ask page.")
    for board in boards:
        with st.container(border=True, key=f"board_row_{board.id}"):
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.markdown(f"**{render.md_escape(board.title)}**")
            owner = "yours" if board.owner == user.username else f"{board.owner}'s · you are {board.access}"
            left.caption(
                " · ".join(
                    p for p in (briefing.event_line(board.event), f"{len(board.tiles)} tiles", owner) if p
                )
            )
            right.button("Open", key=f"board_open_{board.id}", on_click=_open_from_list, args=(board.id,))


def _open_from_list(board_id: str) -> None:
    st.query_params["board"] = board_id
    S["board_reload"] = board_id


# ---- the Ask page's control ---------------------------------------------------------------------------


BOARD = targets.Kind("Add to board", ":material/dashboard_customize:", "board", "My board", "Add")


def _do_add(reply, key: str) -> None:
    prefix = f"{key}-board"
    board_id, new_title, title = targets.choice(prefix)
    try:
        board = add_reply(current_user(), reply, board_id, title, new_title)
    except StoreError as exc:
        targets.say(prefix, "error", render.md_escape(exc))
        return
    link = targets.Link(
        "pages/boards.py", "Open the board", ":material/space_dashboard:", {"board": board.id}
    )
    targets.say(prefix, "success", f"Added to “{render.md_escape(board.title)}”.", link, target=board.id)


def add_to_board_control(reply, *, key: str) -> None:
    """An "Add to board" popover under an answer (nothing for refusals or when signed out)."""
    user = current_user()
    if not targets.answerable(user, reply):
        return
    try:
        boards = [b for b in services.get_store().list_boards(user) if b.can_edit]
    except Exception:
        log.exception("listing boards failed")
        return
    titles = {b.id: b.title for b in boards}
    targets.popover(BOARD, f"{key}-board", titles, reply, _do_add, (reply, key))
