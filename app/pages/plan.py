"""Plan an event: pick a venue (or a past event), a date, a time window and a radius; the app
compares past events there with comparable normal days and builds a starter board."""

from __future__ import annotations

import datetime as dt
import logging

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app import boards_ui, render, services
from app.boards import service
from app.store import StoreError

log = logging.getLogger(__name__)
S = st.session_state
DEFAULT_VENUE = "Wembley Stadium"


def _venue_and_event(engine) -> tuple[str | None, str | None]:
    vocab = engine.vocabulary
    venues = sorted(vocab.venues)
    events = sorted(vocab.events, key=lambda e: (e["name"], e["venue"]))
    how = st.radio(
        "Start from",
        ["venue", "event"],
        horizontal=True,
        key="plan_from",
        format_func=lambda k: "A venue or place" if k == "venue" else "An event in the events table",
    )
    if how == "event":
        labels = {f"{e['name']} — {e['venue']}": e for e in events}
        choice = st.selectbox(
            "Event", list(labels), index=None, key="plan_event_pick", placeholder="Choose an event…"
        )
        if choice is None:
            return None, None
        return labels[choice]["venue"], labels[choice]["name"]
    default = venues.index(DEFAULT_VENUE) if DEFAULT_VENUE in venues else 0
    venue = st.selectbox("Venue or place", venues, index=default, key="plan_venue")
    choice = st.selectbox(
        "Learn from",
        service.learn_choices(engine, venue),
        key="plan_learn",
        format_func=lambda n: service.learn_label(n, venue),
        help="Which past events to compare with normal days.",
    )
    return venue, choice


def _window() -> tuple[dt.date, dt.time, dt.time, int]:
    """The event's date, start, end and radius, side by side."""
    cols = st.columns(4)
    day = cols[0].date_input("Date of the event", value=dt.date.today(), key="plan_date", format="DD/MM/YYYY")
    start = cols[1].time_input("From", value=boards_ui.DEFAULT_START, key="plan_start", step=900)
    end = cols[2].time_input(
        "To",
        value=boards_ui.DEFAULT_END,
        key="plan_end",
        step=900,
        help="An end before the start runs past midnight.",
    )
    radius = cols[3].number_input(
        "Radius (m)", min_value=50, max_value=5000, value=boards_ui.DEFAULT_RADIUS, step=50, key="plan_radius"
    )
    return day, start, end, int(radius)


def _build(user, venue, day, start, end, radius, event_name, title) -> None:
    """Plan the starter board and open it, or say why it could not be planned."""
    if start == end:
        st.warning("The time window is empty: choose different start and end times.")
        return
    try:
        with st.spinner("Comparing past events with normal days…"):
            name, kind = service.split_learn(event_name)
            board = boards_ui.plan_board(user, venue, day, start, end, radius, name, title, kind)
    except ValueError as exc:
        st.warning(f"Can't plan this: {render.md_escape(exc)}.", icon=":material/event_busy:")
        return
    except StoreError as exc:
        st.error(render.md_escape(exc))
        return
    except Exception:
        log.exception("planning failed")
        st.error("Planning failed. Please try again in a minute.")
        return
    S["board_reload"] = board.id
    try:
        st.switch_page("pages/boards.py", query_params={"board": board.id})
    except StreamlitAPIException:  # run outside app/main.py's navigation (e.g. a page test)
        st.query_params["board"] = board.id
        st.success(f"Board “{render.md_escape(board.title)}” created with {len(board.tiles)} tiles.")


def main() -> None:
    """The Plan page: event details in, a starter board out."""
    st.title("Plan an event")
    user = boards_ui.current_user()
    if user is None:
        st.info("Sign in to use boards.", icon=":material/lock:")
        return
    st.caption(
        "What happened within the radius during past events at the venue, against the same hours on "
        "comparable non-event days: uplift by crime type, by hour and by day, hotspots, top streets and "
        "outcomes. The result is a starter board you can edit, share and export."
    )
    engine = services.get_engine()
    venue, event_name = _venue_and_event(engine)
    day, start, end, radius = _window()
    title = st.text_input(
        "Board title",
        key="plan_title",
        max_chars=200,
        placeholder="Optional: e.g. “Wembley, Sat 20 June: Eras Tour”",
    )
    clicked = st.button(
        "Build starter board",
        type="primary",
        key="plan_go",
        icon=":material/event_note:",
        disabled=venue is None,
    )
    if clicked:
        _build(user, venue, day, start, end, radius, event_name, title)


services.require_entrypoint()
main()
