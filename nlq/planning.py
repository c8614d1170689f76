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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd
import sqlglot
from sqlglot import exp

from nlq.backends import as_backend
from nlq.sql import render, transpile

WEEKS = 8  # comparable days: the same weekday up to this many weeks either side
SMOOTHING = 0.5  # kept for callers of build_sql; the ratio is no longer smoothed
MAX_RADIUS_M = 5_000
TOP_STREETS = 10
STREET_REACH_M = 1_000  # a street's middle is judged on its records up to this far outside the radius
# A ratio ("3.2× normal") is shown only when the comparable days hold at least this many records:
# then the baseline rate's relative standard error is at most 1/sqrt(30) ≈ 18%, so the ratio is good
# to about ±30% (90%). Below that a ratio such as "87.5×" rests on a handful of records and swings wildly.
MIN_BASELINE_RECORDS = 30
Z90 = 1.6448536269514722  # two-sided 90%: 5% in each tail
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
    AND CAST(starts_at AS DATE) BETWEEN (SELECT first_day FROM span) AND (SELECT last_day FROM span)
), offsets AS (
  SELECT UNNEST(GENERATE_SERIES(-:weeks, :weeks)) AS k
), days AS (
  SELECT 'event' AS kind, day FROM event_days
  UNION
  SELECT 'baseline' AS kind, CAST(e.day + 7 * CAST(o.k AS INTEGER) AS DATE) AS day FROM event_days AS e, offsets AS o
  WHERE o.k <> 0 AND CAST(e.day + 7 * CAST(o.k AS INTEGER) AS DATE) NOT IN (SELECT day FROM busy_days)
), windows AS (
  SELECT kind, day,
         CAST(day AS TIMESTAMP) + :start_interval AS starts,
         CAST(day AS TIMESTAMP) + :end_interval AS ends
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
       count(*) FILTER (WHERE h.kind = 'baseline') AS baseline_count
FROM hits AS h
GROUP BY h.crime_type
ORDER BY h.crime_type
""",
    "by_hour": """
SELECT hours.hour,
       count(h.kind) FILTER (WHERE h.kind = 'event') AS event_count,
       count(h.kind) FILTER (WHERE h.kind = 'event') / t.event_days AS per_event_day,
       count(h.kind) FILTER (WHERE h.kind = 'baseline') / t.baseline_days AS per_baseline_day
FROM (SELECT UNNEST(:hours) AS hour) AS hours
CROSS JOIN totals AS t
LEFT JOIN hits AS h ON EXTRACT(HOUR FROM h.occurred_at) = hours.hour
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
SELECT h.latitude, h.longitude, h.crime_type, h.location, h.occurred_at, h.day
FROM hits AS h
WHERE h.kind = 'event'
ORDER BY h.occurred_at
""",
    "streets": """
SELECT h.location, count(*) AS event_count, round(s.middle_m) AS middle_m
FROM hits AS h
JOIN (
  SELECT c.location, median(haversine_m(c.latitude, c.longitude, p.latitude, p.longitude)) AS middle_m
  FROM crimes AS c
  CROSS JOIN place AS p
  WHERE c.latitude BETWEEN :wide_south AND :wide_north AND c.longitude BETWEEN :wide_west AND :wide_east
    AND haversine_m(c.latitude, c.longitude, p.latitude, p.longitude) <= :radius + :reach
    AND c.location IN (SELECT location FROM hits WHERE kind = 'event')
  GROUP BY c.location
) AS s ON s.location = h.location
WHERE h.kind = 'event' AND s.middle_m <= :radius
GROUP BY h.location, s.middle_m
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
    # crime_type, event_count, baseline_count, per_event_day, per_baseline_day, extra_per_event,
    # extra_low, extra_high (90%), ratio (NaN unless the baseline is stable and there were event crimes)
    uplift: pd.DataFrame
    by_hour: pd.DataFrame  # hour, event_count, per_event_day, per_baseline_day
    by_day: pd.DataFrame  # day, event_count
    hotspots: pd.DataFrame  # latitude, longitude, crime_type, location, occurred_at, day
    streets: pd.DataFrame  # location, event_count, middle_m (the street's median distance from the venue)
    outcomes: pd.DataFrame  # outcome, event_count, share
    summary: str
    sql: dict[str, str] = field(default_factory=dict)  # part name → the SQL that produced it
    event_category: str | None = None  # learn only from events of this kind ('concert')

    @property
    def learned_from(self) -> str:
        """'Taylor Swift | The Eras Tour', 'concerts' or 'all events' at the venue."""
        if self.event_name:
            return self.event_name
        if self.event_category:
            return f"{self.event_category} events"
        return "all events"

    @property
    def period(self) -> str:
        """'21 Jun 2024 – 20 Aug 2024': the first and last past event day compared."""
        days = pd.to_datetime(self.by_day["day"])
        if days.empty:
            return ""
        return f"{days.min():%d %b %Y} – {days.max():%d %b %Y}"


def plan_event(
    source,
    venue: str,
    start_time: dt.time,
    end_time: dt.time,
    radius_m: int = 500,
    event_name: str | None = None,
    categories: list[str] | None = None,
    event_category: str | None = None,
) -> PlanReport:
    """Build the planning report for `venue` over the daily window start_time–end_time.

    `source` is a read-only DuckDB connection or an `nlq.Engine`. Raises ValueError,
    with close matches, when the venue, event name or a category is not in the warehouse,
    and when there are no past events to learn from.
    """
    con = as_backend(source)
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
    if event_category is not None:
        kinds = _values(con, _select_names(venue, "category"))
        if event_category not in kinds:
            raise ValueError(f"there are no past {event_category} events at {venue}")
    if categories:
        known = _values(con, "SELECT crime_type FROM crime_types ORDER BY crime_type")
        categories = sorted({_resolve(c, known, "crime type") for c in categories})

    start_minute, end_minute = window_minutes(start_time, end_time)
    point = _venue_point(con, venue)
    wide = {f"wide_{k}": v for k, v in bounding_box(*point, radius_m + STREET_REACH_M).items()}
    values = {
        **bounding_box(*point, radius_m),
        **wide,
        "reach": STREET_REACH_M,
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
    dialect = con.dialect
    sql = {part: build_sql(part, values, event_name, categories, event_category, dialect) for part in PARTS}
    totals_sql = build_sql("totals", values, event_name, categories, event_category, dialect)
    # the parts are independent read-only queries: run them side by side (each on its own cursor)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {part: pool.submit(con.run, text) for part, text in sql.items()}
        futures["totals"] = pool.submit(con.run, totals_sql)
        frames = {part: future.result().frame for part, future in futures.items()}
    totals = frames.pop("totals").iloc[0]
    if frames["by_day"].empty:
        which = (
            f"{event_name!r} events"
            if event_name
            else f"{event_category} events"
            if event_category
            else "events"
        )
        raise ValueError(f"there are no past {which} at {venue} within the dates the warehouse covers")
    frames["uplift"] = uplift_frame(frames["uplift"], int(totals["event_days"]), int(totals["baseline_days"]))

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
        event_category=event_category,
        **frames,
    )
    report.summary = summarise(report)
    return report


def build_sql(
    part: str,
    values: dict,
    event_name: str | None = None,
    categories: list[str] | None = None,
    event_category: str | None = None,
    dialect: str = "duckdb",
) -> str:
    """The SQL for one part of the report in *dialect*, with every value as a literal.

    >>> v = {"venue": "O'Brien's Hall", "weeks": 8, "start_minute": 1080, "end_minute": 1410,
    ...      "radius": 500, "smoothing": 0.5, "hours": [18, 19], "start_hour": 18, "top_streets": 10,
    ...      "reach": 1000, **bounding_box(51.5, -0.1, 500),
    ...      **{f"wide_{k}": v for k, v in bounding_box(51.5, -0.1, 1500).items()}}
    >>> "venue = 'O''Brien''s Hall'" in build_sql("streets", v)
    True
    """
    body = _TOTALS if part == "totals" else _PARTS_SQL[part]
    tree = sqlglot.parse_one(_COMMON + body, read="duckdb")
    ctes = {cte.alias: cte.this for cte in tree.find_all(exp.CTE)}
    if event_name is not None:
        ctes["event_days"].where(exp.column("name").eq(exp.Literal.string(event_name)), copy=False)
    if event_category is not None:
        ctes["event_days"].where(exp.column("category").eq(exp.Literal.string(event_category)), copy=False)
    if categories:
        ctes["hits"].where(
            exp.column("crime_type", table="c").isin(*(exp.Literal.string(c) for c in categories)), copy=False
        )
    # portable SQL: date + whole days, timestamp + INTERVAL 'n' MINUTE, EXTRACT(HOUR ...), and the
    # haversine_m macro written out where the engine has no such macro (nlq.sql.portable)
    minutes = {
        f"{k}_interval": exp.Interval(
            this=exp.Literal.string(str(int(values[f"{k}_minute"]))), unit=exp.var("MINUTE")
        )
        for k in ("start", "end")
    }
    return render(exp.replace_placeholders(tree, **values, **minutes), dialect, pretty=True)


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


# ---- statistics a sergeant can brief from ------------------------------------------------------


def poisson_limits(count: int, level: float = 0.90) -> tuple[float, float]:
    """Exact (Garwood) two-sided limits for a Poisson mean after observing ``count`` events.

    The chi-square quantiles use the Wilson–Hilferty cube-root approximation (good to about 0.1%
    from a count of 1: 5.4235 for the exact 5.4254 at 10), and the exact closed form at 0.

    >>> poisson_limits(0)
    (0.0, 2.9957)
    >>> poisson_limits(10)
    (5.4235, 16.9582)
    """
    if count < 0:
        raise ValueError("a count cannot be negative")
    tail = (1 - level) / 2
    z = _normal_quantile(1 - tail)
    if count == 0:
        return 0.0, round(-math.log(tail), 4)

    def chi2(p_z: float, k: float) -> float:
        a = 2 / (9 * k)
        return k * max(1 - a + p_z * math.sqrt(a), 0.0) ** 3

    return round(chi2(-z, 2 * count) / 2, 4), round(chi2(z, 2 * count + 2) / 2, 4)


def _normal_quantile(p: float) -> float:
    """Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9)."""
    if p == 0.95:
        return Z90
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00)  # fmt: skip
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01)  # fmt: skip
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
         4.374664141464968e00, 2.938163982698783e00)  # fmt: skip
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    if p < 0.02425:
        q = math.sqrt(-2 * math.log(p))
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
        )
    if p > 1 - 0.02425:
        return -_normal_quantile(1 - p)
    q = p - 0.5
    r = q * q
    return (
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    )


def extra_interval(
    event_count: int, event_days: int, baseline_count: int, baseline_days: int, level: float = 0.90
) -> tuple[float, float, float]:
    """Expected extra crimes per event = event rate − comparable-day rate, with its interval.

    Each rate's interval is the exact Poisson interval of its count divided by its days; the
    difference's interval combines them by MOVER (Zou & Donner 2008: the method of variance
    estimates recovery), which stays sensible for small and zero counts where ±1.645·SE does not.

    >>> extra_interval(10, 2, 0, 100)  # 10 crimes over 2 events, none on 100 comparable days
    (5.0, 2.7116, 8.4791)
    """
    event_days, baseline_days = max(int(event_days), 1), max(int(baseline_days), 1)
    r1, r2 = event_count / event_days, baseline_count / baseline_days
    l1, u1 = (x / event_days for x in poisson_limits(int(event_count), level))
    l2, u2 = (x / baseline_days for x in poisson_limits(int(baseline_count), level))
    extra = r1 - r2
    low = extra - math.sqrt((r1 - l1) ** 2 + (u2 - r2) ** 2)
    high = extra + math.sqrt((u1 - r1) ** 2 + (r2 - l2) ** 2)
    return round(extra, 4), round(low, 4), round(high, 4)


def uplift_frame(counts: pd.DataFrame, event_days: int, baseline_days: int) -> pd.DataFrame:
    """Counts by crime type → rates, extra crimes per event with a 90% interval, and a ratio only
    where it means something (a stable baseline and at least one crime during events)."""
    rows = []
    for row in counts.itertuples(index=False):
        e, b = int(row.event_count), int(row.baseline_count)
        extra, low, high = extra_interval(e, event_days, b, baseline_days)
        per_event = e / max(event_days, 1)
        per_base = b / max(baseline_days, 1)
        stable = b >= MIN_BASELINE_RECORDS and e > 0
        rows.append(
            {
                "crime_type": row.crime_type,
                "event_count": e,
                "baseline_count": b,
                "per_event_day": per_event,
                "per_baseline_day": per_base,
                "extra_per_event": extra,
                "extra_low": low,
                "extra_high": high,
                "ratio": per_event / per_base if stable else math.nan,
            }
        )
    columns = ["crime_type", "event_count", "baseline_count", "per_event_day", "per_baseline_day",
               "extra_per_event", "extra_low", "extra_high", "ratio"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.sort_values(
        ["extra_per_event", "event_count", "crime_type"], ascending=[False, False, True]
    )
    return frame.reset_index(drop=True)


def rate_text(x: float, unit: str = "evening") -> str:
    """A rate per event or per day in words that survive a briefing: never '0.0' for a small rate.

    >>> [rate_text(v) for v in (0, 0.047, 0.38, 2.345, 30.75)]
    ['0', 'about 1 in 21 evenings', '0.38', '2.3', '31']
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if x == 0:
        return "0"
    if abs(x) < 0.1:
        return f"about 1 in {round(1 / abs(x)):,} {unit}s" if x > 0 else f"{x:.2f}"
    if abs(x) < 1:
        return f"{x:.2f}"
    if abs(x) < 10:
        return f"{x:.1f}"
    return f"{x:,.0f}"


def signed(x: float) -> str:
    """'+30.4', '−0.05', '0'."""
    if abs(x) < 0.005:
        return "0"
    text = f"{abs(x):.2f}" if abs(x) < 1 else f"{abs(x):.1f}" if abs(x) < 10 else f"{abs(x):,.0f}"
    return ("+" if x > 0 else "−") + text


def extra_text(row) -> str:
    """'+30.4 extra per event (90%: +28.5 to +32.3)'."""
    return (
        f"{signed(row.extra_per_event)} extra per event "
        f"(90% interval {signed(row.extra_low)} to {signed(row.extra_high)})"
    )


def ratio_text(row) -> str:
    """'80× normal', or why there is no ratio."""
    if row.event_count == 0:
        return "no crimes during events"
    if math.isnan(row.ratio):
        return f"no ratio: fewer than {MIN_BASELINE_RECORDS} records on comparable days"
    return f"{row.ratio:.1f}× normal" if row.ratio < 10 else f"{row.ratio:.0f}× normal"


def learned_heading(report: PlanReport) -> str:
    """'Taylor Swift | The Eras Tour', 'Past concert events' or 'All past events'."""
    if report.event_name:
        return report.event_name
    if report.event_category:
        return f"Past {report.event_category} events"
    return "All past events"


def summarise(report: PlanReport) -> str:
    """A few plain sentences: where and when to focus."""
    window = f"{report.start_time:%H:%M}–{report.end_time:%H:%M}"
    what = f"{learned_heading(report)} at {report.venue}"
    lines = [
        f"{what}, {window}, within {report.radius_m:,} m: {report.event_days} past event "
        f"day{'s' if report.event_days != 1 else ''} ({report.period}) compared with "
        f"{report.baseline_days} comparable non-event days (same weekdays, ±{WEEKS} weeks, same hours).",
    ]
    up = report.uplift
    top = up[(up["extra_low"] > 0)].head(3)
    if top.empty:
        lines.append("No crime type was clearly above normal levels during past events.")
    else:
        lines.append("Expected extra crimes per event, within the radius and the window:")
        for row in top.itertuples():
            ratio = "" if math.isnan(row.ratio) else f", {ratio_text(row)}"
            lines.append(
                f"- {row.crime_type}: {extra_text(row)} — {rate_text(row.per_event_day)} per event vs "
                f"{rate_text(row.per_baseline_day)} on comparable days{ratio}"
            )
    busy = report.by_hour[report.by_hour["event_count"] > 0]
    if not busy.empty:
        peak = busy.sort_values(["per_event_day", "hour"], ascending=[False, True]).head(2)
        hours = [
            f"{h:02d}:00–{(h + 1) % 24:02d}:00 ({rate_text(n)} per event)"
            for h, n in zip(peak["hour"], peak["per_event_day"], strict=True)
        ]
        lines.append("Peak hours: " + ", ".join(hours) + ".")
    if not report.streets.empty:
        streets = [
            f"{loc} ({n})"
            for loc, n in zip(report.streets["location"], report.streets["event_count"], strict=True)
        ]
        lines.append("Top streets within the radius: " + ", ".join(streets[:3]) + ".")
    return "\n".join(lines)


# ---- an hour-by-hour expectation for the next event, back-tested ---------------------------------

MIN_FORECAST_EVENTS = 3
HEX_SIZE_M = 120  # hexagon circumradius for the forecast's cells


@dataclass
class Forecast:
    """What to expect at the next event, learned from the past event days of a PlanReport."""

    events: int
    message: str  # one sentence: the back-test, or why there is no forecast
    by_hour: pd.DataFrame = field(default_factory=pd.DataFrame)  # hour, crime_type, expected, low, high
    cells: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # latitude, longitude, street, expected, low, high
    total: tuple[float, float, float] | None = None  # expected, low, high for the whole window
    backtest: dict = field(default_factory=dict)  # mae, naive_mae, coverage, inside, n


def poisson_quantile(p: float, mean: float) -> int:
    """The smallest k with P(X ≤ k) ≥ p for X ~ Poisson(mean).

    >>> poisson_quantile(0.05, 10), poisson_quantile(0.95, 10)
    (5, 15)
    """
    if mean <= 0:
        return 0
    if mean > 500:  # normal approximation, far beyond any event window here
        return max(0, math.ceil(mean + _normal_quantile(p) * math.sqrt(mean) - 0.5))
    k, term = 0, math.exp(-mean)
    total = term
    while total < p:
        k += 1
        term *= mean / k
        total += term
    return k


def predictive_interval(mean: float, dispersion: float, level: float = 0.90) -> tuple[float, float]:
    """A (quasi-)Poisson range for one event's count: Poisson on the scale ``count / dispersion``."""
    tail = (1 - level) / 2
    phi = max(dispersion, 1.0)
    return phi * poisson_quantile(tail, mean / phi), phi * poisson_quantile(1 - tail, mean / phi)


def _dispersion(counts: list[float]) -> float:
    """Day-to-day variance over the mean of the window totals (1 = Poisson), inflated by 1 + 1/n for
    the uncertainty of the mean itself."""
    n = len(counts)
    mean = sum(counts) / n if n else 0.0
    if n < 2 or mean <= 0:
        return 1.0 + 1.0 / max(n, 1)
    var = sum((c - mean) ** 2 for c in counts) / (n - 1)
    return max(var / mean, 1.0) * (1 + 1 / n)


def _hex_cells(lat0: float, lon0: float, lat, lon, size_m: float = HEX_SIZE_M):
    """Axial hexagon (q, r) of each point, and a function back to a cell's centre (lat, lon)."""
    import numpy as np

    mlat = 111_320.0
    mlon = 111_320.0 * math.cos(math.radians(lat0))
    x = (np.asarray(lon, dtype=float) - lon0) * mlon
    y = (np.asarray(lat, dtype=float) - lat0) * mlat
    q = (math.sqrt(3) / 3 * x - y / 3) / size_m
    r = (2 / 3 * y) / size_m
    # cube rounding
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = np.round(cx), np.round(cy), np.round(cz)
    dx, dy, dz = abs(rx - cx), abs(ry - cy), abs(rz - cz)
    fix_x = (dx > dy) & (dx > dz)
    fix_z = ~fix_x & (dz >= dy)
    rx = np.where(fix_x, -ry - rz, rx)
    rz = np.where(fix_z, -rx - ry, rz)

    def centre(qi: int, ri: int) -> tuple[float, float]:
        cxm = size_m * math.sqrt(3) * (qi + ri / 2)
        cym = size_m * 1.5 * ri
        return lat0 + cym / mlat, lon0 + cxm / mlon

    return rx.astype(int), rz.astype(int), centre


def forecast(
    report: PlanReport, venue_point: tuple[float, float] | None = None, top_types: int = 4
) -> Forecast:
    """The expected number of crimes per hour by type at the next event, the cells where they
    concentrate, and a leave-one-out back-test of the window total against the naive forecast (the
    comparable-day rate). Fewer than 3 past events: no forecast, and the message says so."""
    days = [pd.Timestamp(d).date() for d in report.by_day["day"]]
    n = len(days)
    learned = f"{report.learned_from} at {report.venue}"
    if n < MIN_FORECAST_EVENTS:
        return Forecast(
            n,
            f"Fewer than {MIN_FORECAST_EVENTS} past events to learn from ({n} past event "
            f"day{'s' if n != 1 else ''} of {learned}), so there is no forecast: use the past "
            "events' figures above as a guide.",
        )
    spots = report.hotspots.copy()
    spots["day"] = pd.to_datetime(spots["day"]).dt.date
    spots["hour"] = pd.to_datetime(spots["occurred_at"]).dt.hour
    totals = spots.groupby("day").size().reindex(days, fill_value=0).astype(float).tolist()
    naive = float(report.uplift["per_baseline_day"].sum())

    # hour by hour, the crime types with the most crimes during past events, then "Other"
    types = report.uplift.sort_values(["event_count", "crime_type"], ascending=[False, True])
    types = [t for t, c in zip(types["crime_type"], types["event_count"], strict=True) if c > 0][:top_types]
    spots["type"] = spots["crime_type"].where(spots["crime_type"].isin(types), "Other crime types")
    phi = _dispersion(totals)
    rows = []
    for hour in report.by_hour["hour"]:
        for kind in [*types, "Other crime types"]:
            count = int(((spots["hour"] == hour) & (spots["type"] == kind)).sum())
            if kind == "Other crime types" and count == 0:
                continue
            mean = count / n
            low, high = predictive_interval(mean, phi)
            rows.append({"hour": int(hour), "crime_type": kind, "expected": mean, "low": low, "high": high})
    by_hour = pd.DataFrame(rows, columns=["hour", "crime_type", "expected", "low", "high"])

    cells = pd.DataFrame(columns=["latitude", "longitude", "street", "expected", "low", "high"])
    if not spots.empty:
        lat0, lon0 = venue_point or (float(spots["latitude"].mean()), float(spots["longitude"].mean()))
        q, r, centre = _hex_cells(lat0, lon0, spots["latitude"], spots["longitude"])
        spots["q"], spots["r"] = q, r
        rows = []
        for (qi, ri), group in spots.groupby(["q", "r"]):
            mean = len(group) / n
            low, high = predictive_interval(mean, phi)
            lat, lon = centre(int(qi), int(ri))
            streets = group["location"].dropna()
            street = streets.mode().sort_values().iloc[0] if not streets.empty else ""
            rows.append(
                {
                    "latitude": lat,
                    "longitude": lon,
                    "street": street,
                    "expected": mean,
                    "low": low,
                    "high": high,
                }
            )
        cells = pd.DataFrame(rows).sort_values(["expected", "street"], ascending=[False, True]).head(8)
        cells = cells.reset_index(drop=True)

    mean_all = sum(totals) / n
    total = (mean_all, *predictive_interval(mean_all, phi))
    # leave one out: predict each past event from the others
    errors, naive_errors, inside = [], [], 0
    for i, actual in enumerate(totals):
        others = totals[:i] + totals[i + 1 :]
        m = sum(others) / len(others)
        low, high = predictive_interval(m, _dispersion(others))
        errors.append(abs(actual - m))
        naive_errors.append(abs(actual - naive))
        inside += low <= actual <= high
    backtest = {
        "n": n,
        "mae": sum(errors) / n,
        "naive_mae": sum(naive_errors) / n,
        "inside": inside,
        "coverage": inside / n,
    }
    message = (
        f"Back-test on the last {n} past events of {learned} (each left out in turn and predicted from "
        f"the others): this forecast was within {backtest['mae']:.1f} crimes of the actual window total "
        f"on average, against {backtest['naive_mae']:.1f} for a forecast of a normal day "
        f"({rate_text(naive)} per comparable day); the actual fell inside the 90% range on "
        f"{inside} of {n}."
    )
    return Forecast(n, message, by_hour, cells, total, backtest)


def _select_names(venue: str, column: str = "name") -> str:
    assert column in ("name", "category")
    query = sqlglot.parse_one(
        f"SELECT DISTINCT {column} FROM events WHERE venue = :venue ORDER BY {column}", read="duckdb"
    )
    return exp.replace_placeholders(query, venue=venue).sql(dialect="duckdb")


def _venue_point(con, venue: str) -> tuple[float, float]:
    query = sqlglot.parse_one("SELECT latitude, longitude FROM venues WHERE venue = :venue", read="duckdb")
    row = con.run(render(exp.replace_placeholders(query, venue=venue), con.dialect)).frame.iloc[0]
    return float(row["latitude"]), float(row["longitude"])


def _values(con, sql: str) -> list[str]:
    frame = con.run(transpile(sql, con.dialect)).frame
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
