"""Plotly figures for answers: lines over time, bars for categories and rankings.

Answers arrive in long form (one row per group); `shape` finds the time, series and
value columns, and multi-series lines are pivoted so that missing groups show as zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

PALETTE = [
    "#1f4e9c",
    "#d1495b",
    "#edae49",
    "#00798c",
    "#66a182",
    "#8d5a97",
    "#2e4057",
    "#e07a5f",
    "#7f8c8d",
    "#3d9970",
]
FONT = "Source Sans Pro, Source Sans 3, Helvetica, Arial, sans-serif"
TIME_GRAINS = ("hour", "day_of_week", "weekday", "day", "date", "week", "month", "quarter", "year")
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
VALUE_NAMES = ("crimes", "count", "n", "value", "total", "rate", "share", "share_pct", "change", "pct_change")
LABELS = {
    "hour": "Hour of day",
    "day_of_week": "Day of week",
    "weekday": "Day of week",
    "crime_type": "Crime type",
    "bcu": "BCU",
    "lsoa_name": "LSOA",
    "lsoa_code": "LSOA",
    "last_outcome_category": "Outcome",
    "rate": "Per 1,000 residents",
    "share": "Share (%)",
    "share_pct": "Share",
    "change": "Change (%)",
    "pct_change": "Change (%)",
}


@dataclass(frozen=True)
class Shape:
    """Which columns of a long-form answer play which part."""

    value: str | None
    time: str | None
    series: str | None
    category: str | None


def label(column: str | None) -> str:
    """Human label for a column name."""
    if not column:
        return ""
    return LABELS.get(column, column.replace("_", " ").capitalize())


def shape(frame: pd.DataFrame) -> Shape:
    """Find the value column, the time grain and the grouping columns."""
    columns = list(frame.columns)
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c]) and c not in TIME_GRAINS]
    value = next((c for c in VALUE_NAMES if c in numeric), numeric[-1] if numeric else None)
    dims = [c for c in columns if c != value and c not in numeric]
    time = next((c for c in dims if c in TIME_GRAINS or pd.api.types.is_datetime64_any_dtype(frame[c])), None)
    others = [c for c in dims if c != time]
    if time:
        return Shape(value, time, others[0] if others else None, None)
    return Shape(value, None, others[1] if len(others) > 1 else None, others[0] if others else None)


def number_format(values: pd.Series) -> str:
    """d3 format for a value column: whole numbers with separators, else one decimal."""
    return ",.0f" if pd.api.types.is_integer_dtype(values) else ",.1f"


def _time_index(frame: pd.DataFrame, time: str) -> pd.Index:
    """Every step of the grain in order, so that gaps show as gaps and weekdays read Monday first."""
    if time == "hour":
        return pd.Index(range(24), name=time)
    if time in ("day_of_week", "weekday"):
        return pd.Index(WEEKDAYS, name=time)
    return pd.Index(sorted(frame[time].dropna().unique()), name=time)


def style(fig: go.Figure, *, x: str, y: str, height: int, font_size: int, legend: bool) -> go.Figure:
    """The house look: white template, palette, axis titles, and a horizontal legend above the plot.

    The legend sits outside the plot area, so plotly widens the top margin to hold it (wrapping onto
    more rows on narrow tiles) instead of cutting its text off.
    """
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 8, "r": 8, "t": 36 if legend else 12, "b": 8, "autoexpand": True},
        font={"size": font_size, "family": FONT},
        colorway=PALETTE,
        showlegend=legend,
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left", "title": None},
        hoverlabel={"font_size": 13},
    )
    fig.update_xaxes(title=x, automargin=True)
    fig.update_yaxes(title=y, automargin=True)
    return fig


def fit_bar_labels(fig: go.Figure, pad: float = 0.22) -> go.Figure:
    """Widen the value axis of bars with labels outside them, so that the labels at the ends
    ("52.7", "1,672") stay inside the chart instead of being cut off at its edge, on a 390 px phone too."""
    values = []
    horizontal = False
    for trace in fig.data:
        if trace.type == "bar" and trace.textposition == "outside":
            horizontal = horizontal or trace.orientation == "h"
            values += [v for v in ((trace.x if trace.orientation == "h" else trace.y) or ()) if _finite(v)]
    if not values:
        return fig
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    bounds = [low - pad * span if low < 0 else 0, high + pad * span if high > 0 else 0]
    (fig.update_xaxes if horizontal else fig.update_yaxes)(range=bounds, autorange=False)
    return fig


def _finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _layout(fig: go.Figure, *, x: str, y: str, compact: bool, legend: bool) -> go.Figure:
    style(fig, x=x, y=y, height=300 if compact else 440, font_size=12 if compact else 14, legend=legend)
    fig.update_yaxes(rangemode="tozero", tickformat=",")  # thousands separators on the value axis
    return fig


def _tickformat(fig: go.Figure, time: str, values: list | None = None) -> None:
    """Tick labels for the grain; a few dates get one tick each (no "Nov 2025, Nov 2025" repeats)."""
    formats = {
        "month": "%b %Y",
        "quarter": "%b %Y",
        "week": "%d %b %Y",
        "day": "%d %b %Y",
        "date": "%d %b %Y",
    }
    if time in formats:
        fig.update_xaxes(tickformat=formats[time])
        if values is not None and 0 < len(values) <= 12:
            fig.update_xaxes(tickmode="array", tickvals=list(values))
    if time == "hour":
        fig.update_xaxes(tickmode="linear", dtick=2, range=[-0.5, 23.5])
    if time == "year":
        fig.update_xaxes(tickmode="linear", dtick=1)


def line_figure(frame: pd.DataFrame, compact: bool = False) -> go.Figure:
    """One line per place or type (pivoted from long form) over the time grain."""
    s = shape(frame)
    if s.time is None or s.value is None:
        return bar_figure(frame, compact)
    counts = pd.api.types.is_integer_dtype(frame[s.value])
    index = _time_index(frame, s.time)
    if s.series:
        wide = frame.pivot_table(index=s.time, columns=s.series, values=s.value, aggfunc="sum", observed=True)
    else:
        wide = frame.set_index(s.time)[[s.value]]
    wide = wide.reindex(index)
    if counts:
        wide = wide.fillna(0)
    fig = go.Figure()
    for column in wide.columns:
        name = str(column) if s.series else label(s.value)
        fig.add_trace(
            go.Scatter(
                x=list(wide.index),
                y=wide[column].tolist(),
                name=name,
                mode="lines+markers",
                line={"width": 2.5},
                marker={"size": 5},
                hovertemplate=f"{name}: %{{y:{number_format(frame[s.value])}}}<extra></extra>",
            )
        )
    _layout(fig, x=label(s.time), y=label(s.value), compact=compact, legend=bool(s.series))
    fig.update_layout(hovermode="x unified")
    _tickformat(fig, s.time, list(wide.index))
    return fig


def bar_figure(frame: pd.DataFrame, compact: bool = False) -> go.Figure:
    """Horizontal bars in the answer's order (rankings stay ranked); vertical for a time grain."""
    s = shape(frame)
    fig = go.Figure()
    if s.value is None:
        return _layout(fig, x="", y="", compact=compact, legend=False)
    if s.time:
        index = _time_index(frame, s.time)
        groups = frame.groupby(s.series, sort=False) if s.series else [(label(s.value), frame)]
        for name, part in groups:
            values = part.set_index(s.time)[s.value].reindex(index)
            if pd.api.types.is_integer_dtype(part[s.value]):
                values = values.fillna(0)
            fig.add_trace(go.Bar(x=list(index), y=values.tolist(), name=str(name)))
        _layout(fig, x=label(s.time), y=label(s.value), compact=compact, legend=bool(s.series))
        _tickformat(fig, s.time, list(index))
        return fig
    category = s.category or frame.columns[0]
    groups = frame.groupby(s.series, sort=False) if s.series else [(label(s.value), frame)]
    for name, part in groups:
        fig.add_trace(
            go.Bar(
                y=part[category].astype(str).tolist(),
                x=part[s.value].tolist(),
                name=str(name),
                orientation="h",
                hovertemplate="%{y}: %{x:,}<extra></extra>",
                texttemplate=f"%{{x:{number_format(frame[s.value])}}}" if not s.series else None,
                textposition="outside" if not s.series else None,
                cliponaxis=False,
            )
        )
    n = frame[category].nunique()
    _layout(fig, x=label(s.value), y="", compact=compact, legend=bool(s.series))
    fig.update_yaxes(autorange="reversed", type="category", rangemode=None)
    fig.update_xaxes(rangemode="tozero", tickformat=",")
    fig.update_yaxes(tickformat=None)
    if not compact:
        fig.update_layout(height=max(320, min(900, 90 + 30 * n * (1 if not s.series else 1.6))))
    fig.update_layout(barmode="group" if s.series and frame[s.series].nunique() <= 4 else "stack")
    return fit_bar_labels(fig)
