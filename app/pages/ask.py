"""Ask: type a question, see how it was read, get the answer as a number, chart, map or table."""

from __future__ import annotations

import logging
import secrets
import time

import streamlit as st

from app import boards_ui, dashboards_ui, geolocation, insights_ui, render, services, session, share

MAX_CHARS = 500
HISTORY = 8
EXAMPLES = (
    "robberies near Oxford Circus by hour last month",
    "compare burglary in Camden and Islington by month",
    "map of bicycle theft in Hackney in 2025",
    "top 10 boroughs for knife crime this year",
    "how many burglaries in Westminster last month",
    "anti-social behaviour by day of week in Southwark",
)
log = logging.getLogger(__name__)
S = st.session_state


# ---- actions (run as widget callbacks, before the page is drawn) ---------------------------


def _say(kind: str, text: str) -> None:
    S["ask_message"] = (kind, text)


def _show(reply, *, refined: bool) -> None:
    """Make `reply` the current answer, audit it and point the URL at it."""
    dashboards_ui.audit_question(reply)
    S["ask_reply"] = reply
    S["ask_refined"] = refined
    S["ask_message"] = None
    S["ask_followup_message"] = None
    intent = reply.intent.to_dict() if refined and reply.intent is not None and not reply.error else None
    params = share.params_for(reply.question, intent) if reply.question else {}
    st.query_params.from_dict(params)
    S["ask_params_seen"] = params


def _checked(question: str | None) -> str | None:
    """The question stripped, or None after saying why it cannot be asked."""
    text = " ".join((question or "").split())
    if not text:
        _say("warning", "Type a question first, for example “burglary in Camden by month”.")
        return None
    if len(text) > MAX_CHARS:
        _say(
            "warning",
            f"That question is {len(text):,} characters long. Please keep it under {MAX_CHARS} "
            "characters: one question at a time.",
        )
        return None
    return text


def ask(question: str | None) -> None:
    """Ask the engine a new question."""
    text = _checked(question)
    if text is None:
        return
    session.remember_question(text, keep=HISTORY)
    asked, mine, problem = services.fill_in_mine(text, session.current_user())
    if problem:
        _say("warning", problem)
        return
    _answer_question(text, asked, mine)


def _answer_question(
    text: str, asked: str, mine: str | None, location=None, refused: str | None = None
) -> None:
    """Ask the engine; a near-me question without a location first asks the browser for one."""
    S.pop("ask_locating", None)
    try:
        reply = services.get_engine().ask(asked, location=location)
    except Exception:
        log.exception("engine.ask failed")
        _say("error", "Something went wrong while answering that. Please try rephrasing the question.")
        return
    if reply.needs_location and refused is None:
        S["ask_locating"] = {"text": text, "asked": asked, "mine": mine, "request": secrets.token_hex(8)}
        S["ask_message"] = None
        S["ask_reply"] = None  # the answer shown next is this question's
        return
    if refused:
        reply.error = f"{refused} {reply.error}"
    if mine:
        reply.notes = [mine, *reply.notes]
    _show(reply, refined=False)


def _position(name: str) -> dict | None:
    """The locator's answer for the pending request (browser input: checked, never trusted)."""
    pending = S.get("ask_locating")
    result = S.get("ask_locator")
    value = getattr(result, name, None) if result is not None else None
    if pending is None or not isinstance(value, dict) or value.get("request") != pending["request"]:
        return None
    return value


def _located() -> None:
    value = _position("located")
    if value is not None:
        pending = S["ask_locating"]
        location = (value.get("latitude"), value.get("longitude"))
        _answer_question(pending["text"], pending["asked"], pending["mine"], location=location)


def _location_failed() -> None:
    value = _position("failed")
    if value is not None:
        pending = S["ask_locating"]
        refused = geolocation.refusal(value.get("code"))
        _answer_question(pending["text"], pending["asked"], pending["mine"], refused=refused)


def ask_text(question: str) -> None:
    """Callback for example, suggestion and recent-question buttons: fill the box and ask."""
    S["ask_q"] = question
    ask(question)


def _submit() -> None:
    ask(S.get("ask_q"))


def _follow_up() -> None:
    current = S.get("ask_reply")
    text = " ".join((S.get("ask_followup") or "").split())
    S["ask_followup"] = ""
    if not text or current is None or current.intent is None:
        S["ask_followup_message"] = (
            "Type a follow-up such as “what about Hackney?”, “by month” or “as a map”."
        )
        return
    if len(text) > MAX_CHARS:
        S["ask_followup_message"] = f"Please keep follow-ups under {MAX_CHARS} characters."
        return
    try:
        reply = services.get_engine().refine(current.intent, text)
    except Exception:
        log.exception("engine.refine failed")
        reply = None
    if reply is None or reply.error:
        reason = reply.error if reply is not None else "Something went wrong."
        S["ask_followup_message"] = f"Couldn't apply “{render.md_escape(text)}”: {reason}"
        return
    _show(reply, refined=True)


def _remove_chip(key: str) -> None:
    current = S.get("ask_reply")
    try:
        reply = services.get_engine().run(current.intent.without(key))
    except Exception:
        log.exception("removing chip %s failed", key)
        _say("error", "Couldn't re-run the answer without that part.")
        return
    _show(reply, refined=True)


def _open_share_link() -> None:
    """Answer what the URL asks for, once per distinct set of parameters."""
    params = st.query_params.to_dict()
    if params == S.get("ask_params_seen"):
        return
    S["ask_params_seen"] = params
    request = share.read_params(params)
    if request is None:
        return
    if request.intent is not None:
        try:
            from nlq import Intent

            intent = Intent.from_dict(request.intent)
            reply = services.get_engine().run(intent)
        except Exception:
            reply = None
        if reply is not None and not reply.error:
            S["ask_q"] = request.question or reply.question or ""
            _show(reply, refined=True)
            return
        request = share.ShareRequest(request.question, None, "it refers to an answer that can't be rebuilt")
    if request.problem:
        broken = f"This share link is broken or out of date ({request.problem})."
        if request.question:
            S["ask_q"] = request.question
            ask(request.question)
            if S.get("ask_message") is None:
                _say("info", broken + " Showing the answer to its question instead.")
        else:
            _say("warning", broken + " Ask the question again below.")
        return
    S["ask_q"] = request.question
    ask(request.question)


# ---- drawing ------------------------------------------------------------------------------


def _question_box() -> None:
    with st.form("ask_form", border=False, enter_to_submit=True):
        box, button = st.columns([6, 1], vertical_alignment="bottom")
        box.text_input(
            "Your question",
            key="ask_q",
            placeholder="e.g. robberies near Oxford Circus by hour last month",
            label_visibility="collapsed",
            icon=":material/search:",
        )
        button.form_submit_button("Ask", type="primary", on_click=_submit, width="stretch", key="ask_submit")


def _examples(engine) -> None:
    st.markdown("**Try one of these**")
    with st.container(horizontal=True, gap="small"):
        for i, question in enumerate(EXAMPLES):
            st.button(question, key=f"ask_example_{i}", on_click=ask_text, args=(question,))
    vocab = getattr(engine, "vocabulary", None)
    if vocab is None:
        return
    with st.expander("What can I ask about?"):
        types, places, venues = st.columns(3)
        types.markdown("**Crime types**  \n" + ", ".join(vocab.crime_types))
        places.markdown("**Boroughs**  \n" + ", ".join(vocab.boroughs))
        venues.markdown("**Places and events**  \n" + ", ".join(list(vocab.venues)[:40]))
        st.markdown(
            "**Ways to slice it**: by hour, day of week, day, week, month, quarter, year, borough, BCU, "
            "crime type, outcome, street or LSOA · **Periods**: last month, last 6 months, this year, "
            "in 2024, during an event · **Places**: a borough, a BCU, near a venue, within 1 km of a venue · "
            "**Measures**: counts, rate per 1,000 residents, share, change on the previous period, top 10."
        )


def _recent() -> None:
    history = session.recent_questions()
    if not history:
        return
    with st.sidebar:
        st.markdown("**Recent questions**")
        for i, question in enumerate(history):
            label = render.md_escape(question if len(question) <= 80 else question[:79] + "…")
            st.button(label, key=f"ask_recent_{i}", on_click=ask_text, args=(question,), type="tertiary")


def _locating() -> None:
    """While the browser looks for its position: say so, and mount the locator."""
    pending = S.get("ask_locating")
    if not pending:
        return
    st.info(
        ":material/my_location: Finding your location for “"
        + render.md_escape(pending["text"])
        + "”. Allow location if your browser asks: only your coordinates are sent, and only to this app.",
    )
    geolocation.locator(pending["request"], "ask_locator", _located, _location_failed)


def _message() -> None:
    message = S.get("ask_message")
    if message:
        kind, text = message
        getattr(st, kind)(text)


def _not_understood(reply, engine) -> None:
    """The reading so far as chips, each word not understood as a red chip, and the reading
    without those words as a one-click choice: never an answer on a partial reading."""
    st.caption("How I read it (red: not understood, so I have not answered)")
    understood = engine.parse(reply.without).intent if reply.without else None
    chips = understood.chips(services.data_as_of(engine)) if understood is not None else []
    with st.container(horizontal=True, gap="small", key="ask-unknown-chips"):
        for chip in chips:
            st.badge(chip.label, color="gray")
        for word in reply.unknown:
            st.badge(f"not understood: {render.md_escape(word)}", color="red", icon=":material/help:")
    if reply.without and understood is not None:
        words = ", ".join(f"‘{w}’" for w in reply.unknown)
        st.button(
            f"Answer without {words}",
            key="ask_without",
            type="primary",
            on_click=ask_text,
            args=(reply.without,),
            help=f"Ask “{reply.without}” instead",
        )


def _refusal(reply, engine) -> None:
    st.info(f"I can't answer that as asked. {render.md_escape(reply.error)}", icon=":material/help:")
    if getattr(reply, "unknown", None):
        _not_understood(reply, engine)
    if reply.suggestions:
        st.markdown("**You could ask instead**")
        with st.container(horizontal=True, gap="small"):
            for i, question in enumerate(reply.suggestions[:6]):
                st.button(question, key=f"ask_suggestion_{i}", on_click=ask_text, args=(question,))


def _answer(reply, engine) -> None:
    facts = services.get_facts()
    if reply.error:
        _refusal(reply, engine)
        render.render_notes(reply)
        return
    anchor = services.data_as_of(engine)
    st.subheader(
        reply.intent.describe(anchor) if reply.intent is not None else render.md_escape(reply.question)
    )
    st.caption("How I read it (✕ removes a part and asks again)")
    removed = render.render_chips(reply.intent, key="ask", anchor=anchor)
    if removed:
        _remove_chip(removed)
        st.rerun()
    render.render_notes(reply)
    if reply.intent is not None and reply.intent.insight:  # "what changed in Camden last month"
        start = time.perf_counter()
        insights_ui.what_changed_answer(reply, key="ask")
        drawn_ms = (time.perf_counter() - start) * 1000
    else:
        drawn_ms = render.render_reply(reply, key="ask")
    render.footer(reply, services.data_as_of(engine), facts.synthetic, drawn_ms)
    with st.container(horizontal=True, gap="small"):
        boards_ui.add_to_board_control(reply, key="ask-board")
        dashboards_ui.pin_control(reply, key="ask-pin")
    if getattr(reply.intent, "near_me", False):
        st.caption(
            ":material/my_location: An answer about your location is not added to boards or dashboards "
            "(it would keep your position): ask about a venue to keep one."
        )
    with st.form("followup_form", border=False, enter_to_submit=True):
        box, button = st.columns([6, 1], vertical_alignment="bottom")
        box.text_input(
            "Follow up",
            key="ask_followup",
            placeholder="Follow up: “what about Hackney?”, “by month”, “as a map”, “last 6 months”",
            label_visibility="collapsed",
            icon=":material/subdirectory_arrow_right:",
        )
        button.form_submit_button("Refine", on_click=_follow_up, width="stretch", key="ask_refine")
    if S.get("ask_followup_message"):
        st.info(S["ask_followup_message"])
    st.caption(":material/link: Share this answer: copy the page address, it reproduces this answer.")


def _title() -> None:
    """The big title, only on the empty state: on a phone the answer comes first."""
    st.title("Ask about crime in London")
    st.caption(
        "Type a question in plain English. You'll see how it was understood, the answer and the SQL behind it."
    )


def main() -> None:
    fresh = S.get("ask_reply") is None and not st.query_params.to_dict()
    if fresh:  # the box first: just after start-up the engine may still be opening, and one can type
        _title()
        _question_box()
    engine = services.get_engine()
    if not fresh:
        _open_share_link()
        if S.get("ask_reply") is None:
            _title()
        _question_box()
    reply = S.get("ask_reply")
    _message()
    _locating()
    _recent()
    if reply is None:
        _examples(engine)
    else:
        _answer(reply, engine)


services.require_entrypoint()
main()
