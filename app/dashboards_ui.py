"""Dashboards without the page: pinning answers, running tiles with dashboard-wide filters,
the supervisor overview, and the audit helpers other pages call.

- ``pin_control(reply, *, key, source="ask")``: a "Pin to dashboard" popover under an answer.
- ``audit_question(reply)``: log a question (text, SQL, row count, duration). Never raises.
- ``audit_download(what, detail=None)``: log an export or download. Never raises.
- ``run_pin(engine, pin, filters)`` -> ``TileRun``: the pin's answer with the filters applied,
  and which filters it ignored.
- ``ensure_overview(user)``: the supervisor's default "Supervisor overview" dashboard.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import streamlit as st

from app import insights_ui, render, services, session, targets
from app.auditing import _audit, audit_download, audit_question, question_detail  # noqa: F401 (their old home)

log = logging.getLogger(__name__)
S = st.session_state
ZONE = ZoneInfo("Europe/London")

# Periods a dashboard can be filtered to: key -> (label, months back from the anchor month or a year rule).
PERIODS = {
    "last_month": "Last month",
    "last_3_months": "Last 3 months",
    "last_6_months": "Last 6 months",
    "last_12_months": "Last 12 months",
    "this_year": "This year",
    "last_year": "Last year",
}
REFRESH_CHOICES = {
    0: "Off",
    60: "Every minute",
    300: "Every 5 minutes",
    900: "Every 15 minutes",
    3600: "Every hour",
}

# The supervisor overview: (title, question with {bcu}). Each was checked with engine.ask on the
# synthetic warehouse: it parses and returns rows.
OVERVIEW = (
    ("Crime last month", "crime in {bcu} BCU last month"),
    ("Crime by month, last 12 months", "crime in {bcu} BCU by month in the last 12 months"),
    ("Top rising crime types (year on year)", "top 5 crime types by change in {bcu} BCU"),
    ("Hotspots last month", "map of crime in {bcu} BCU last month"),
)


# ---- pinning --------------------------------------------------------------------------------------


def editable_dashboards(user) -> list:
    """Dashboards the user may pin to."""
    return [d for d in services.get_store().list_dashboards(user) if d.can_edit]


def pin_reply(user, reply, dashboard_id: str | None, title: str, *, new_title: str = "", source: str = "ask"):
    """Pin ``reply`` to a dashboard (a new one when ``dashboard_id`` is None). Returns the dashboard."""
    store = services.get_store()
    if dashboard_id is None:
        dashboard = store.create_dashboard(user, new_title.strip() or "My dashboard")
    else:
        dashboard = store.get_dashboard(user, dashboard_id)
    return store.pin(
        user,
        dashboard.id,
        dashboard.version,
        title=title.strip() or reply.question,
        question=reply.question or "",
        intent=reply.intent.to_dict(),
        chart=reply.chart,
        source=source,
    )


DASHBOARD = targets.Kind("Pin to dashboard", ":material/push_pin:", "dashboard", "My dashboard", "Pin")


def _do_pin(reply, key: str, source: str) -> None:
    from app.store import Conflict, StoreError

    prefix = f"{key}-pin"
    dashboard_id, new_title, title = targets.choice(prefix)
    try:
        dashboard = pin_reply(
            session.current_user(), reply, dashboard_id, title, new_title=new_title, source=source
        )
    except Conflict:
        targets.say(prefix, "warning", "That dashboard changed just now: please pin again.")
        return
    except StoreError as exc:
        targets.say(prefix, "error", render.md_escape(exc))
        return
    link = targets.Link(
        "pages/dashboards.py", "Open the dashboard", ":material/dashboard:", {"dashboard": dashboard.id}
    )
    text = f"Pinned to “{render.md_escape(dashboard.title)}”."
    targets.say(prefix, "success", text, link, target=dashboard.id)
    S["dash_selected"] = dashboard.id


def pin_control(reply, *, key: str, source: str = "ask") -> None:
    """A "Pin to dashboard" popover for an answer (nothing for refusals or when signed out)."""
    user = session.current_user()
    if not targets.answerable(user, reply):
        return
    try:
        dashboards = editable_dashboards(user)
    except Exception:
        log.exception("listing dashboards failed")
        return
    titles = {d.id: d.title for d in dashboards}
    targets.popover(DASHBOARD, f"{key}-pin", titles, reply, _do_pin, (reply, key, source))


# ---- running tiles -----------------------------------------------------------------------------------


@dataclass
class TileRun:
    reply: object | None
    ignored: list[str] = field(default_factory=list)  # 'area' and/or 'period'
    problem: str | None = None


def period_dates(key: str | None, anchor: dt.date) -> tuple[dt.date, dt.date] | None:
    """First and last month (first days) of a period key, counted back from the anchor month."""
    if not key or key not in PERIODS:
        return None
    anchor = anchor.replace(day=1)
    months = {"last_month": 1, "last_3_months": 3, "last_6_months": 6, "last_12_months": 12}
    if key in months:
        n = months[key] - 1
        year, month = divmod(anchor.year * 12 + anchor.month - 1 - n, 12)
        return dt.date(year, month + 1, 1), anchor
    if key == "this_year":
        return dt.date(anchor.year, 1, 1), anchor
    return dt.date(anchor.year - 1, 1, 1), dt.date(anchor.year - 1, 12, 1)


def area_label(filters: dict) -> str | None:
    """The dashboard's area filter as shown to users (a borough or "<bcu> BCU"), or None."""
    if filters.get("borough"):
        return filters["borough"]
    if filters.get("bcu"):
        return f"{filters['bcu']} BCU"
    return None


def run_pin(engine, pin, filters: dict | None) -> TileRun:
    """The pin's answer with the dashboard's area and period applied where the question can take them."""
    from nlq import Intent

    filters = filters or {}
    if pin.intent:
        try:
            intent = Intent.from_dict(pin.intent)
        except (ValueError, TypeError) as exc:
            return TileRun(
                None, problem=f"This pin was saved by an older version and can't be rebuilt ({exc})."
            )
    else:
        reply = engine.ask(pin.question)
        if reply.intent is None:
            return TileRun(reply)
        intent = reply.intent
    ignored = []
    if filters.get("borough") or filters.get("bcu"):
        if filters.get("borough"):
            changed = intent.with_area(borough=filters["borough"])
        else:
            changed = intent.with_area(bcu=filters["bcu"])
        if changed is intent:  # with_area returns the same intent when it can't take an area
            ignored.append("area")
        intent = changed
    dates = period_dates(filters.get("period"), engine.data_as_of)
    if dates:
        changed = intent.with_period(*dates)
        if changed is intent:
            ignored.append("period")
        intent = changed
    return TileRun(engine.run(intent, question=pin.question), ignored)


def period_label(key: str | None, anchor: dt.date) -> str | None:
    """'last 3 months (Oct–Dec 2025)' for a dashboard period filter, or None."""
    dates = period_dates(key, anchor)
    if not dates:
        return None
    first, last = dates
    span = (
        f"{first:%b %Y}"
        if first == last
        else (f"{first:%b}–{last:%b %Y}" if first.year == last.year else f"{first:%b %Y} – {last:%b %Y}")
    )
    return f"{PERIODS[key].lower()} ({span})"


def tile_heading(pin, run: TileRun, filters: dict | None, vocabulary) -> tuple[str, str, str]:
    """(title, subtitle, period) of a dashboard tile. Under a filter the title says what is shown
    ("Robbery · Harrow · last 3 months (Oct–Dec 2025)") and the pinned title and question become
    the subtitle; the period is always stated, even when the question named none."""
    from app.periods import period_text

    filters = filters or {}
    intent = getattr(run.reply, "intent", None)
    period = period_text(intent, vocabulary) if intent is not None else ""
    try:
        from nlq import Intent

        saved = Intent.from_dict(pin.intent) if pin.intent else None
    except (ValueError, TypeError, KeyError):
        saved = None
    applied = []
    area = area_label(filters)
    same_area = (
        saved is not None
        and intent is not None
        and (saved.boroughs, saved.bcus)
        == (
            intent.boroughs,
            intent.bcus,
        )
    )
    if area and "area" not in run.ignored and not same_area:
        applied.append(area)
    when = period_label(filters.get("period"), vocabulary.anchor_month)
    same_time = saved is not None and intent is not None and saved.time == intent.time
    if when and "period" not in run.ignored and not same_time:
        applied.append(when)
    if not applied or intent is None:
        return pin.title, "", period
    what = " + ".join(intent.crime_types) if intent.crime_types else "Crime"
    if intent.venues:
        what += f" near {', '.join(intent.venues)}"
    if intent.group_by:
        what += " " + " and ".join("by " + g.replace("_", " ") for g in intent.group_by)
    if area not in applied and (intent.boroughs or intent.bcus):  # the question's own area
        applied.insert(0, ", ".join([*intent.boroughs, *(b + " BCU" for b in intent.bcus)]))
    subtitle = f"Pinned as “{pin.title}”" + (
        f" · asked: {pin.question}" if pin.question and pin.question != pin.title else ""
    )
    return " · ".join([what, *applied]), subtitle, period


# ---- the supervisor overview ------------------------------------------------------------------------


def overview_pins(engine, bcu: str) -> tuple[list[dict], list[str]]:
    """Pins for a BCU's overview, and the questions the engine could not answer."""
    pins, failed = [], []
    for title, template in OVERVIEW:
        question = template.format(bcu=bcu)
        reply = engine.ask(question)
        if reply.error or reply.intent is None:
            failed.append(question)
            continue
        pins.append(
            {"title": title, "question": question, "intent": reply.intent.to_dict(), "chart": reply.chart}
        )
    return pins, failed


def ensure_overview(user):
    """The supervisor's overview dashboard (created on first use); None for others or if deleted."""
    if user is None or user.role != "supervisor" or not user.team:
        return None
    if S.get("overview_checked") == user.username:
        return None
    S["overview_checked"] = user.username
    store = services.get_store()
    if any(
        d.system_key == "supervisor_overview" and d.owner == user.username
        for d in store.list_dashboards(user)
    ):
        return None
    try:
        pins, failed = overview_pins(services.get_engine(), user.team)
        if failed:
            log.warning("supervisor overview: no answer for %s", failed)
        return store.ensure_supervisor_overview(user, pins)
    except Exception:
        log.exception("creating the supervisor overview failed")
        return None


# ---- the audit log on screen (Audit page and My account) -----------------------------------------


def audit_filters(prefix: str, *, anyone: bool) -> dict:
    """Filter widgets for the audit log; returns keyword arguments for Store.search_audit."""
    from app.store import ACTIONS

    user = session.current_user()
    columns = st.columns([2, 2, 2, 2, 3] if anyone else [2, 2, 2, 3])
    filters: dict = {}
    if anyone:
        names = [u.username for u in services.get_store().directory(user)]
        filters["username"] = columns[0].selectbox(
            "User", names, index=None, placeholder="Anyone", key=f"{prefix}-user", accept_new_options=True
        )
        columns = columns[1:]
    filters["action"] = columns[0].selectbox(
        "Action", sorted(ACTIONS), index=None, placeholder="Any action", key=f"{prefix}-action"
    )
    filters["since"] = columns[1].date_input("From", value=None, key=f"{prefix}-since", format="DD/MM/YYYY")
    filters["until"] = columns[2].date_input("To", value=None, key=f"{prefix}-until", format="DD/MM/YYYY")
    filters["text"] = (
        columns[3]
        .text_input(
            "Contains", key=f"{prefix}-text", placeholder="words in the question, SQL, ids…", max_chars=200
        )
        .strip()
        or None
    )
    return filters


def _detail_text(detail: dict) -> str:
    """The detail as JSON, the question's own words first (the store keeps keys sorted)."""
    import json

    if not detail:
        return ""
    first = {k: detail[k] for k in ("text", "what", "title") if k in detail}
    return json.dumps({**first, **detail}, ensure_ascii=False, default=str)


def audit_frame(entries):
    """Audit rows as a table for reading (London time, detail as text)."""
    import pandas as pd

    rows = [
        {
            "When": e.at.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S"),
            "User": e.username or "",
            "Action": e.action,
            "Target": " ".join(x for x in (e.target_kind, e.target_id) if x),
            "OK": e.ok,
            "Detail": _detail_text(e.detail),
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=["When", "User", "Action", "Target", "OK", "Detail"])


def audit_view(prefix: str, *, anyone: bool, limit: int = 1000) -> None:
    """Filters, the matching rows and a CSV export (the export is audited by the store)."""
    from app.store import StoreError

    user = session.current_user()
    store = services.get_store()
    filters = audit_filters(prefix, anyone=anyone)
    if not anyone:
        filters["username"] = user.username  # supervisors and admins too: only their own rows here
    try:
        entries = store.search_audit(user, limit=limit, **filters)
    except StoreError as exc:
        st.error(render.md_escape(exc))
        return
    shown = "" if len(entries) < limit else f" (the newest {limit:,}; narrow the filters or export for more)"
    st.caption(f"{len(entries):,} entries{shown} · times are London time")
    st.dataframe(
        audit_frame(entries),
        hide_index=True,
        key=f"{prefix}-table",
        height=min(600, 40 + 35 * max(len(entries), 1)),
        column_config={"OK": st.column_config.CheckboxColumn("OK", width="small")},
    )

    def export() -> str:  # runs only when the button is clicked
        return store.export_audit_csv(user, **filters)

    st.download_button(
        "Export CSV",
        data=export,
        file_name=f"audit-{dt.date.today():%Y%m%d}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key=f"{prefix}-csv",
    )


# ---- "What changed this month" (insights decide, this draws) ------------------------------------------

CHANGED_MONTHS = 3  # the tile shows the latest month's flags first, then the two months before


@st.cache_resource(show_spinner=False, max_entries=2)
def _warehouse_counts(path: str, _stamp: str):
    from insights.data import warehouse_counts

    return warehouse_counts(path)


def changed_area(dashboard, user, filters: dict | None = None) -> tuple[str, tuple[str, ...]] | None:
    """(label, boroughs) the tile covers: the dashboard's area filter, else the supervisor's BCU."""
    from insights.data import bcu_boroughs

    filters = filters or {}
    if filters.get("borough"):
        return filters["borough"], (filters["borough"],)
    bcu = filters.get("bcu") or (
        getattr(user, "team", None) if dashboard.system_key == "supervisor_overview" else None
    )
    boroughs = bcu_boroughs().get(bcu or "")
    return (f"{bcu} BCU", boroughs) if boroughs else None


def changed_flags(boroughs, months: int = CHANGED_MONTHS):
    """(flags newest first, series tested per month, latest month) for these boroughs."""
    from insights import what_changed
    from warehouse.paths import warehouse_path

    path = warehouse_path()
    counts = _warehouse_counts(str(path), services.warehouse_stamp(path))
    if counts.empty:
        return [], 0, None
    mine = counts[counts["unit"].isin(list(boroughs))]
    series = mine.groupby(["unit", "crime_type"]).ngroups
    latest = max(counts["month"])
    return what_changed(counts, boroughs, latest, months=months), series, latest


def what_changed_tile(dashboard, user, filters: dict | None = None) -> None:
    """The "What changed this month" tile: each flag one sentence (opening Ask) and a sparkline."""
    area = changed_area(dashboard, user, filters)
    if area is None:
        return
    label, boroughs = area
    with st.container(border=True, key="tile-what-changed"):
        st.markdown(f":material/insights: **What changed this month · {render.md_escape(label)}**")
        try:
            flags, series, latest = changed_flags(boroughs)
        except Exception:
            log.exception("what changed failed")
            st.error("What changed could not be worked out just now. The rest of the dashboard is fine.")
            return
        if latest is None:
            st.caption("No data yet.")
            return
        st.caption(
            f"{series} series (crime type × borough) against their seasonal baseline · 90% intervals · "
            "false-discovery rate 5% · Open in Ask shows a series month by month"
        )
        newest = [f for f in flags if f.month == latest]
        if not newest:
            st.success(
                f"Nothing unusual in {render.month_label(latest)}: every series is within its expected range.",
                icon=":material/check_circle:",
            )
        insights_ui.flag_rows(flags, latest, key="what-changed")
