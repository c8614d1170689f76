"""Drawing answers: number, chart, map or table, the interpretation chips and the footer.

Everything here is keyed by the caller's `key`, so boards and dashboards can draw
many answers on one page.
"""

from __future__ import annotations

import math
import time
from datetime import date

import pandas as pd
import streamlit as st

from app import charts, maps, services
from app.sanitize import frame_csv, md_escape

CHART_TAB = {"number": "Answer", "line": "Chart", "bar": "Chart", "map": "Map"}


def _value_text(value, column: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int | float) and column in ("share", "share_pct", "change", "pct_change"):
        return f"{value:,.1f}%"
    if isinstance(value, float) and not float(value).is_integer():
        return f"{value:,.2f}"
    if isinstance(value, int | float):
        return f"{int(value):,}"
    return str(value)


def _delta(context: dict) -> tuple[str | None, str | None]:
    """The metric delta and its help text from the engine's context (previous period)."""
    change = (context or {}).get("change_pct")
    if change is None:
        return None, None
    previous = context.get("previous_value")
    text = f"{change:+.1f}% on the previous period"
    if previous is not None:
        text += f" ({_value_text(previous, None)})"
    return text, f"Compared with {context.get('previous_period') or 'the previous period'}"


def _number(reply, compact: bool) -> None:
    frame = reply.frame
    s = charts.shape(frame)
    value = frame.iloc[0][s.value] if s.value is not None and len(frame) else None
    if hasattr(value, "item"):
        value = value.item()
    context = getattr(reply, "context", None) or {}
    delta, description = _delta(context)
    st.metric(
        charts.label(s.value),
        _value_text(value, s.value),
        delta=delta,
        delta_color="off" if not context.get("change_pct") else "inverse",  # more crime is bad news
        delta_arrow="off" if not context.get("change_pct") else "auto",
        border=not compact,
        width="content",
        help=description,
    )


def display_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Long form pivoted for reading when there is a time grain and a series; otherwise as is."""
    s = charts.shape(frame)
    if s.time and s.series and s.value and frame[s.series].nunique() <= 12:
        wide = frame.pivot_table(index=s.time, columns=s.series, values=s.value, aggfunc="sum", observed=True)
        wide.columns = [str(c) for c in wide.columns]
        return wide.reset_index()
    return frame


MONTHLY = ("month", "quarter")
DAILY = ("day", "date", "week")
MAP_TABLE = ("crimes", "crime_type", "top_types", "lsoa_names", "location", "occurred_at", "month", "borough")


def _date_text(value, fmt: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    stamp = pd.Timestamp(value)
    return f"{stamp:%a} {stamp.day} {stamp:%b %Y}" if fmt == "day" else stamp.strftime(fmt)


def table_for_reading(frame: pd.DataFrame) -> pd.DataFrame:
    """The display table with dates and hours as people write them: months "Jan 2024", days
    "Mon 3 Jun 2024", hours "22:00", timestamps "Mon 3 Jun 2024, 22:15". Numbers stay numbers
    (the table sorts them), shown with separators by ``_number_columns``."""
    shown = display_table(frame).copy()
    if "cell_m" in shown:  # a map answer: what a reader wants of each cell or record
        shown = shown[[c for c in MAP_TABLE if c in shown and shown[c].notna().any()]]
    for col in shown.columns:
        values = shown[col]
        if col in MONTHLY and not pd.api.types.is_numeric_dtype(values):
            shown[col] = values.map(lambda v: _date_text(v, "%b %Y"))
        elif col in DAILY and not pd.api.types.is_numeric_dtype(values):
            shown[col] = values.map(lambda v: _date_text(v, "day"))
        elif col == "hour" and pd.api.types.is_integer_dtype(values):
            shown[col] = values.map(lambda h: f"{int(h):02d}:00")
        elif col == "occurred_at" or pd.api.types.is_datetime64_any_dtype(values):
            shown[col] = values.map(
                lambda v: "" if pd.isna(v) else f"{_date_text(v, 'day')}, {pd.Timestamp(v):%H:%M}"
            )
    return shown


def _number_columns(frame: pd.DataFrame) -> dict:
    """Column formats: counts with thousands separators, shares and changes with "%"."""
    config = {}
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):
            continue
        name = charts.label(col)
        if col in ("share", "share_pct", "change", "pct_change"):
            config[name] = st.column_config.NumberColumn(name, format="%.1f%%")
        elif pd.api.types.is_integer_dtype(frame[col]):
            config[name] = st.column_config.NumberColumn(name, format="localized")
        else:
            config[name] = st.column_config.NumberColumn(name, format="%.2f")
    return config


def _table(reply, key: str, compact: bool) -> None:
    shown = table_for_reading(reply.frame)
    st.dataframe(
        shown.rename(columns=charts.label),
        column_config=_number_columns(shown),
        hide_index=True,
        height=260 if compact else min(560, 40 + 35 * len(shown)),
        key=f"{key}-table",
    )


def _download(reply, key: str) -> None:
    """The answer's rows (long form, as the engine returned them) as a CSV file; audited."""
    frame = reply.frame
    st.download_button(
        "Download CSV",
        data=frame_csv(frame).encode(),
        file_name="answer.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click=_audit_csv,
        args=(reply.question, len(frame)),
        key=f"{key}-csv",
    )


def _audit_csv(question: str, rows: int) -> None:
    from app import auditing

    auditing.audit_download("answer_csv", {"question": question, "rows": rows})


def is_phone() -> bool:
    """Whether the browser says it is a phone (maps are then fitted to a narrow screen)."""
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no browser (AppTest, a warm-up thread)
        return False
    return any(word in agent for word in ("Mobile", "Android", "iPhone"))


def _areas(intent, boroughs: pd.DataFrame) -> tuple[str, ...]:
    """The boroughs a map should be fitted to: those named, and those of the BCUs named."""
    names = list(getattr(intent, "boroughs", None) or ())
    bcus = getattr(intent, "bcus", None) or ()
    if bcus and boroughs is not None and {"bcu", "borough"} <= set(boroughs):
        names += boroughs.loc[boroughs["bcu"].isin(bcus), "borough"].tolist()
    return tuple(dict.fromkeys(names))


def legend_html(legend: maps.Legend) -> str:
    """The colour classes as a compact row of swatches (numbers only: nothing user-typed)."""
    swatches = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:4px;margin-right:10px;white-space:nowrap">'
        f'<span style="width:14px;height:14px;border-radius:3px;display:inline-block;'
        f'background:rgb({r},{g},{b})"></span>{label}</span>'
        for (r, g, b), label in legend.classes
    )
    return (
        f'<div class="ub-legend" role="img" aria-label="{legend.title}: '
        + ", ".join(label for _, label in legend.classes)
        + f'" style="font-size:0.85rem;line-height:1.9"><b>{legend.title}</b>&nbsp; {swatches}</div>'
    )


def _map(reply, key: str, compact: bool) -> float:
    """Draw the map of an answer; returns the milliseconds spent building it (for the footer)."""
    start = time.perf_counter()
    facts = services.get_facts()
    spots, radius = _venues(reply.intent, facts.venues)
    phone = is_phone()
    height = 340 if compact else 420 if phone else 560
    deck = maps.deck(
        reply.frame,
        venues=spots,
        radius_m=radius,
        outlines=services.borough_outlines(),
        boroughs=facts.boroughs,
        map_style=services.map_style(),
        areas=_areas(reply.intent, facts.boroughs),
        width_px=360 if phone else 340 if compact else 900,
        height_px=height,
    )
    st.caption(md_escape(maps.summary(reply.frame)) + " " + md_escape(maps.text_alternative(reply.frame)))
    st.pydeck_chart(deck, height=height, key=f"{key}-map")
    legend = maps.legend(reply.frame)
    if legend is not None:
        st.markdown(legend_html(legend), unsafe_allow_html=True)
        st.caption("Hover or tap a cell for its count, top crime types and the LSOAs it covers.")
    elif reply.frame is not None and not reply.frame.empty:
        st.caption("Hover or tap a dot for the crime, place, time and outcome.")
    return (time.perf_counter() - start) * 1000


def _venues(intent, venues: pd.DataFrame) -> tuple[list[tuple[str, float, float]], float | None]:
    """The venues an intent is near, with their coordinates, and the radius in metres."""
    if getattr(intent, "near_me", False) and intent.latitude is not None:
        return [("Your location", intent.latitude, intent.longitude)], float(intent.radius_m)
    names = getattr(intent, "venues", None) or ()
    if not names or venues.empty or "venue" not in venues:
        return [], None
    found = venues[venues["venue"].isin(names)]
    spots = [(r.venue, float(r.latitude), float(r.longitude)) for r in found.itertuples()]
    return spots, float(getattr(intent, "radius_m", None) or 500)


def _chart(reply, key: str, compact: bool) -> None:
    if reply.chart == "map":
        _map(reply, key, compact)
    elif reply.chart == "number":
        _number(reply, compact)
    else:
        figure = charts.line_figure if reply.chart == "line" else charts.bar_figure
        st.plotly_chart(
            figure(reply.frame, compact=compact),
            theme=None,
            key=f"{key}-chart",
            config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]},
        )


def pretty_sql(sql: str | None) -> str:
    """The engine's SQL laid out on several lines for reading (display only, never executed)."""
    if not sql:
        return ""
    try:
        import sqlglot

        return sqlglot.transpile(sql, read="duckdb", write="duckdb", pretty=True)[0]
    except Exception:  # show the SQL as it is rather than nothing
        return sql


def _sql(reply, *, expanded: bool = False) -> None:
    with st.expander("SQL behind this answer", icon=":material/code:", expanded=expanded):
        st.code(pretty_sql(reply.sql), language="sql", wrap_lines=True)


def render_reply(reply, *, key: str, compact: bool = False) -> float:
    """Draw an answer: a refusal message; a single number with its SQL and CSV underneath; or
    tabs Chart | Table | SQL with the CSV download under them (in the Table tab on tiles).
    Returns the milliseconds spent drawing it, which the footer adds to the answer's time."""
    start = time.perf_counter()
    _draw_reply(reply, key=key, compact=compact)
    return (time.perf_counter() - start) * 1000


def _draw_reply(reply, *, key: str, compact: bool) -> None:
    if reply.error:
        st.info(md_escape(reply.error), icon=":material/info:")
        return
    frame = reply.frame
    if frame is None or frame.empty:
        st.info("No records match this question. Try a wider period or area.", icon=":material/search_off:")
        if reply.chart == "map" and frame is not None:
            _map(reply, key, compact)  # still show where was looked at
        if reply.sql:
            _sql(reply)
        return
    if reply.chart == "number" and not compact:
        _number(reply, compact)
        _sql(reply)
        _download(reply, key)
        return
    if reply.chart == "table":
        table, sql = st.tabs(["Table", "SQL"])
    else:
        main, table, sql = st.tabs([CHART_TAB.get(reply.chart, "Chart"), "Table", "SQL"])
        with main:
            _chart(reply, key, compact)
    with table:
        _table(reply, key, compact)
        if compact:
            _download(reply, key)
    with sql:
        st.code(pretty_sql(reply.sql), language="sql", wrap_lines=True)
    if not compact:
        _download(reply, key)


def render_chips(intent, key: str, anchor: date | None = None) -> str | None:
    """The interpretation as removable chips; returns the key of the chip removed, if any.

    `anchor` (the data's latest month) turns "last month" into "last month (Dec 2025)".
    """
    removed = None
    chips = (intent.chips(anchor) if anchor else intent.chips()) if intent is not None else []
    if not chips:
        return None
    with st.container(horizontal=True, gap="small", key=f"{key}-chips"):
        for chip in chips:
            if st.button(
                f"{chip.label}  ✕",
                key=f"{key}-chip-{chip.key}",
                help=f"Remove and ask again without it. SQL: {chip.sql}" if chip.sql else "Remove",
                type="secondary",
            ):
                removed = chip.key
    return removed


def render_notes(reply) -> None:
    """Corrections and unknown words the engine noticed."""
    for note in getattr(reply, "notes", None) or []:
        st.caption(f":material/edit_note: {md_escape(note)}")


def month_label(value: date | None) -> str:
    """ "June 2024", or "unknown" when there is no date."""
    return value.strftime("%B %Y") if value else "unknown"


def footer_text(reply, data_as_of: date | None, synthetic: bool, drawn_ms: float = 0.0) -> str:
    """The text of ``footer``: records looked at, time taken (answering plus drawing: a map's
    layers are built here, not in the engine), data month, synthetic label."""
    parts = []
    if reply.rows_scanned is not None:
        parts.append(f"Looked at {reply.rows_scanned:,} records")
    if reply.elapsed_ms is not None:
        ms = reply.elapsed_ms + (drawn_ms or 0.0)
        parts.append(f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms")
    parts.append(f"data as of {month_label(data_as_of)}")
    if synthetic:
        parts.append("synthetic data")
    return " · ".join(parts)


def footer(reply, data_as_of: date | None, synthetic: bool, drawn_ms: float = 0.0) -> None:
    """One line under every answer: records looked at, time taken, data month, synthetic label."""
    st.caption(footer_text(reply, data_as_of, synthetic, drawn_ms))
