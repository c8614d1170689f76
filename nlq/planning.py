"""Event planning for sergeants: what happened around past events at a venue.

`plan_event` compares crime within `radius_m` of a venue during a daily time window
on past event days against the same window on comparable non-event days (the same
weekdays within ±8 weeks of each event, excluding days with any event at the venue).
Every query is built from a fixed SQL template whose placeholders are filled with
sqlglot literals (values checked against the warehouse first), then run through the guard.

>>> window_minutes(dt.time(18, 0), dt.time(23, 30))
(1080, 1410)
>>> window_minutes(dt.time(22, 0), dt.time(2, 0))  # crosses midnight
(1320, 1560)
>>> window_hours(dt.time(22, 0), dt.time(2, 0))
[22, 23, 0, 1]
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp

from nlq.runner import run_guarded

WEEKS = 8  # comparable days: the same weekday up to this many weeks either side
SMOOTHING = 0.5  # crimes added to both sides of the ratio, so an empty baseline is not infinite
MAX_RADIUS_M = 5_000
TOP_STREETS = 10
PARTS = ("uplift", "by_hour", "by_day", "hotspots", "streets", "outcomes")

# Shared CTEs. `windows` holds one row per event day and per comparable day with the
# chosen time window as timestamps; `hits` is every crime near the venue in a window.
# The bounding box (constants, so DuckDB can skip row groups) only speeds up the exact
# haversine test.
_COMMON = """
WITH place AS (
  SELECT latitude, longitude FROM venues WHERE venue = :venue
), span AS (
  SELECT CAST(min(occurred_at) AS DATE) AS first_day, CAST(max(occurred_at) AS DATE) AS last_day FROM crimes
), busy_days AS (
  SELECT DISTINCT CAST(starts_at AS DATE) AS day FROM events WHERE venue = :venue
), event_days AS (
  SELECT DISTINCT CAST(starts_at AS DATE) AS day FROM events WHERE venue = :venue
), offsets AS (
  SELECT UNNEST(GENERATE_SERIES(-:weeks, :weeks)) AS k
), days AS (
  SELECT 'event' AS kind, day FROM event_days
  UNION
  SELECT 'baseline' AS kind, CAST(e.day + TO_WEEKS(CAST(o.k AS INTEGER)) AS DATE) AS day FROM event_days AS e, offsets AS o
  WHERE o.k <> 0 AND CAST(e.day + TO_WEEKS(CAST(o.k AS INTEGER)) AS DATE) NOT IN (SELECT day FROM busy_days)
), windows AS (
  SELECT kind, day,
         CAST(day AS TIMESTAMP) + TO_MINUTES(:start_minute) AS starts,
         CAST(day AS TIMESTAMP) + TO_MINUTES(:end_minute) AS ends
  FROM days, span
  WHERE day BETWEEN span.first_day AND span.last_day
), totals AS (
  SELECT greatest(count(*) FILTER (WHERE kind = 'event'), 1) AS event_days,
         greatest(count(*) FILTER (WHERE kind = 'baseline'), 1) AS baseline_days
  FROM windows
), hits AS (
  SELECT w.kind, w.day, c.occurred_at, c.crime_type, c.location, c.latitude, c.longitude,
         c.last_outcome_category
  FROM crimes AS c
  JOIN windows AS w ON c.occurred_at >= w.starts AND c.occurred_at < w.ends
  CROSS JOIN place AS p
  WHERE c.latitude BETWEEN :south AND :north AND c.longitude BETWEEN :west AND :east
    AND haversine_m(c.latitude, c.longitude, p.latitude, p.longitude) <= :radius
)
"""

_PARTS_SQL = {
    "uplift": """
SELECT h.crime_type,
       count(*) FILTER (WHERE h.kind = 'event') AS event_count,
       count(*) FILTER (WHERE h.kind = 'event') / t.event_days AS per_event_day,
       count(*) FILTER (WHERE h.kind = 'baseline') / t.baseline_days AS per_baseline_day,
       ((count(*) FILTER (WHERE h.kind = 'event') + :smoothing) / t.event_days)
         / ((count(*) FILTER (WHERE h.kind = 'baseline') + :smoothing * t.baseline_days / t.event_days)
            / t.baseline_days) AS ratio
FROM hits AS h, totals AS t
GROUP BY h.crime_type, t.event_days, t.baseline_days
ORDER BY ratio DESC, event_count DESC, h.crime_type
""",
    "by_hour": """
SELECT hours.hour,
       count(h.kind) FILTER (WHERE h.kind = 'event') AS event_count,
       count(h.kind) FILTER (WHERE h.kind = 'event') / t.event_days AS per_event_day,
       count(h.kind) FILTER (WHERE h.kind = 'baseline') / t.baseline_days AS per_baseline_day
FROM (SELECT UNNEST(:hours) AS hour) AS hours
CROSS JOIN totals AS t
LEFT JOIN hits AS h ON hour(h.occurred_at) = hours.hour
GROUP BY hours.hour, t.event_days, t.baseline_days
ORDER BY (hours.hour - :start_hour + 24) % 24
""",
    "by_day": """
SELECT w.day, count(h.kind) AS event_count
FROM windows AS w
LEFT JOIN hits AS h ON h.kind = w.kind AND h.day = w.day
WHERE w.kind = 'event'
GROUP BY w.day
ORDER BY w.day
""",
    "hotspots": """
SELECT h.latitude, h.longitude, h.crime_type, h.location, h.occurred_at
FROM hits AS h
WHERE h.kind = 'event'
ORDER BY h.occurred_at
""",
    "streets": """
SELECT h.location, count(*) AS event_count
FROM hits AS h
WHERE h.kind = 'event' AND h.location IS NOT NULL
GROUP BY h.location
ORDER BY event_count DESC, h.location
LIMIT :top_streets
""",
    "outcomes": """
SELECT coalesce(h.last_outcome_category, 'No outcome recorded') AS outcome,
       count(*) AS event_count,
       100.0 * count(*) / sum(count(*)) OVER () AS share
FROM hits AS h
WHERE h.kind = 'event'
GROUP BY coalesce(h.last_outcome_category, 'No outcome recorded')
ORDER BY event_count DESC, outcome
""",
}


# The true day counts (the `totals` CTE floors them at 1 to keep divisions finite).
_TOTALS = """
SELECT count(*) FILTER (WHERE kind = 'event') AS event_days,
       count(*) FILTER (WHERE kind = 'baseline') AS baseline_days
FROM windows
"""


@dataclass
class PlanReport:
    """What happened around past events at a venue; every frame is long form."""

    venue: str
    start_time: dt.time
    end_time: dt.time
    radius_m: int
    event_name: str | None
    categories: list[str] | None
    event_days: int
    baseline_days: int
    uplift: pd.DataFrame  # crime_type, event_count, per_event_day, per_baseline_day, ratio
    by_hour: pd.DataFrame  # hour, event_count, per_event_day, per_baseline_day
    by_day: pd.DataFrame  # day, event_count
    hotspots: pd.DataFrame  # latitude, longitude, crime_type, location, occurred_at
    streets: pd.DataFrame  # location, event_count
    outcomes: pd.DataFrame  # outcome, event_count, share
    summary: str
    sql: dict[str, str] = field(default_factory=dict)  # part name → the SQL that produced it


def plan_event(
    source,
    venue: str,
    start_time: dt.time,
    end_time: dt.time,
    radius_m: int = 500,
    event_name: str | None = None,
    categories: list[str] | None = None,
) -> PlanReport:
    """Build the planning report for `venue` over the daily window start_time–end_time.

    `source` is a read-only DuckDB connection or an `nlq.Engine`. Raises ValueError,
    with close matches, when the venue, event name or a category is not in the warehouse,
    and when there are no past events to learn from.
    """
    con = _connection(source)
    if not isinstance(start_time, dt.time) or not isinstance(end_time, dt.time):
        raise ValueError("start and end must be times of day")
    if start_time == end_time:
        raise ValueError("the time window is empty: start and end are the same time")
    if not 1 <= int(radius_m) <= MAX_RADIUS_M:
        raise ValueError(f"the radius must be between 1 and {MAX_RADIUS_M:,} metres")
    radius_m = int(radius_m)

    venue = _resolve(venue, _values(con, "SELECT venue FROM venues ORDER BY venue"), "venue")
    names = _values(con, _select_names(venue))
    if event_name is not None:
        event_name = _resolve(event_name, names, f"event at {venue}")
    if categories:
        known = _values(con, "SELECT crime_type FROM crime_types ORDER BY crime_type")
        categories = sorted({_resolve(c, known, "crime type") for c in categories})

    start_minute, end_minute = window_minutes(start_time, end_time)
    values = {
        **bounding_box(*_venue_point(con, venue), radius_m),
        "venue": venue,
        "weeks": WEEKS,
        "start_minute": start_minute,
        "end_minute": end_minute,
        "radius": radius_m,
        "smoothing": SMOOTHING,
        "hours": window_hours(start_time, end_time),
        "start_hour": start_time.hour,
        "top_streets": TOP_STREETS,
    }
    sql = {part: build_sql(part, values, event_name, categories) for part in PARTS}
    frames = {part: run_guarded(con, text).frame for part, text in sql.items()}
    totals = run_guarded(con, build_sql("totals", values, event_name, categories)).frame.iloc[0]
    if frames["by_day"].empty:
        which = f"{event_name!r} events" if event_name else "events"
        raise ValueError(f"there are no past {which} at {venue} within the dates the warehouse covers")

    report = PlanReport(
        venue=venue,
        start_time=start_time,
        end_time=end_time,
        radius_m=radius_m,
        event_name=event_name,
        categories=categories,
        event_days=int(totals["event_days"]),
        baseline_days=int(totals["baseline_days"]),
        summary="",
        sql=sql,
        **frames,
    )
    report.summary = summarise(report)
    return report


def build_sql(
    part: str, values: dict, event_name: str | None = None, categories: list[str] | None = None
) -> str:
    """The DuckDB SQL for one part of the report, with every value as a literal.

    >>> v = {"venue": "O'Brien's Hall", "weeks": 8, "start_minute": 1080, "end_minute": 1410,
    ...      "radius": 500, "smoothing": 0.5, "hours": [18, 19], "start_hour": 18, "top_streets": 10,
    ...      **bounding_box(51.5, -0.1, 500)}
    >>> "venue = 'O''Brien''s Hall'" in build_sql("streets", v)
    True
    """
    body = _TOTALS if part == "totals" else _PARTS_SQL[part]
    tree = sqlglot.parse_one(_COMMON + body, read="duckdb")
    ctes = {cte.alias: cte.this for cte in tree.find_all(exp.CTE)}
    if event_name is not None:
        ctes["event_days"].where(exp.column("name").eq(exp.Literal.string(event_name)), copy=False)
    if categories:
        ctes["hits"].where(
            exp.column("crime_type", table="c").isin(*(exp.Literal.string(c) for c in categories)), copy=False
        )
    return exp.replace_placeholders(tree, **values).sql(dialect="duckdb", pretty=True)


def bounding_box(lat: float, lon: float, radius_m: float) -> dict[str, float]:
    """A box safely containing the circle of `radius_m` around (lat, lon).

    >>> box = bounding_box(51.556, -0.2796, 500)
    >>> round(box["north"] - 51.556, 4), round(box["east"] + 0.2796, 4)
    (0.0045, 0.0073)
    """
    # 110 km per degree is a little under the true 111.2 km, so the box errs on the large side.
    dlat = radius_m / 110_000
    dlon = radius_m / (110_000 * max(math.cos(math.radians(lat)), 0.01))
    box = {"south": lat - dlat, "north": lat + dlat, "west": lon - dlon, "east": lon + dlon}
    return {k: round(v, 6) for k, v in box.items()}


def window_minutes(start: dt.time, end: dt.time) -> tuple[int, int]:
    """Minutes after midnight of the event day; an end before the start is on the next day."""
    start_minute = start.hour * 60 + start.minute
    end_minute = end.hour * 60 + end.minute
    if end_minute <= start_minute:
        end_minute += 24 * 60
    return start_minute, end_minute


def window_hours(start: dt.time, end: dt.time) -> list[int]:
    """Clock hours the window touches, in order."""
    start_minute, end_minute = window_minutes(start, end)
    return [(m // 60) % 24 for m in range(start_minute - start_minute % 60, end_minute, 60)]


def summarise(report: PlanReport) -> str:
    """A few plain sentences: where and when to focus."""
    window = f"{report.start_time:%H:%M}–{report.end_time:%H:%M}"
    what = f"{report.event_name} at {report.venue}" if report.event_name else report.venue
    days = report.by_day["day"]
    first, last = pd.Timestamp(days.min()), pd.Timestamp(days.max())
    lines = [
        f"{what}, {window}, within {report.radius_m:,} m: {report.event_days} past event "
        f"day{'s' if report.event_days != 1 else ''} ({first:%d %b %Y} to {last:%d %b %Y}) compared with "
        f"{report.baseline_days} comparable non-event days (same weekdays, ±{WEEKS} weeks, same hours).",
    ]
    top = report.uplift[(report.uplift["ratio"] > 1) & (report.uplift["event_count"] >= 3)].head(3)
    if top.empty:
        lines.append("No crime type stood out above normal levels during past events.")
    else:
        lines.append("Focus on:")
        for row in top.itertuples():
            lines.append(
                f"- {row.crime_type}: {row.event_count} in {report.event_days} event windows "
                f"({row.per_event_day:.1f} per event) vs {row.per_baseline_day:.1f} on comparable days "
                f"— {row.ratio:.1f}× normal"
            )
    busy = report.by_hour[report.by_hour["event_count"] > 0]
    if not busy.empty:
        peak = busy.sort_values(["per_event_day", "hour"], ascending=[False, True]).head(2)
        hours = [
            f"{h:02d}:00–{(h + 1) % 24:02d}:00 ({n:.1f} per event)"
            for h, n in zip(peak["hour"], peak["per_event_day"], strict=True)
        ]
        lines.append("Peak hours: " + ", ".join(hours) + ".")
    if not report.streets.empty:
        streets = [
            f"{loc} ({n})"
            for loc, n in zip(report.streets["location"], report.streets["event_count"], strict=True)
        ]
        lines.append("Top streets: " + ", ".join(streets[:3]) + ".")
    return "\n".join(lines)


def _connection(source) -> duckdb.DuckDBPyConnection:
    if isinstance(source, duckdb.DuckDBPyConnection):
        return source
    for name in ("con", "connection", "_con"):
        con = getattr(source, name, None)
        if isinstance(con, duckdb.DuckDBPyConnection):
            return con
    raise TypeError("plan_event needs a DuckDB connection or an nlq.Engine")


def _select_names(venue: str) -> str:
    query = sqlglot.parse_one(
        "SELECT DISTINCT name FROM events WHERE venue = :venue ORDER BY name", read="duckdb"
    )
    return exp.replace_placeholders(query, venue=venue).sql(dialect="duckdb")


def _venue_point(con, venue: str) -> tuple[float, float]:
    query = sqlglot.parse_one("SELECT latitude, longitude FROM venues WHERE venue = :venue", read="duckdb")
    row = run_guarded(con, exp.replace_placeholders(query, venue=venue).sql(dialect="duckdb")).frame.iloc[0]
    return float(row["latitude"]), float(row["longitude"])


def _values(con, sql: str) -> list[str]:
    frame = run_guarded(con, sql).frame
    return [str(v) for v in frame.iloc[:, 0] if v is not None]


def _resolve(text: str, known: list[str], what: str) -> str:
    """The one known value `text` names (exact or unique part, any case), else ValueError.

    >>> _resolve("wembley", ["Wembley Stadium", "The O2"], "venue")
    'Wembley Stadium'
    >>> _resolve("Wembly Stadum", ["Wembley Stadium", "The O2"], "venue")
    Traceback (most recent call last):
    ...
    ValueError: unknown venue 'Wembly Stadum'; did you mean: Wembley Stadium?
    """
    wanted = " ".join(str(text).split()).casefold()
    by_fold = {k.casefold(): k for k in known}
    if wanted in by_fold:
        return by_fold[wanted]
    partial = [k for k in known if wanted and wanted in k.casefold()]
    if len(partial) == 1:
        return partial[0]
    close = partial or difflib.get_close_matches(text, known, n=5, cutoff=0.5)
    if not close:
        close = difflib.get_close_matches(wanted, list(by_fold), n=5, cutoff=0.5)
        close = [by_fold[c] for c in close]
    if close:
        raise ValueError(f"unknown {what} {text!r}; did you mean: {', '.join(close)}?")
    sample = ", ".join(known[:10]) + (", …" if len(known) > 10 else "")
    raise ValueError(f"unknown {what} {text!r}; known: {sample or 'none'}")
