"""Drawing the insights (``insights`` decides, this draws): what-changed flags as sentences that
open their Ask answer, the what-changed answer on the Ask page, and the "Where next" map tile.

- ``flag_rows(flags, latest, key)``: each flag one sentence, an "Open in Ask" link, a sparkline.
- ``what_changed_answer(reply, key)``: the Ask page's answer to "what changed in Camden last month".
- ``where_next_tile(area)``: next month's top 5% LSOAs (or 500 m cells) for a chosen crime type,
  with the reason drugs and weapons are not forecast.
"""

from __future__ import annotations

import logging

import streamlit as st

from app import maps, render, services

log = logging.getLogger(__name__)
S = st.session_state
SHOWN_FLAGS = 12


# ---- what changed -----------------------------------------------------------------------------------


def _sparkline(flag, key: str) -> None:
    import plotly.graph_objects as go

    colour = "#c0392b" if flag.direction == "high" else "#1f6fb2"
    fig = go.Figure(
        go.Scatter(
            x=list(flag.history_months),
            y=list(flag.history),
            mode="lines+markers",
            line={"color": "#7f8c8d", "width": 1.5},
            marker={"size": [0] * (len(flag.history) - 1) + [7], "color": colour},
            hovertemplate="%{x|%b %Y}: %{y:,}<extra></extra>",
        )
    )
    fig.add_hrect(y0=flag.low, y1=flag.high, fillcolor="#95a5a6", opacity=0.18, line_width=0)
    fig.update_layout(
        height=56,
        margin={"l": 0, "r": 0, "t": 2, "b": 2},
        showlegend=False,
        xaxis={"visible": False},
        yaxis={"visible": False},
        plot_bgcolor="rgba(0,0,0,0)",
    )
    st.plotly_chart(fig, key=key, config={"displayModeBar": False, "staticPlot": False}, width="stretch")


def flag_rows(flags, latest, key: str, limit: int = SHOWN_FLAGS) -> None:
    """The flags, newest month first ("Earlier: November 2025" before older months)."""
    shown_month = None
    for i, flag in enumerate(flags[:limit]):
        if flag.month != shown_month:
            shown_month = flag.month
            if flag.month != latest:
                st.caption(f"Earlier: {render.month_label(flag.month)}")
        text, spark = st.columns([5, 2], vertical_alignment="center")
        with text:
            icon = ":material/trending_up:" if flag.direction == "high" else ":material/trending_down:"
            st.markdown(f"{icon} {render.md_escape(flag.sentence())}")
            st.page_link(
                "pages/ask.py",
                label="Open in Ask",
                icon=":material/search:",
                query_params={"q": flag.question()},
            )
        with spark:
            if flag.history:
                _sparkline(flag, key=f"{key}-spark-{i}")
    if len(flags) > limit:
        st.caption(f"and {len(flags) - limit} more")


def what_changed_answer(reply, key: str) -> None:
    """The flags of a what-changed reply, what the method is, and the SQL of the counts compared."""
    changes = (reply.context or {}).get("what_changed")
    if changes is None:
        st.info("No what-changed result to show.")
        return
    st.caption(f":material/functions: {render.md_escape(changes.method)}")
    if changes.flags:
        count = len(changes.flags)
        st.markdown(
            f"**{count} series outside {'its' if count == 1 else 'their'} expected range** "
            f"(of {changes.series} tested a month)"
        )
        flag_rows(list(changes.flags), changes.last, key=f"{key}-changed")
    else:
        st.success(render.md_escape(changes.nothing()), icon=":material/check_circle:")
    with st.expander("SQL behind this answer (the monthly counts compared)", icon=":material/code:"):
        st.code(render.pretty_sql(reply.sql), language="sql", wrap_lines=True)


# ---- where next -------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=16)
def _forecast(path: str, _stamp: str, crime_type: str, boroughs: tuple[str, ...], unit: str):
    from insights.where_next import area_forecast

    return area_forecast(path, crime_type, boroughs or None, unit)


def _types() -> list[str]:
    from insights.where_next import forecastable_types

    return forecastable_types(services.get_engine().vocabulary.crime_types)


def where_next_tile(area: tuple[str, tuple[str, ...]] | None, key: str = "where-next") -> None:
    """The "Where next" tile for an area (label, boroughs): the top 5% areas on a map."""
    from insights.where_next import EXCLUDED_REASON, POLICE_ACTIVITY_TYPES, UNITS
    from warehouse.paths import warehouse_path

    if area is None:
        return
    label, boroughs = area
    with st.container(border=True, key=f"tile-{key}"):
        st.markdown(f":material/explore: **Where next · {render.md_escape(label)}**")
        types = _types()
        if not types:
            st.caption("No crime types to forecast.")
            return
        pick, unit_pick = st.columns([3, 2], vertical_alignment="bottom")
        default = types.index("Burglary") if "Burglary" in types else 0
        crime_type = pick.selectbox("Crime type", types, index=default, key=f"{key}-type")
        unit = unit_pick.radio(
            "Areas", list(UNITS), format_func=UNITS.get, horizontal=True, key=f"{key}-unit"
        )
        # on the map, before anything else: why two types are never offered
        st.markdown(
            f'<div class="ub-where-next-excluded" style="font-size:0.85rem;border-left:3px solid #b45309;'
            f'padding:2px 8px;margin:2px 0 6px 0;background:#fffbeb">'
            f"<b>Not forecast: {' and '.join(POLICE_ACTIVITY_TYPES)}.</b> "
            f"{render.md_escape(EXCLUDED_REASON.split(': ', 1)[-1])}</div>",
            unsafe_allow_html=True,
        )
        path = warehouse_path()
        try:
            result = _forecast(str(path), services.warehouse_stamp(path), crime_type, tuple(boroughs), unit)
        except Exception:
            log.exception("where next failed")
            st.error("Where next could not be worked out just now. The rest of the dashboard is fine.")
            return
        _where_next_map(result, label, boroughs, unit, key)


def _where_next_map(result, label: str, boroughs, unit: str, key: str) -> None:
    from insights.where_next import UNITS

    top = result.top
    month = f"{result.month:%B %Y}"
    noun = "LSOAs" if unit == "lsoa" else "500 m cells"
    st.caption(
        f"The {len(top):,} of {len(result.table):,} {noun} in {render.md_escape(label)} (top "
        f"{result.top_share:.0%}) with the most {render.md_escape(result.crime_type.lower())} expected "
        f"in {month}: recent months weigh more, each area is shrunk towards its borough's rate, and "
        "London's seasonal level is applied. Hover or tap an area for its expected count and 90% interval."
    )
    facts = services.get_facts()
    phone = render.is_phone()
    height = 380 if phone else 460
    areas = maps.forecast_areas(top, result.crime_type, month, unit)
    deck = maps.forecast_deck(
        areas,
        outlines=services.borough_outlines(),
        boroughs=facts.boroughs,
        area_names=boroughs,
        map_style=services.map_style(),
        width_px=360 if phone else 900,
        height_px=height,
    )
    st.pydeck_chart(deck, height=height, key=f"{key}-map")
    legend = maps.forecast_legend(top)
    if legend is not None:
        st.markdown(render.legend_html(legend), unsafe_allow_html=True)
    st.caption(
        "Back-tested on the Met's real LSOA counts (docs/insights.md): its top 5% catches more of next "
        "month's crimes than last month's top 5% does, but no more than the last 12 months' top 5%. "
        "A prompt for where to look, not a measure of where crime is."
    )
    with st.expander(f"The {len(top):,} {noun} as a table"):
        shown = top[["rank", "name", "borough", "expected", "low", "high"]].rename(
            columns={
                "rank": "Rank",
                "name": UNITS[unit].capitalize() if unit == "lsoa" else "Cell",
                "borough": "Borough",
                "expected": "Expected",
                "low": "90% low",
                "high": "90% high",
            }
        )
        st.dataframe(
            shown,
            hide_index=True,
            key=f"{key}-table",
            column_config={"Expected": st.column_config.NumberColumn("Expected", format="%.1f")},
        )
