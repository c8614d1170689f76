"""Dashboards: pinned answers that stay live, with dashboard-wide area and period filters.

Open one with ``?dashboard=ID``. Tiles run on open (and on the auto-refresh interval); each tile
is drawn in its own container so one broken tile does not break the page.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

from app import dashboards_ui as ui
from app import insights_ui, render, services, session
from app.store import Conflict, Forbidden, NotFound, StoreError

log = logging.getLogger(__name__)
S = st.session_state
LONDON = ZoneInfo("Europe/London")


# ---- small helpers ------------------------------------------------------------------------------


def _say(kind: str, text: str) -> None:
    S["dash_message"] = (kind, text)


def _act(action, *args, **kwargs) -> bool:
    """Run a store change; on failure say why. True when it worked."""
    try:
        action(*args, **kwargs)
    except Conflict as exc:
        _say("warning", render.md_escape(exc))
        return False
    except StoreError as exc:
        _say("error", render.md_escape(exc))
        return False
    return True


def _select(dashboard_id: str | None) -> None:
    S["dash_selected"] = dashboard_id
    if dashboard_id:
        st.query_params["dashboard"] = dashboard_id
    else:
        st.query_params.pop("dashboard", None)


def _area_options(engine) -> list[str]:
    vocab = engine.vocabulary
    return ["", *(f"bcu:{b}" for b in vocab.bcus), *(f"borough:{b}" for b in vocab.boroughs)]


def _area_label(option: str) -> str:
    if not option:
        return "All London"
    kind, _, name = option.partition(":")
    return f"{name} BCU" if kind == "bcu" else name


def _filters_from_widgets() -> dict:
    kind, _, name = (S.get("dash_area") or "").partition(":")
    return {
        "borough": name if kind == "borough" else None,
        "bcu": name if kind == "bcu" else None,
        "period": S.get("dash_period") or None,
    }


def _load_widgets(dashboard, engine) -> None:
    """Put the saved filters into the filter widgets when a dashboard (or a new version) opens."""
    if S.get("dash_widgets_for") == (dashboard.id, dashboard.version):
        return
    S["dash_widgets_for"] = (dashboard.id, dashboard.version)
    filters = dashboard.filters or {}
    area = f"borough:{filters['borough']}" if filters.get("borough") else ""
    area = f"bcu:{filters['bcu']}" if filters.get("bcu") else area
    S["dash_area"] = area if area in _area_options(engine) else ""
    S["dash_period"] = filters.get("period") if filters.get("period") in ui.PERIODS else ""
    S["dash_refresh"] = dashboard.refresh_seconds if dashboard.refresh_seconds in ui.REFRESH_CHOICES else 0
    S["dash_rename"] = dashboard.title


# ---- callbacks -------------------------------------------------------------------------------------


def _save_filters(dashboard) -> None:
    if dashboard.can_edit:
        user = session.current_user()
        _act(
            services.get_store().update_dashboard,
            user,
            dashboard.id,
            dashboard.version,
            filters=_filters_from_widgets(),
        )


def _save_refresh(dashboard) -> None:
    user = session.current_user()
    seconds = int(S.get("dash_refresh") or 0)
    _act(
        services.get_store().update_dashboard, user, dashboard.id, dashboard.version, refresh_seconds=seconds
    )


def _create() -> None:
    title = (S.get("dash_new_title") or "").strip() or "My dashboard"
    try:
        dashboard = services.get_store().create_dashboard(session.current_user(), title)
    except StoreError as exc:
        _say("error", render.md_escape(exc))
        return
    S["dash_new_title"] = ""
    _select(dashboard.id)
    _say("success", f"Created “{render.md_escape(dashboard.title)}”. Pin answers to it from Ask or a board.")


def _rename(dashboard) -> None:
    title = S.get("dash_rename") or ""
    _act(
        services.get_store().update_dashboard,
        session.current_user(),
        dashboard.id,
        dashboard.version,
        title=title,
    )


def _share(dashboard) -> None:
    kind = S.get("dash_share_kind", "user")
    principal = S.get("dash_share_user") if kind == "user" else S.get("dash_share_team")
    if not principal:
        _say("warning", "Choose whom to share with.")
        return
    role = S.get("dash_share_role", "viewer")
    store = services.get_store()
    if _act(store.share_dashboard, session.current_user(), dashboard.id, kind, principal, role):
        _say("success", f"Shared with {render.md_escape(principal)} as {role}.")


def _unshare(dashboard, kind: str, principal: str) -> None:
    if _act(services.get_store().unshare_dashboard, session.current_user(), dashboard.id, kind, principal):
        _say("success", f"Stopped sharing with {render.md_escape(principal)}.")


def _delete(dashboard) -> None:
    if not S.get("dash_delete_sure"):
        _say("warning", "Tick the box to confirm deleting the dashboard.")
        return
    if _act(services.get_store().delete_dashboard, session.current_user(), dashboard.id, dashboard.version):
        _select(None)
        _say("success", f"Deleted “{render.md_escape(dashboard.title)}”.")


# ---- drawing -------------------------------------------------------------------------------------------


def _message() -> None:
    message = S.pop("dash_message", None)
    if message:
        kind, text = message
        getattr(st, kind)(text)


def _picker(dashboards, current_id: str | None) -> None:
    titles = {d.id: d.title if d.access == "owner" else f"{d.title} (from {d.owner})" for d in dashboards}
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    if dashboards:
        S["dash_pick"] = current_id if current_id in titles else next(iter(titles))
        left.selectbox(
            "Dashboard",
            list(titles),
            format_func=titles.get,
            key="dash_pick",
            on_change=lambda: _select(S.get("dash_pick")),
        )
    with right.popover("New dashboard", icon=":material/add:", width="stretch"):
        st.text_input("Title", key="dash_new_title", max_chars=200, placeholder="e.g. Brent weekly")
        st.button("Create", type="primary", on_click=_create, key="dash_create")


def _controls(dashboard, engine) -> None:
    _load_widgets(dashboard, engine)
    area, period, refresh, menu = st.columns([3, 2, 2, 1], vertical_alignment="bottom")
    area.selectbox(
        "Area (every tile)",
        _area_options(engine),
        format_func=_area_label,
        key="dash_area",
        on_change=_save_filters,
        args=(dashboard,),
    )
    period.selectbox(
        "Period (every tile)",
        ["", *ui.PERIODS],
        format_func=lambda k: ui.PERIODS.get(k, "As pinned"),
        key="dash_period",
        on_change=_save_filters,
        args=(dashboard,),
    )
    refresh.selectbox(
        "Auto refresh",
        list(ui.REFRESH_CHOICES),
        format_func=ui.REFRESH_CHOICES.get,
        key="dash_refresh",
        on_change=_save_refresh,
        args=(dashboard,),
        disabled=not dashboard.can_edit,
    )
    if dashboard.can_manage or dashboard.can_edit:
        with menu.popover("Settings", icon=":material/settings:", width="stretch"):
            _settings(dashboard)


def _settings(dashboard) -> None:
    st.text_input("Title", key="dash_rename", max_chars=200)
    st.button("Rename", on_click=_rename, args=(dashboard,), key="dash_rename_go")
    if not dashboard.can_manage:
        return
    st.divider()
    st.caption("Share with a user or a team (BCU)")
    store = services.get_store()
    user = session.current_user()
    kind = st.radio(
        "With", ["user", "team"], format_func=str.capitalize, horizontal=True, key="dash_share_kind"
    )
    if kind == "user":
        names = [u.username for u in store.directory(user) if u.username != dashboard.owner]
        st.selectbox("User", names, key="dash_share_user")
    else:
        teams = sorted(set(store.list_teams()) | set(services.get_engine().vocabulary.bcus))
        st.selectbox("Team (BCU)", teams, key="dash_share_team")
    st.radio("As", ["viewer", "editor"], horizontal=True, key="dash_share_role")
    st.button("Share", on_click=_share, args=(dashboard,), key="dash_share_go")
    for i, share in enumerate(dashboard.shares):
        st.button(
            f"Stop sharing with {share.principal} ({share.role})",
            on_click=_unshare,
            args=(dashboard, share.principal_kind, share.principal),
            key=f"dash_unshare_{i}",
            type="tertiary",
            icon=":material/close:",
        )
    st.divider()
    st.checkbox("Yes, delete this dashboard", key="dash_delete_sure")
    st.button(
        "Delete dashboard",
        on_click=_delete,
        args=(dashboard,),
        key="dash_delete_go",
        icon=":material/delete:",
    )


def _tile_change(action, *args, **kwargs) -> None:
    """A tile-menu callback: change the store, then rerun the whole page (see _tile_menu)."""
    S["dash_tile_changed"] = _act(action, *args, **kwargs)


def _tile_menu(dashboard, pin, index: int) -> None:
    """Rename, move and remove. A change reruns the whole page, so everything shows the new version."""
    store = services.get_store()
    user = session.current_user()
    common = (user, dashboard.id, pin.id)
    with st.popover("", icon=":material/more_vert:", key=f"tile-menu-{pin.id}", help="Tile menu"):
        st.text_input("Title", value=pin.title, key=f"tile-title-{pin.id}", max_chars=200)
        st.button(
            "Rename",
            key=f"tile-rename-{pin.id}",
            on_click=lambda: _tile_change(
                store.update_pin, *common, dashboard.version, title=S.get(f"tile-title-{pin.id}") or ""
            ),
        )
        earlier, later = st.columns(2)
        earlier.button(
            "Move earlier",
            key=f"tile-up-{pin.id}",
            disabled=index == 0,
            icon=":material/arrow_back:",
            on_click=_tile_change,
            args=(store.move_pin, *common, index - 1, dashboard.version),
        )
        later.button(
            "Move later",
            key=f"tile-down-{pin.id}",
            disabled=index == len(dashboard.pins) - 1,
            icon=":material/arrow_forward:",
            on_click=_tile_change,
            args=(store.move_pin, *common, index + 1, dashboard.version),
        )
        st.button(
            "Remove from dashboard",
            key=f"tile-remove-{pin.id}",
            icon=":material/delete:",
            on_click=_tile_change,
            args=(store.unpin, *common, dashboard.version),
        )


def _tile(dashboard, pin, index: int, engine, filters: dict) -> list[str]:
    """One tile in its own bordered container; returns the filters it ignored."""
    with st.container(border=True, key=f"tile-{pin.id}"):
        head, menu = st.columns([12, 1], vertical_alignment="center")
        if dashboard.can_edit:
            with menu:
                _tile_menu(dashboard, pin, index)
        try:
            run = ui.run_pin(engine, pin, filters)
            title, subtitle, period = ui.tile_heading(pin, run, filters, engine.vocabulary)
            head.markdown(f"**{render.md_escape(title)}**")
            if subtitle or period:
                line = " · ".join(x for x in (subtitle, f"Period: {period}" if period else "") if x)
                st.caption(render.md_escape(line))
            if run.problem:
                st.warning(render.md_escape(run.problem))
                return []
            if run.ignored:
                names = " and ".join("area" if k == "area" else "period" for k in run.ignored)
                st.caption(
                    f":material/filter_alt_off: Ignores the dashboard's {names} filter (not possible here)"
                )
            render.render_reply(run.reply, key=f"tile-{pin.id}", compact=True)
            return run.ignored
        except Exception:
            log.exception("tile %s failed", pin.id)
            head.markdown(f"**{render.md_escape(pin.title)}**")
            st.error(
                "This tile could not be drawn. The rest of the dashboard is fine.", icon=":material/error:"
            )
            return []


def _grid(dashboard_id: str, filters: dict) -> None:
    """The tiles (re-run on the auto-refresh interval)."""
    if S.pop("dash_tile_changed", None) is not None:
        st.rerun()  # a tile-menu change (or its failure message): redraw the whole page
    user = session.current_user()
    try:
        dashboard = services.get_store().get_dashboard(user, dashboard_id)
    except StoreError as exc:
        st.error(str(exc))
        return
    engine = services.get_engine()
    now = datetime.now(LONDON)
    seconds = dashboard.refresh_seconds or 0
    every = ui.REFRESH_CHOICES.get(seconds, f"every {seconds} seconds")
    note = f" · refreshes {every.lower()}" if dashboard.refresh_seconds else ""
    st.caption(
        f":material/refresh: Refreshed at {now:%H:%M:%S}{note} · data as of {render.month_label(engine.data_as_of)}"
    )
    summary = st.empty()
    ui.what_changed_tile(dashboard, user, filters)
    insights_ui.where_next_tile(ui.changed_area(dashboard, user, filters))
    if not dashboard.pins:
        st.info(
            "No tiles yet. Ask a question, then use **Pin to dashboard** under the answer.",
            icon=":material/push_pin:",
        )
        return
    ignored: dict[str, list[str]] = {}
    for start in range(0, len(dashboard.pins), 2):
        columns = st.columns(2)
        for column, index in zip(columns, range(start, min(start + 2, len(dashboard.pins))), strict=False):
            pin = dashboard.pins[index]
            with column:
                for kind in _tile(dashboard, pin, index, engine, filters):
                    ignored.setdefault(kind, []).append(pin.title)
    if ignored:
        lines = [
            f"{'Area' if k == 'area' else 'Period'} filter ignored by: {', '.join(map(render.md_escape, t))}"
            for k, t in ignored.items()
        ]
        summary.caption(":material/filter_alt_off: " + " · ".join(lines))


def _audit_view(dashboard_id: str, ok: bool = True, reason: str | None = None) -> None:
    if S.get("dash_viewed") == dashboard_id and not session.page_entered():
        return
    S["dash_viewed"] = dashboard_id
    services.get_store().audit(
        session.current_user(),
        "dashboard_view",
        "dashboard",
        dashboard_id,
        {"reason": reason} if reason else None,
        ok=ok,
    )


def main() -> None:
    user = session.require_user()
    store = services.get_store()
    engine = services.get_engine()
    ui.ensure_overview(user)
    st.title("Dashboards")
    dashboards = store.list_dashboards(user)
    wanted = st.query_params.get("dashboard") or S.get("dash_selected")
    ids = [d.id for d in dashboards]
    if wanted and wanted not in ids:
        try:  # an admin may open anyone's dashboard by its link; others get "not shared with you"
            dashboards.append(store.get_dashboard(user, wanted))
            ids.append(wanted)
        except (Forbidden, NotFound) as exc:
            _audit_view(wanted, ok=False, reason=str(exc))
            st.error(f"Can't open that dashboard: {render.md_escape(exc)}", icon=":material/lock:")
            wanted = None
    current_id = wanted if wanted in ids else (ids[0] if ids else None)
    _picker(dashboards, current_id)
    _message()
    if current_id is None:
        st.info("You have no dashboards yet. Pin an answer from **Ask** to start one, or create one above.")
        return
    dashboard = next(d for d in dashboards if d.id == current_id)
    S["dash_selected"] = dashboard.id
    _audit_view(dashboard.id)
    owner = (
        "yours"
        if dashboard.access == "owner"
        else f"shared by {render.md_escape(dashboard.owner)} · you can {'edit' if dashboard.can_edit else 'view'}"
    )
    st.subheader(render.md_escape(dashboard.title))
    count = len(dashboard.pins)
    st.caption(f"{count} tile{'' if count == 1 else 's'} · {owner}")
    _controls(dashboard, engine)
    filters = _filters_from_widgets()
    if st.button("Refresh now", icon=":material/refresh:", key="dash_refresh_now", type="tertiary"):
        pass  # the click reruns the page, which re-runs every tile
    grid = st.fragment(_grid, run_every=dashboard.refresh_seconds or None)
    grid(dashboard.id, filters)


services.require_entrypoint()
main()
