"""Boards: event-planning boards with live tiles. Open one with ``?board=ID``."""

from __future__ import annotations

import streamlit as st

from app import boards_ui, services


def main() -> None:
    user = boards_ui.current_user()
    if user is None:
        st.title("Boards")
        st.info("Sign in to use boards.", icon=":material/lock:")
        return
    board_id = st.query_params.get("board")
    if board_id is not None:
        boards_ui.show_board(user, board_id)
        return
    st.title("Boards")
    st.caption(
        "Event-planning boards: the event, your notes and saved questions that re-run live when opened. "
        "Share a board by its link; duplicate one as a template for another venue or date."
    )
    st.page_link("pages/plan.py", label="Plan an event", icon=":material/event:")
    boards_ui.list_boards(user)


services.require_entrypoint()
main()
