"""Event-planning boards without the page: planning a starter board, running tiles, the board
view with its editing controls, duplication for another venue, and the Ask page's control.

- ``current_user()``: the signed-in user or None.
- ``add_to_board_control(reply, *, key)``: an "Add to board" popover under an answer.
- ``plan_board(user, venue, day, start, end, radius_m, event_name=None, title=None)`` -> Board.
- ``show_board(user, board_id)``: the whole board view for ``?board=ID``.
- ``retarget_tile(tile, old_event, new_event)``: a tile rewritten for another venue or event.

Tiles are saved questions (``Tile.intent`` = ``Intent.to_dict()``) or planning sections
(``Tile.intent`` = ``{"plan": "uplift"}`` etc.) that follow the board's event details. Each tile is
drawn in its own container inside try/except, so one broken tile never breaks the board.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re

import streamlit as st

from app import briefing, render, services, targets
from app.briefing import PLAN_PARTS, TileResult, plan_part
from app.store import Conflict, Forbidden, NotFound, StoreError, Tile

log = logging.getLogger(__name__)
S = st.session_state
BOARD_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
DEFAULT_START = dt.time(18, 0)
DEFAULT_END = dt.time(23, 30)
DEFAULT_RADIUS = 500


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


# ---- planning ---------------------------------------------------------------------------------------


def _warehouse_key() -> str:
    from warehouse.paths import warehouse_path

    path = warehouse_path()
    try:
        return f"{path}:{path.stat().st_mtime}"
    except OSError:
        return str(path)


# ``warehouse`` (path and mtime) is only the cache key: ``_engine`` is not hashed, so a rebuilt
# warehouse must still miss the cache.
@st.cache_data(ttl=900, max_entries=64, show_spinner="Comparing past events with normal days…")
def _plan(_engine, warehouse: str, venue: str, start: str, end: str, radius_m: int, event_name: str | None):  # noqa: ARG001
    from nlq.planning import plan_event

    return plan_event(
        _engine, venue, dt.time.fromisoformat(start), dt.time.fromisoformat(end), radius_m, event_name
    )


def plan_report(event: dict):
    """(PlanReport, None) for a board's event details, or (None, reason it can't be run)."""
    event = event or {}
    if not event.get("venue"):
        return None, "This board has no venue, so there is no event analysis."
    try:
        report = _plan(
            services.get_engine(),
            _warehouse_key(),
            event["venue"],
            event.get("start_time") or DEFAULT_START.strftime("%H:%M"),
            event.get("end_time") or DEFAULT_END.strftime("%H:%M"),
            int(event.get("radius_m") or DEFAULT_RADIUS),
            event.get("event_name"),
        )
    except ValueError as exc:
        return None, f"The event analysis for {event['venue']} can't be run: {exc}."
    except Exception:
        log.exception("plan_event failed")
        return None, "The event analysis failed to run. Please try again in a minute."
    return report, None


def _distance(radius_m: int) -> str:
    return f"{radius_m / 1000:g} km" if radius_m >= 1000 and radius_m % 100 == 0 else f"{radius_m} m"


def _top_types(report, n: int = 2) -> list[str]:
    """Crime types that rose most during past events (by uplift, with enough cases to count)."""
    frame = report.uplift
    rising = frame[(frame["ratio"] > 1) & (frame["event_count"] >= 3)]
    if rising.empty:
        rising = frame.sort_values("event_count", ascending=False)
    return [str(t) for t in rising["crime_type"].head(n)]


def starter_questions(report, venue: str, radius_m: int, event_name: str | None) -> list[tuple[str, str]]:
    """(title, question) for the starter board's question tiles, from the planning report."""
    near = f"within {_distance(radius_m)} of {venue}"
    during = f" during {event_name}" if event_name else ""
    top = _top_types(report)
    questions = []
    if event_name:
        questions.append(("Crime types during past events", f"crime {near}{during} by crime type"))
    for crime_type in top[:1]:
        questions.append(
            (
                f"{crime_type} by hour{', past events' if event_name else ''}",
                f"{crime_type.lower()} {near}{during} by hour",
            )
        )
    for crime_type in top[:2]:
        questions.append((f"{crime_type} by month", f"{crime_type.lower()} {near} by month"))
    return questions


def starter_tiles(engine, report, venue: str, radius_m: int, event_name: str | None) -> list[Tile]:
    """Planning-section tiles, then question tiles that parse (each saved with its intent)."""
    tiles = [Tile(id="", title=title, intent={"plan": part}) for part, title in PLAN_PARTS.items()]
    for title, question in starter_questions(report, venue, radius_m, event_name):
        parsed = engine.parse(question)
        if parsed.intent is None:
            log.warning("starter question did not parse: %s (%s)", question, parsed.error)
            continue
        tiles.append(Tile(id="", title=title, question=question, intent=parsed.intent.to_dict()))
    return tiles


def plan_board(user, venue, day, start, end, radius_m=DEFAULT_RADIUS, event_name=None, title=None):
    """Run the planning report and save a starter board. Raises ValueError (bad venue, no past
    events) or StoreError; returns the new Board."""
    engine = services.get_engine()
    # the same cached call the board page makes on open, so opening the new board is quick
    report = _plan(
        engine, _warehouse_key(), venue, f"{start:%H:%M}", f"{end:%H:%M}", int(radius_m), event_name
    )
    event = {
        "venue": report.venue,
        "event_name": report.event_name,
        "date": day,
        "start_time": start,
        "end_time": end,
        "radius_m": int(radius_m),
    }
    title = (title or "").strip() or f"{report.event_name or report.venue} · {day:%a %d %b %Y}"
    tiles = starter_tiles(engine, report, report.venue, int(radius_m), report.event_name)
    notes = (
        "Planning notes: briefing points, resources and contacts go here "
        "(markdown: **bold**, - lists, [links](https://example.org))."
    )
    return services.get_store().create_board(user, title, event=event, notes=notes, tiles=tiles)


# ---- running tiles -------------------------------------------------------------------------------------


def _tile_intent(tile):
    """The saved Intent with the tile's chart choice, or ValueError."""
    from nlq import Intent

    intent = Intent.from_dict(tile.intent)
    if tile.chart and intent.chart != tile.chart:
        intent = intent.with_chart(tile.chart)
    return intent


def run_tile(tile) -> TileResult:
    """Answer one tile live. Never raises: problems become this tile's error."""
    part = plan_part(tile)
    if part is not None:
        if part not in PLAN_PARTS:
            return TileResult(tile, error=f"Unknown planning section {part!r}.")
        return TileResult(tile, plan_part=part)
    engine = services.get_engine()
    try:
        if tile.intent:
            try:
                intent = _tile_intent(tile)
            except (ValueError, TypeError, KeyError) as exc:
                if not tile.question:
                    raise ValueError(f"its saved question can no longer be read ({exc})") from exc
                reply = engine.ask(tile.question)  # an old saved intent: ask the question again
            else:
                reply = engine.run(intent, question=tile.question)
        elif tile.question:
            reply = engine.ask(tile.question)
        else:
            return TileResult(tile, error="This tile has no question.")
    except Exception as exc:
        log.exception("tile %s failed", tile.id)
        return TileResult(tile, error=f"This tile could not be answered: {exc}")
    if reply.error:
        return TileResult(tile, reply=reply, error=f"This tile's question no longer works: {reply.error}")
    return TileResult(tile, reply=reply)


def _cached_results(board, refresh: bool = False) -> list[TileResult]:
    """Tile answers for this board, run once per opening (and on Refresh), then reused on reruns."""
    cache = S.get("board_results")
    if refresh or not cache or cache["id"] != board.id:
        cache = {"id": board.id, "results": {}}
        S["board_results"] = cache
    results = []
    for tile in board.tiles:
        key = (tile.id, json.dumps(tile.intent, sort_keys=True), tile.question, tile.chart)
        if key not in cache["results"]:
            cache["results"][key] = run_tile(tile)
        result = cache["results"][key]
        results.append(dataclasses.replace(result, tile=tile))  # the current title
    return results


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
        st.dataframe(
            table,
            hide_index=True,
            height=38 + 35 * len(table),
            key=f"{key}-table",
            column_config={"× normal": st.column_config.NumberColumn(format="%.1f×")},
        )
        st.caption(
            f"{report.event_days} past event days vs {report.baseline_days} comparable days (same weekdays "
            "±8 weeks, same hours, no event). × normal = crimes per event window ÷ per comparable window."
        )
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
                    _plan_tile(result.plan_part, report, key=f"tile-{tile.id}")
            else:
                reply = result.reply
                if reply.intent is not None:
                    st.caption(reply.intent.describe())
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


def retarget_tile(tile, old_event: dict, new_event: dict):
    """The tile about the new venue and event. Planning sections follow the board's event, so
    they are kept as they are; so is a tile whose saved question can't be read."""
    if plan_part(tile) is not None or not tile.intent:
        return tile
    try:
        intent = _tile_intent(tile)
    except (ValueError, TypeError, KeyError):
        return tile
    old_venue, new_venue = old_event.get("venue"), new_event.get("venue")
    if intent.venues and new_venue and new_venue != old_venue:
        intent = intent.retarget(venue=new_venue)
    if intent.venues and new_event.get("radius_m") and new_event.get("radius_m") != old_event.get("radius_m"):
        intent = dataclasses.replace(intent, radius_m=int(new_event["radius_m"]))
    if intent.event:
        if new_event.get("event_name"):
            intent = intent.retarget(event=new_event["event_name"])
        elif new_venue != old_venue:
            intent = intent.without("event")  # that event was not at the new venue
    return dataclasses.replace(tile, intent=intent.to_dict(), question=intent.describe())


def duplicate(user, board, title: str, new_event: dict):
    """A copy of ``board`` for ``new_event`` owned by ``user``, its tiles re-targeted."""
    old_event = dict(board.event or {})
    return services.get_store().duplicate_board(
        user, board.id, title, event=new_event, retarget=lambda t: retarget_tile(t, old_event, new_event)
    )


def _events_at(venue: str | None) -> list[str]:
    try:
        events = services.get_engine().vocabulary.events
    except Exception:
        return []
    return sorted({e["name"] for e in events if e.get("venue") == venue})


def _duplicate_panel(board) -> None:
    venues = sorted(services.get_engine().vocabulary.venues)
    event = board.event or {}
    with st.popover("Use as template", icon=":material/content_copy:", key="board_dup"):
        st.caption("A copy for another venue or date. Its tiles re-target to the new place and event.")
        venue = st.selectbox(
            "Venue",
            venues,
            index=venues.index(event["venue"]) if event.get("venue") in venues else 0,
            key="dup_venue",
        )
        names = _events_at(venue)
        st.selectbox(
            "Learn from past events",
            [None, *names],
            key="dup_event",
            format_func=lambda n: f"All past events at {venue}" if n is None else n,
        )
        cols = st.columns(2)
        day = cols[0].date_input(
            "Date", value=_date(event.get("date")) or dt.date.today(), key="dup_date", format="DD/MM/YYYY"
        )
        cols[1].number_input(
            "Radius (m)", 50, 5000, int(event.get("radius_m") or DEFAULT_RADIUS), 50, key="dup_radius"
        )
        cols[0].time_input("From", _time(event.get("start_time"), DEFAULT_START), key="dup_start", step=900)
        cols[1].time_input("To", _time(event.get("end_time"), DEFAULT_END), key="dup_end", step=900)
        st.text_input("Title", value=f"{venue} · {day:%a %d %b %Y}", key="dup_title", max_chars=200)
        st.button("Duplicate", type="primary", key="dup_go", on_click=_duplicate, args=(board.id,))


def _duplicate(board_id: str) -> None:
    user = current_user()
    board = _opened(board_id)
    new_event = {
        "venue": S.get("dup_venue"),
        "event_name": S.get("dup_event"),
        "date": S.get("dup_date"),
        "start_time": S.get("dup_start"),
        "end_time": S.get("dup_end"),
        "radius_m": int(S.get("dup_radius") or DEFAULT_RADIUS),
    }
    try:
        copy = duplicate(user, board, S.get("dup_title") or board.title, new_event)
    except StoreError as exc:
        _say("error", render.md_escape(exc))
        return
    st.query_params["board"] = copy.id
    _say("success", f"Duplicated as “{render.md_escape(copy.title)}”. This is your copy.")


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
    page = briefing.build_html(
        board,
        report,
        results,
        report_error=report_error,
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


def add_reply(user, reply, board_id: str | None, title: str, new_title: str = ""):
    """Add ``reply`` as a tile (to a new board when ``board_id`` is None); returns the board.
    Adding does not overwrite anything, so on Conflict it is retried once on the saved version."""
    store = services.get_store()
    fields = {
        "title": title.strip() or reply.question,
        "question": reply.question or "",
        "intent": reply.intent.to_dict(),
        "chart": reply.chart if reply.chart in ("number", "line", "bar", "map", "table") else None,
    }
    if board_id is None:
        return store.create_board(user, new_title.strip() or "My board", tiles=[Tile(id="", **fields)])
    board = store.get_board(user, board_id)
    try:
        return store.add_tile(user, board_id, board.version, **fields)
    except Conflict as exc:
        return store.add_tile(user, board_id, exc.current.version, **fields)


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
