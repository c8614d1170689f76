"""Event-planning figures and the self-contained HTML briefing of a board.

No streamlit here: the board page draws the same figures, and the briefing is plain
HTML with one inline copy of plotly.js and print-friendly CSS, so it opens offline
and prints on paper.

    html = build_html(board, report, results, data_as_of=..., synthetic=True)
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from app import charts

# The planning sections a board can hold as tiles, in starter-board order.
PLAN_PARTS = {
    "uplift": "Extra crimes per event by crime type, against comparable days",
    "forecast": "Next event: expected crimes hour by hour, back-tested",
    "by_hour": "By hour: past event days vs comparable days",
    "by_day": "Crimes on each past event day",
    "hotspots": "Hotspot map within the radius",
    "streets": "Top streets during past events",
    "outcomes": "Outcome mix during past events",
}
EVENT_COLOUR = "#d1495b"
BASELINE_COLOUR = "#7f8c8d"


@dataclass
class TileResult:
    """One tile, answered: a plan part, a question's reply, or the error for this tile only."""

    tile: object  # app.store.Tile
    plan_part: str | None = None
    reply: object | None = None  # nlq.Reply
    error: str | None = None
    period: str = ""  # the period the answer covers, in words ("all data, Jan 2024 – Dec 2025")


def plan_part(tile) -> str | None:
    """The planning section a tile shows ('uplift', 'by_hour', ...), or None for a question tile."""
    intent = getattr(tile, "intent", None) or {}
    part = intent.get("plan") if isinstance(intent, dict) else None
    return part if isinstance(part, str) else None


# ---- the planning report as tables and figures ------------------------------------------------


def uplift_table(report) -> pd.DataFrame:
    """Crime types ranked by expected extra crimes per event, with the 90% interval, the rates in
    words (never "0.0") and a ratio only where the baseline is stable."""
    from nlq.planning import rate_text, ratio_text, signed

    frame = report.uplift
    rows = [
        {
            "Crime type": row.crime_type,
            "Extra per event": signed(row.extra_per_event),
            "90% interval": f"{signed(row.extra_low)} to {signed(row.extra_high)}",
            "Per event": rate_text(row.per_event_day),
            "Per comparable day": rate_text(row.per_baseline_day),
            "vs normal": ratio_text(row),
            "Crimes in event windows": int(row.event_count),
        }
        for row in frame.itertuples()
    ]
    columns = ["Crime type", "Extra per event", "90% interval", "Per event", "Per comparable day",
               "vs normal", "Crimes in event windows"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def uplift_note(report) -> str:
    """How to read the uplift table, with the ratio threshold and why."""
    from nlq.planning import MIN_BASELINE_RECORDS, WEEKS

    return (
        f"{report.event_days} past event days ({report.period}) vs {report.baseline_days} comparable days "
        f"(same weekdays ±{WEEKS} weeks, same hours, no event), within {report.radius_m:,} m. Extra per event = "
        "crimes per event window − per comparable window; the 90% interval combines the exact Poisson "
        "intervals of both rates. A ratio is shown only when the comparable days hold at least "
        f"{MIN_BASELINE_RECORDS} records: below that it rests on a handful of records and swings wildly."
    )


def forecast_table(fc) -> pd.DataFrame:
    """Hour by hour: expected crimes by type at the next event, with the 90% range."""
    frame = fc.by_hour
    if frame.empty:
        return pd.DataFrame()
    out = frame.assign(
        Hour=[f"{int(h):02d}:00" for h in frame["hour"]],
        cell=[
            _range(e, lo, hi)
            for e, lo, hi in zip(frame["expected"], frame["low"], frame["high"], strict=True)
        ],
    )
    table = out.pivot_table(index="Hour", columns="crime_type", values="cell", aggfunc="first", sort=False)
    totals = frame.groupby("hour", sort=False)["expected"].sum()
    table.insert(0, "All crime (expected)", [f"{v:.1f}" for v in totals])
    return table.reset_index().fillna("0")


def _range(expected: float, low: float, high: float) -> str:
    return f"{expected:.1f} ({low:.0f}–{high:.0f})"


def cells_table(fc) -> pd.DataFrame:
    """The hexagons of the radius where crimes concentrate at events, with the expected count."""
    frame = fc.cells
    if frame is None or frame.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "Cell (about 200 m across) around": frame["street"],
            "Expected per event (90% range)": [
                _range(e, lo, hi)
                for e, lo, hi in zip(frame["expected"], frame["low"], frame["high"], strict=True)
            ],
            "Latitude": frame["latitude"].round(5),
            "Longitude": frame["longitude"].round(5),
        }
    )


def forecast_figure(fc) -> go.Figure | None:
    """Expected crimes per hour at the next event, stacked by crime type."""
    frame = fc.by_hour
    if frame.empty:
        return None
    order = list(dict.fromkeys(frame["hour"]))
    labels = [f"{int(h):02d}:00" for h in order]
    fig = go.Figure()
    for i, (kind, part) in enumerate(frame.groupby("crime_type", sort=False)):
        part = part.set_index("hour").reindex(order)
        fig.add_trace(
            go.Bar(x=labels, y=part["expected"].fillna(0).round(2), name=kind,
                   marker_color=charts.PALETTE[i % len(charts.PALETTE)])
        )  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    return _layout(fig, x="Hour starting", y="Expected crimes", legend=True)


def forecast_text(fc) -> str:
    """The forecast in one or two sentences, with its back-test."""
    if fc.total is None:
        return fc.message
    expected, low, high = fc.total
    return (
        f"Expected at the next event, in the window and the radius: {expected:.0f} crimes "
        f"(90% range {low:.0f}–{high:.0f}). {fc.message}"
    )


def streets_table(report) -> pd.DataFrame:
    """Streets with the most crimes in past event windows (their middle within the radius)."""
    return pd.DataFrame(
        {
            "Street": report.streets["location"],
            "Crimes in event windows": report.streets["event_count"],
            "Street's middle from the venue (m)": report.streets["middle_m"].astype(int),
        }
    )


def outcomes_table(report) -> pd.DataFrame:
    """Outcomes of crimes in past event windows, as a display table."""
    return pd.DataFrame(
        {
            "Outcome": report.outcomes["outcome"],
            "Crimes": report.outcomes["event_count"].astype(int),
            "Share (%)": report.outcomes["share"].round(1),
        }
    )


def _layout(fig: go.Figure, *, x: str, y: str, height: int = 360, legend: bool = False) -> go.Figure:
    return charts.fit_bar_labels(charts.style(fig, x=x, y=y, height=height, font_size=13, legend=legend))


def hour_figure(report) -> go.Figure:
    """Crimes per event day against per comparable day, for each hour of the window."""
    frame = report.by_hour
    hours = [f"{int(h):02d}:00" for h in frame["hour"]]
    fig = go.Figure(
        [
            go.Bar(
                x=hours, y=frame["per_event_day"].round(2), name="Past event days", marker_color=EVENT_COLOUR
            ),
            go.Bar(
                x=hours,
                y=frame["per_baseline_day"].round(2),
                name="Comparable days",
                marker_color=BASELINE_COLOUR,
            ),
        ]
    )
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return _layout(fig, x="Hour starting", y="Crimes per day", legend=True)


def day_figure(report) -> go.Figure:
    """Crimes in the window on each past event day."""
    frame = report.by_day
    days = [pd.Timestamp(d).strftime("%a %d %b %Y") for d in frame["day"]]
    fig = go.Figure(go.Bar(x=days, y=frame["event_count"], marker_color=EVENT_COLOUR, name="Crimes"))
    fig.update_layout(showlegend=False)
    fig.update_xaxes(type="category", tickangle=-45)
    return _layout(fig, x="Past event day", y="Crimes in the window")


def _hbar(labels: list[str], values: list, x: str, number: str = ",.0f") -> go.Figure:
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=values,
            orientation="h",
            marker_color=charts.PALETTE[0],
            texttemplate=f"%{{x:{number}}}",
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    return _layout(fig, x=x, y="", height=max(260, 60 + 30 * len(labels)))


def streets_figure(report) -> go.Figure:
    """Bar chart of the streets with the most crimes in past event windows."""
    frame = report.streets
    return _hbar(
        [str(s) for s in frame["location"]], frame["event_count"].tolist(), "Crimes in event windows"
    )


def outcomes_figure(report) -> go.Figure:
    """Bar chart of the share of each outcome in past event windows."""
    frame = report.outcomes
    return _hbar([str(s) for s in frame["outcome"]], frame["share"].round(1).tolist(), "Share (%)", ",.1f")


def hotspot_figure(report, venue_point: tuple[float, float] | None = None) -> go.Figure:
    """A plain map for print: crimes as points, the venue and its radius (no map tiles needed)."""
    frame = report.hotspots
    fig = go.Figure()
    if venue_point is not None:
        lat0, lon0 = venue_point
    elif not frame.empty:
        lat0, lon0 = float(frame["latitude"].mean()), float(frame["longitude"].mean())
    else:
        lat0, lon0 = 51.5, -0.12
    scale = math.cos(math.radians(lat0))
    if report.radius_m:
        angles = [2 * math.pi * i / 72 for i in range(73)]
        dlat = report.radius_m / 111_320
        fig.add_trace(
            go.Scatter(
                x=[lon0 + dlat / scale * math.cos(a) for a in angles],
                y=[lat0 + dlat * math.sin(a) for a in angles],
                mode="lines",
                line={"color": EVENT_COLOUR, "width": 2, "dash": "dash"},
                name=f"{report.radius_m:,} m",
                hoverinfo="skip",
            )
        )
    if not frame.empty:
        fig.add_trace(
            go.Histogram2dContour(
                x=frame["longitude"],
                y=frame["latitude"],
                colorscale=[
                    [0.0, "rgba(255,255,255,0)"],  # no fill where there is (almost) nothing
                    [0.15, "rgba(255,237,160,0.6)"],
                    [0.4, "#fed976"],
                    [0.6, "#fd8d3c"],
                    [0.8, "#f03b20"],
                    [1.0, "#bd0026"],
                ],
                showscale=False,
                contours={"coloring": "fill"},
                opacity=0.55,
                line={"width": 0},
                hoverinfo="skip",
                name="Density",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=frame["longitude"],
                y=frame["latitude"],
                mode="markers",
                marker={"size": 4, "color": charts.PALETTE[0], "opacity": 0.6},
                text=frame["crime_type"].astype(str) + "<br>" + frame["location"].fillna("").astype(str),
                hoverinfo="text",
                name="Crimes",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[lon0],
            y=[lat0],
            mode="markers+text",
            marker={"size": 12, "color": EVENT_COLOUR, "symbol": "star"},
            text=[report.venue],
            textposition="top center",
            name=report.venue,
        )
    )
    fig.update_yaxes(scaleanchor="x", scaleratio=1 / scale, showticklabels=False, showgrid=False, title=None)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    return _layout(fig, x="", y="", height=480, legend=False)


def plan_figure(
    part: str, report, venue_point: tuple[float, float] | None = None, fc=None
) -> go.Figure | None:
    """The figure for a planning section (None for the uplift table)."""
    if part == "forecast":
        return forecast_figure(fc) if fc is not None else None
    builders = {
        "by_hour": hour_figure,
        "by_day": day_figure,
        "streets": streets_figure,
        "outcomes": outcomes_figure,
    }
    if part == "hotspots":
        return hotspot_figure(report, venue_point)
    builder = builders.get(part)
    return builder(report) if builder else None


def plan_table(part: str, report, fc=None) -> pd.DataFrame | None:
    """The display table for a planning section, or None if the section has no table."""
    if part == "forecast":
        return forecast_table(fc) if fc is not None else None
    tables = {"uplift": uplift_table, "streets": streets_table, "outcomes": outcomes_table}
    builder = tables.get(part)
    return builder(report) if builder else None


def event_line(event: dict) -> str:
    """'Wembley Stadium · Taylor Swift | The Eras Tour · Sat 21 Jun 2025 · 18:00–23:30 · 500 m'."""
    event = event or {}
    parts = []
    if event.get("venue"):
        parts.append(str(event["venue"]))
    if event.get("event_name"):
        parts.append(str(event["event_name"]))
    elif event.get("event_category"):
        parts.append(f"past {event['event_category']} events")
    if event.get("date"):
        try:
            parts.append(date.fromisoformat(str(event["date"])).strftime("%a %d %b %Y"))
        except ValueError:
            parts.append(str(event["date"]))
    if event.get("start_time") and event.get("end_time"):
        parts.append(f"{event['start_time']}–{event['end_time']}")
    if event.get("radius_m"):
        parts.append(f"within {int(event['radius_m']):,} m")
    return " · ".join(parts)


# ---- HTML ----------------------------------------------------------------------------------------

CSS = """
body { font-family: "Source Sans Pro", Helvetica, Arial, sans-serif; color: #1f2937; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #1f4e9c; padding-bottom: .2rem; margin-top: 1.6rem; }
.meta, .footer, .muted { color: #6b7280; font-size: .9rem; }
.summary { background: #f3f6fb; border-left: 4px solid #1f4e9c; padding: .1rem 1rem; }
.notes { border: 1px solid #e5e7eb; padding: .2rem 1rem; }
.tile { page-break-inside: avoid; break-inside: avoid; margin-bottom: 1.2rem; }
.error { background: #fef2f2; border-left: 4px solid #b91c1c; padding: .5rem 1rem; }
.number { font-size: 2.2rem; font-weight: 700; }
table { border-collapse: collapse; font-size: .9rem; margin: .4rem 0; }
th, td { border: 1px solid #d1d5db; padding: .25rem .5rem; text-align: left; }
th { background: #f3f4f6; }
td.num { text-align: right; }
.synthetic { background: #fff7ed; border: 1px solid #fdba74; padding: .3rem .8rem; display: inline-block; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { page-break-after: avoid; break-after: avoid; }
  .no-print { display: none; }
}
"""
MAX_TABLE_ROWS = 50


def _table_html(frame: pd.DataFrame) -> str:
    shown = frame.head(MAX_TABLE_ROWS)
    head = "".join(f"<th>{html.escape(charts.label(str(c)))}</th>" for c in shown.columns)
    rows = []
    for record in shown.itertuples(index=False):
        cells = []
        for value in record:
            value = value.item() if hasattr(value, "item") and not isinstance(value, pd.Timestamp) else value
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            text = _cell(value)
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (
        f'<p class="muted">Showing {MAX_TABLE_ROWS} of {len(frame):,} rows.</p>'
        if len(frame) > MAX_TABLE_ROWS
        else ""
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, pd.Timestamp | datetime):
        return html.escape(pd.Timestamp(value).strftime("%Y-%m-%d %H:%M").removesuffix(" 00:00"))
    return html.escape(str(value))


def summary_html(summary: str) -> str:
    """The planning summary: its "- " lines as a list, every other line a paragraph."""
    out, items = [], []
    for line in summary.split("\n") + [""]:
        if line.startswith("- "):
            items.append(f"<li>{html.escape(line[2:])}</li>")
            continue
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    return "".join(out)


def _markdown(text: str) -> str:
    """Notes as HTML (raw HTML in the notes is escaped, never passed through)."""
    try:
        import markdown_it
    except ImportError:  # a dependency of streamlit's, but not promised: fall back to plain text
        return f'<div style="white-space: pre-wrap">{html.escape(text)}</div>'
    return markdown_it.MarkdownIt("commonmark", {"html": False}).render(text)


def _figure_html(fig: go.Figure) -> str:
    return fig.to_html(
        full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True}
    )


def _reply_html(reply) -> str:
    if reply.error:
        return f'<div class="error">{html.escape(reply.error)}</div>'
    frame = reply.frame
    if frame is None or frame.empty:
        return '<p class="muted">No records match this question.</p>'
    if reply.chart == "number":
        s = charts.shape(frame)
        value = frame.iloc[0][s.value] if s.value else frame.iat[0, 0]
        return f'<div class="number">{_cell(value.item() if hasattr(value, "item") else value)}</div>'
    if reply.chart in ("line", "bar"):
        figure = charts.line_figure if reply.chart == "line" else charts.bar_figure
        return _figure_html(figure(frame))
    if reply.chart == "map":
        from types import SimpleNamespace

        venues = getattr(reply.intent, "venues", ()) or ()
        spots = SimpleNamespace(
            hotspots=frame.assign(
                crime_type=frame.get("crime_type", "Crime"), location=frame.get("location", "")
            ),
            radius_m=getattr(reply.intent, "radius_m", None) if venues else None,
            venue=venues[0] if venues else "",
        )
        return _figure_html(hotspot_figure(spots))
    return _table_html(frame)


def _plan_html(part: str, report, venue_point, fc=None) -> str:
    pieces = [f'<p class="muted">Period: past event days {html.escape(report.period)}</p>']
    if part == "forecast":
        if fc is None:
            return pieces[0] + '<p class="muted">No forecast.</p>'
        pieces.append(f"<p>{html.escape(forecast_text(fc))}</p>")
    fig = plan_figure(part, report, venue_point, fc)
    if fig is not None:
        pieces.append(_figure_html(fig))
    table = plan_table(part, report, fc)
    if table is not None and not table.empty and part not in ("outcomes",):
        pieces.append(_table_html(table))
    if part == "forecast" and fc is not None and not fc.cells.empty:
        pieces.append(
            "<p><strong>Where: the cells of the radius with most crimes at past events</strong></p>"
        )
        pieces.append(_table_html(cells_table(fc)))
    if part == "uplift":
        pieces.append(f'<p class="muted">{html.escape(uplift_note(report))}</p>')
    return "".join(pieces)


def build_html(
    board,
    report=None,
    results: list[TileResult] = (),
    *,
    report_error: str | None = None,
    venue_point: tuple[float, float] | None = None,
    data_as_of: date | None = None,
    synthetic: bool = True,
    generated_by: str | None = None,
    generated_at: datetime | None = None,
    forecast=None,
) -> str:
    """The board as one HTML page: event, summary, notes and every tile with its chart or table."""
    generated_at = generated_at or datetime.now()
    esc = html.escape
    body = [f"<h1>{esc(board.title)}</h1>"]
    line = event_line(board.event)
    if line:
        body.append(f'<p class="meta">{esc(line)}</p>')
    meta = [f"Briefing generated {generated_at:%d %b %Y %H:%M}"]
    if generated_by:
        meta.append(f"by {generated_by}")
    if data_as_of:
        meta.append(f"data as of {data_as_of:%B %Y}")
    body.append(f'<p class="meta">{esc(" · ".join(meta))}</p>')
    if synthetic:
        body.append(
            '<p class="synthetic">Synthetic data: generated records calibrated on the Met\'s published '
            "recorded-crime counts, not real incidents.</p>"
        )
    if report is not None:
        extra = f"<p>{esc(forecast_text(forecast))}</p>" if forecast is not None else ""
        body.append(
            f'<h2>Where and when to focus</h2><div class="summary">{summary_html(report.summary)}{extra}</div>'
        )
    elif report_error:
        body.append(f'<h2>Where and when to focus</h2><div class="error">{esc(report_error)}</div>')
    if (board.notes or "").strip():
        notes = _markdown(board.notes)
        body.append(f'<h2>Notes</h2><div class="notes">{notes}</div>')
    for result in results:
        title = esc(result.tile.title)
        if result.error:
            content = f'<div class="error">{esc(result.error)}</div>'
        elif result.plan_part:
            content = (
                _plan_html(result.plan_part, report, venue_point, forecast)
                if report is not None
                else f'<div class="error">{esc(report_error or "The event analysis is not available.")}</div>'
            )
        else:
            content = _reply_html(result.reply)
            question = getattr(result.tile, "question", "")
            if result.period:
                content = f'<p class="muted">Period: {esc(result.period)}</p>' + content
            if question and question != result.tile.title:
                content = f'<p class="muted">{esc(question)}</p>' + content
        body.append(f'<section class="tile"><h2>{title}</h2>{content}</section>')
    body.append(
        '<p class="footer">Utility Belt · event-planning briefing. Counts are recorded crimes within the radius '
        "during the daily time window; comparable days are the same weekdays up to 8 weeks either side of each "
        "past event, without an event at the venue.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(board.title)} · briefing</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style><script>{get_plotlyjs()}</script></head>"
        f"<body>{''.join(body)}</body></html>"
    )
