"""The popover that puts an answer on a board or a dashboard: pick one (or a new one), name the
tile, press the button, see what happened. Add to board and Pin to dashboard both use it.

Widget keys are ``{prefix}-target``, ``{prefix}-new``, ``{prefix}-title``, ``{prefix}-go``; the
outcome waits in ``{prefix}-message`` as ``(kind, text, link)`` until the next run shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

NEW = "__new__"
S = st.session_state


@dataclass(frozen=True)
class Kind:
    """What the popover puts things on: its wording and icon."""

    label: str  # the popover's button, "Add to board"
    icon: str
    noun: str  # "board"
    new_title: str  # default title of a new one, "My board"
    button: str  # "Add"


@dataclass(frozen=True)
class Link:
    """Where the success message points: a page of the app, with query parameters."""

    page: str
    label: str
    icon: str
    params: dict


def answerable(user, reply) -> bool:
    """Only a signed-in user's answered question (not a refusal) can be added or pinned, and not a
    near-me answer: it would keep the user's position, and a board or dashboard has none to re-ask."""
    return not (
        user is None
        or reply is None
        or getattr(reply, "error", None)
        or getattr(reply, "intent", None) is None
        or getattr(reply.intent, "near_me", False)
    )


def choice(prefix: str) -> tuple[str | None, str, str]:
    """The chosen target id (None for a new one), the new one's title and the tile title."""
    target = S.get(f"{prefix}-target")
    return (
        None if target in (None, NEW) else target,
        S.get(f"{prefix}-new") or "",
        S.get(f"{prefix}-title") or "",
    )


def say(prefix: str, kind: str, text: str, link: Link | None = None, target: str | None = None) -> None:
    """Leave the outcome for the next run; after a success, keep ``target`` selected so that
    adding again goes to the same place rather than to yet another new one."""
    S[f"{prefix}-message"] = (kind, text, link)
    if target is not None:
        S[f"{prefix}-target"] = target


def popover(kind: Kind, prefix: str, titles: dict[str, str], reply, on_click, args: tuple) -> None:
    """Draw the popover for ``reply`` with ``titles`` (id → title) to choose from, then any message."""
    options = [*titles, NEW]
    if S.get(f"{prefix}-target") not in options:
        S.pop(f"{prefix}-target", None)  # deleted or unshared meanwhile
    with st.popover(kind.label, icon=kind.icon, key=prefix):
        st.selectbox(
            kind.noun.capitalize(),
            options,
            format_func=lambda o: f"➕ New {kind.noun}…" if o == NEW else titles[o],
            key=f"{prefix}-target",
        )
        if S.get(f"{prefix}-target", options[0]) == NEW:
            st.text_input(
                f"New {kind.noun}'s title", value=kind.new_title, key=f"{prefix}-new", max_chars=200
            )
        default = reply.intent.describe() if hasattr(reply.intent, "describe") else reply.question
        st.text_input("Tile title", value=(default or "")[:200], key=f"{prefix}-title", max_chars=200)
        st.button(kind.button, type="primary", key=f"{prefix}-go", on_click=on_click, args=args)
    _message(prefix)


def _message(prefix: str) -> None:
    message = S.pop(f"{prefix}-message", None)
    if not message:
        return
    kind, text, link = message
    getattr(st, kind)(text)
    if link is None:
        return
    try:
        st.page_link(link.page, label=link.label, icon=link.icon, query_params=link.params)
    except StreamlitAPIException:  # outside app/main.py's navigation (a page test)
        pass
