"""SQL for an Intent, built with sqlglot's expression builder.

Only vocabulary values and typed literals (numbers, dates) enter the tree, as
literals; user text is never parsed as SQL. Output is DuckDB SQL; `to_sql(intent,
dialect=...)` transpiles to other dialects.

>>> from nlq.intent import Intent
>>> to_sql(Intent(crime_types=("Burglary",), boroughs=("Camden",)))
"SELECT COUNT(*) AS crimes FROM crimes AS c WHERE c.crime_type = 'Burglary' AND c.borough = 'Camden'"
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

from sqlglot import exp

from nlq import near_me
from nlq.intent import WEEKDAYS, Intent, hour_spans
from nlq.timeexpr import TimeWindow

POINT_COLUMNS = ("latitude", "longitude", "crime_type", "month", "occurred_at", "location", "borough")
GRAIN_ALIAS = {"weekday": "day_of_week", "crime_type": "crime_type", "outcome": "outcome"}
OCCURRED_GRAINS = {"hour", "weekday", "day", "week", "day_type"}


@dataclass(frozen=True)
class Facts:
    """What the SQL may take from the warehouse as literals, read once when the engine opens:
    the anchor month and day, venue coordinates and event windows.

    >>> f = Facts(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    >>> f.resolve(TimeWindow("rel_months", n=3)).label(), f.resolve(TimeWindow("rel_days", n=7)).label()
    ('Oct–Dec 2025', '25 Dec 2025 – 31 Dec 2025')
    """

    anchor_month: dt.date
    anchor_day: dt.date
    venues: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (lat, lon)
    events: tuple[dict, ...] = ()  # name, venue, category, starts_at, ends_at

    def resolve(self, w: TimeWindow) -> TimeWindow:
        """A relative window as the absolute months or days it means in this warehouse."""
        if w.kind in ("rel_months", "rel_year"):
            return w.resolved(self.anchor_month)
        if w.kind == "rel_days":
            end = self.anchor_day - dt.timedelta(days=w.offset)
            return TimeWindow("days", end - dt.timedelta(days=w.n - 1), end)
        if w.kind == "rel_weekend":
            sunday = self.anchor_day - dt.timedelta(days=self.anchor_day.isoweekday() % 7 + 7 * w.offset)
            return TimeWindow("days", sunday - dt.timedelta(days=1), sunday)
        return w

    def bounding_box(self, venues, radius_m: int):
        """((south, north), (west, east)) around every venue, a little wider than the radius."""
        points = [self.venues[v] for v in venues if v in self.venues]
        if len(points) != len(venues) or not points:
            return None
        dlat = radius_m * 1.01 / 111_195 + 1e-6
        lats = [lat for lat, _ in points]
        dlon = max(dlat / max(math.cos(math.radians(abs(lat) + dlat)), 0.01) for lat in lats)
        lons = [lon for _, lon in points]
        return (min(lats) - dlat, max(lats) + dlat), (min(lons) - dlon, max(lons) + dlon)

    def event_span(self, i: Intent):
        """(first start, last end) of the events the intent means, or None."""
        chosen = [
            e
            for e in self.events
            if (not i.event or i.event.lower() in e["name"].lower())
            and (not i.event_category or e["category"] == i.event_category)
            and (not i.event_venue or e["venue"] == i.event_venue)
            and (not i.event_year or e["starts_at"].year == i.event_year)
        ]
        if not chosen:
            return None
        return min(e["starts_at"] for e in chosen), max(e["ends_at"] for e in chosen)


def c(name: str) -> exp.Column:
    return exp.column(name, table="c")


def lit(value) -> exp.Expression:
    """A typed literal: str, int, float or date (never parsed)."""
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(value)


def _in(col: exp.Expression, values, negate: bool = False) -> exp.Expression:
    values = list(values)
    if len(values) == 1:
        return exp.NEQ(this=col, expression=lit(values[0])) if negate else col.eq(lit(values[0]))
    cond = col.isin(*[lit(v) for v in values])
    return exp.not_(cond) if negate else cond


def _fn(name: str, *args) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _count() -> exp.Expression:
    return exp.Count(this=exp.Star())


def _anchor_month() -> exp.Expression:
    return exp.Subquery(this=exp.select(exp.Max(this=exp.column("month"))).from_("crimes"))


def _anchor_year() -> exp.Expression:
    q = exp.select(exp.Year(this=exp.Max(this=exp.column("month")))).from_("crimes")
    return exp.Subquery(this=q)


def _anchor_day() -> exp.Expression:
    q = exp.select(exp.cast(exp.Max(this=exp.column("occurred_at")), exp.DataType.Type.DATE)).from_("crimes")
    return exp.Subquery(this=q)


def _minus(base: exp.Expression, n: int, unit: str) -> exp.Expression:
    if n == 0:
        return base
    interval = exp.Interval(this=exp.Literal.string(str(n)), unit=exp.var(unit))
    return exp.Sub(this=base, expression=interval)


def _occurred_date() -> exp.Expression:
    return exp.cast(c("occurred_at"), exp.DataType.Type.DATE)


def _timestamp(moment: dt.datetime) -> exp.Expression:
    text = moment.date().isoformat() if moment.time() == dt.time() else moment.isoformat(sep=" ")
    return exp.cast(exp.Literal.string(text), exp.DataType.Type.TIMESTAMP)


def period_condition(i: Intent, w: TimeWindow, facts: Facts | None = None) -> exp.Expression:
    """The condition of one of *i*'s windows. A night belongs to the evening it starts (DESIGN.md):
    with hours that cross midnight, "the night of 22 June 2024" is 22 June 22:00 to 23 June 05:59,
    so a window of days runs on into the morning after its last day and not before its first."""
    return time_condition(w, facts, morning_after=_morning_after(i))


def _morning_after(i: Intent) -> int:
    if not i.time_of_day:
        return 0
    spans = hour_spans(i.time_of_day)
    wrapping = [hi for lo, hi in spans if lo > hi]
    return wrapping[0] + 1 if wrapping and len(spans) == 1 else 0


def time_condition(w: TimeWindow, facts: Facts | None = None, morning_after: int = 0) -> exp.Expression:
    """The WHERE condition of a time window (months on `month`, days on occurred_at). With the
    warehouse's *facts*, a relative window becomes literal dates, so zone maps can skip row groups.
    *morning_after* hours move a days window's bounds on by that much, for nights (period_condition)."""
    if facts is not None and w.is_relative:
        w = facts.resolve(w)
    if w.kind == "days" and (facts is not None or morning_after):
        # plain ranges on the stored columns (month, then the timestamp), which zone maps can use
        shift = dt.timedelta(hours=morning_after)
        first = w.start.replace(day=1)
        end = None if w.end is None else w.end + dt.timedelta(days=1)  # exclusive
        last = None if end is None else (end if morning_after else w.end).replace(day=1)
        month = c("month") >= lit(first) if last is None else c("month").between(lit(first), lit(last))
        conds = [month, c("occurred_at") >= _timestamp(dt.datetime.combine(w.start, dt.time()) + shift)]
        if end is not None:
            conds.append(c("occurred_at") < _timestamp(dt.datetime.combine(end, dt.time()) + shift))
        return exp.and_(*conds)
    if w.kind in ("months", "days"):
        col = c("month") if w.kind == "months" else _occurred_date()
        if w.end is None:
            return col >= lit(w.start)
        if w.start == w.end:
            return col.eq(lit(w.start))
        return col.between(lit(w.start), lit(w.end))
    if w.kind == "rel_months":
        a = _anchor_month()
        if w.n == 1:
            return c("month").eq(_minus(a, w.offset, "MONTH"))
        if w.offset == 0:
            return c("month") > _minus(a, w.n, "MONTH")
        return c("month").between(
            _minus(a, w.offset + w.n - 1, "MONTH"), _minus(_anchor_month(), w.offset, "MONTH")
        )
    if w.kind == "rel_year":
        y = exp.Year(this=c("month"))
        first = exp.Add(this=_anchor_year(), expression=lit(w.offset)) if w.offset else _anchor_year()
        if w.n == 1:
            return y.eq(first)
        last = exp.Add(this=_anchor_year(), expression=lit(w.offset + w.n - 1))
        return y.between(first, last)
    if w.kind == "rel_days":
        d = _occurred_date()
        if w.n == 1:
            return d.eq(_minus(_anchor_day(), w.offset, "DAY"))
        return d.between(
            _minus(_anchor_day(), w.offset + w.n - 1, "DAY"), _minus(_anchor_day(), w.offset, "DAY")
        )
    if w.kind == "rel_weekend":
        # the latest Sunday on or before D (isodow: Monday 1 .. Sunday 7), `offset` weeks earlier
        back = exp.Mod(this=iso_weekday(_anchor_day()), expression=lit(7))
        if w.offset:
            back = exp.Add(this=back, expression=lit(7 * w.offset))
        sunday = exp.Sub(this=_anchor_day(), expression=exp.cast(back, exp.DataType.Type.INT))
        saturday = exp.Sub(this=sunday.copy(), expression=lit(1))
        return _occurred_date().between(saturday, sunday)
    raise ValueError(f"unknown time window {w.kind}")


def hour_of(ts: exp.Expression) -> exp.Expression:
    """The clock hour 0-23 of a timestamp: EXTRACT(HOUR FROM ts) on every engine."""
    return exp.Extract(this=exp.var("HOUR"), expression=ts)


def iso_weekday(ts: exp.Expression) -> exp.Expression:
    """ISO day of the week, Monday 1 .. Sunday 7 (`portable` writes it for each dialect: sqlglot's
    own Spark rendering of DayOfWeekIso is off by two days)."""
    return exp.DayOfWeekIso(this=ts)


def iso_day(weekday: str) -> int:
    """ISO number of an English weekday name (WEEKDAYS is Sunday first, as DuckDB's dayofweek).

    >>> [iso_day(d) for d in ("Monday", "Saturday", "Sunday")]
    [1, 6, 7]
    """
    return WEEKDAYS.index(weekday) or 7


WEEKEND_ISO = (6, 7)  # DESIGN.md: weekend = Saturday and Sunday


def day_name(ts: exp.Expression) -> exp.Expression:
    """'Monday' .. 'Sunday' as a CASE on the ISO weekday (no dialect's dayname/date_format)."""
    names = [iso_day(d) for d in WEEKDAYS]
    return exp.Case(
        this=iso_weekday(ts),
        ifs=[exp.If(this=lit(n), true=lit(d)) for n, d in sorted(zip(names, WEEKDAYS, strict=True))],
    )


def truncate(unit: str, value: exp.Expression) -> exp.Expression:
    """The DATE of the first day of the week (Monday) / month / quarter / year holding *value*."""
    return exp.cast(exp.TimestampTrunc(this=value, unit=exp.var(unit.upper())), exp.DataType.Type.DATE)


def _hour() -> exp.Expression:
    return hour_of(c("occurred_at"))


def _dow() -> exp.Expression:
    return iso_weekday(c("occurred_at"))


def _evening_dow(i: Intent):
    """The weekday function to use with the intent's hours: the day of the evening a night
    starts on when the hours cross midnight (22:00-05:59 -> shift back 6 hours), else _dow."""
    shift = _morning_after(i)
    if not shift:
        return _dow

    def shifted(_i=None) -> exp.Expression:
        back = exp.Interval(this=exp.Literal.string(str(shift)), unit=exp.var("HOUR"))
        return iso_weekday(exp.Sub(this=c("occurred_at"), expression=back))

    return shifted


def _event_condition(i: Intent, facts: Facts | None = None) -> exp.Expression:
    e = lambda name: exp.column(name, table="e")  # noqa: E731
    conds = []
    if i.event:
        conds.append(exp.ILike(this=e("name"), expression=lit(f"%{i.event}%")))
    if i.event_category:
        conds.append(e("category").eq(lit(i.event_category)))
    if i.event_venue:
        conds.append(e("venue").eq(lit(i.event_venue)))
    if i.event_year:
        conds.append(exp.Year(this=e("starts_at")).eq(lit(i.event_year)))
    conds.append(_around_event(i, e("starts_at"), e("ends_at")))
    sub = exp.select(exp.Literal.number(1)).from_(exp.to_table("events").as_("e")).where(exp.and_(*conds))
    exists = exp.Exists(this=sub)
    span = facts.event_span(i) if facts is not None else None
    if span is None:
        return exists
    # the matched events' overall span as a plain range first: row groups outside it are skipped
    pad = dt.timedelta(minutes=i.event_minutes or 0)
    first, last = (
        exp.cast(exp.Literal.string(t.isoformat(sep=" ")), exp.DataType.Type.TIMESTAMP)
        for t in (span[0] - pad, span[1] + pad)
    )
    return exp.and_(c("occurred_at").between(first, last), exists)


def _around_event(i: Intent, starts: exp.Expression, ends: exp.Expression) -> exp.Expression:
    """The record's time against one event: during it, or in the time just before, after or
    either side of it (nlq.event_window)."""
    t = c("occurred_at")
    if i.event_side is None:
        return t.between(starts, ends)
    pad = exp.Interval(this=exp.Literal.string(str(i.event_minutes)), unit=exp.var("MINUTE"))
    if i.event_side == "before":  # up to, not including, the start
        return exp.and_(
            exp.GTE(this=t, expression=exp.Sub(this=starts, expression=pad)),
            exp.LT(this=t, expression=starts),
        )
    if i.event_side == "after":  # from just after the end
        return exp.and_(
            exp.GT(this=t, expression=ends),
            exp.LTE(this=t, expression=exp.Add(this=ends, expression=pad.copy())),
        )
    return t.between(exp.Sub(this=starts, expression=pad), exp.Add(this=ends, expression=pad.copy()))


def _distance() -> exp.Expression:
    return _fn(
        "haversine_m",
        c("latitude"),
        c("longitude"),
        exp.column("latitude", table="v"),
        exp.column("longitude", table="v"),
    )


def conditions(
    i: Intent, skip: frozenset[str] = frozenset(), facts: Facts | None = None
) -> list[tuple[str, exp.Expression]]:
    """(key, condition) for every filter of the intent, in a stable order."""
    out: list[tuple[str, exp.Expression]] = []
    if i.crime_types and "crime_types" not in skip:
        out.append(("crime_types", _in(c("crime_type"), i.crime_types)))
    if i.excluded_types:
        out.append(("excluded_types", _in(c("crime_type"), i.excluded_types, negate=True)))
    if i.outcomes and "outcomes" not in skip:
        out.append(("outcomes", _in(c("last_outcome_category"), i.outcomes)))
    if i.boroughs and "boroughs" not in skip:
        out.append(("boroughs", _in(c("borough"), i.boroughs)))
    if i.bcus and "bcus" not in skip:
        out.append(("bcus", _in(exp.column("bcu", table="b"), i.bcus)))
    if i.venues and "venues" not in skip:
        near = [_in(exp.column("venue", table="v"), i.venues)]
        box = facts.bounding_box(i.venues, i.radius_m) if facts is not None else None
        if box is not None:  # a cheap box on the crime's own columns before the exact distance
            (south, north), (west, east) = box
            near += [
                c("latitude").between(lit(south), lit(north)),
                c("longitude").between(lit(west), lit(east)),
            ]
        near.append(_distance() <= lit(i.radius_m))
        out.append(("venues", exp.and_(*near)))
    if i.near_me and "near_me" not in skip:  # the asker's point, given at ask time
        out.append(("near_me", near_me.condition(i)))
    if i.streets and "streets" not in skip:
        out.append(("streets", _in(c("location"), i.streets)))
    if i.lsoas and "lsoas" not in skip:
        out.append(("lsoas", _in(c("lsoa_name"), i.lsoas)))
    if (i.event or i.event_category) and "event" not in skip:
        out.append(("event", _event_condition(i, facts)))
    if i.time and "time" not in skip:
        out.append(("time", period_condition(i, i.time, facts)))
    if i.time_of_day and "time_of_day" not in skip:
        spans = []
        for lo, hi in hour_spans(i.time_of_day):
            spans.append(
                _hour().between(lit(lo), lit(hi))
                if lo <= hi
                else exp.or_(_hour() >= lit(lo), _hour() < lit(hi + 1))
            )
        cond = spans[0] if len(spans) == 1 else exp.or_(*spans)
        out.append(("time_of_day", exp.paren(cond) if isinstance(cond, exp.Or) else cond))
    # a night belongs to the evening it starts: "Saturday night" runs into Sunday morning
    dow = _evening_dow(i)
    if i.day_type and "day_type" not in skip:
        if dow is not _dow:  # weekend nights = Friday and Saturday nights (ISO 5, 6)
            days = [5, 6] if i.day_type == "weekend" else [7, 1, 2, 3, 4]
            cond = _in(dow(i), days)
        else:
            cond = (
                _dow().isin(*map(lit, WEEKEND_ISO))
                if i.day_type == "weekend"
                else _dow().between(lit(1), lit(5))
            )
        out.append(("day_type", cond))
    if i.weekdays and "weekdays" not in skip:
        out.append(("weekdays", _in(dow(i) if dow is not _dow else _dow(), [iso_day(d) for d in i.weekdays])))
    if needs_occurred_at(i):
        out.append(("occurred_at", exp.Not(this=exp.Is(this=c("occurred_at"), expression=exp.Null()))))
    return out


def needs_occurred_at(i: Intent) -> bool:
    return bool(
        OCCURRED_GRAINS & set(i.group_by)
        or i.time_of_day
        or i.day_type
        or i.weekdays
        or i.event
        or i.event_category
        or (i.time and i.time.uses_days)
        or (i.baseline and i.baseline.uses_days)
    )


def grain_expr(g: str) -> exp.Expression:
    if g == "hour":
        return _hour()
    if g == "weekday":
        return day_name(c("occurred_at"))
    if g == "day":
        return _occurred_date()
    if g == "week":
        return truncate("week", c("occurred_at"))
    if g == "month":
        return c("month")
    if g == "quarter":
        return truncate("quarter", c("month"))
    if g == "year":
        return exp.Year(this=c("month"))
    if g == "bcu":
        return exp.column("bcu", table="b")
    if g == "outcome":
        return c("last_outcome_category")
    if g == "lsoa":
        return c("lsoa_code")
    if g == "venue":
        return exp.column("venue", table="v")
    if g == "day_type":  # DESIGN.md: weekend = Saturday and Sunday (ISO 6 and 7)
        return exp.Case(
            ifs=[exp.If(this=_dow().isin(*map(lit, WEEKEND_ISO)), true=lit("Weekend"))],
            default=lit("Weekday"),
        )
    return c(g)


def _grain_selects(i: Intent) -> list[exp.Expression]:
    out = []
    for g in i.group_by:
        out.append(exp.alias_(grain_expr(g), GRAIN_ALIAS.get(g, g)))
        if g == "lsoa":
            out.append(exp.alias_(c("lsoa_name"), "lsoa_name"))
    return out


def _grain_groups(i: Intent) -> list[exp.Expression]:
    out = []
    for g in i.group_by:
        # weekdays group on the ISO number (the day name is a CASE on it): every engine can then
        # order by the group key, even beside a window function (Spark cannot order by MIN(...) there)
        out.append(_dow() if g == "weekday" else grain_expr(g))
        if g == "lsoa":
            out.append(c("lsoa_name"))
    return out


def _joins_boroughs(i: Intent) -> bool:
    return bool(i.bcus) or "bcu" in i.group_by or (i.measure == "rate_per_1000" and "borough" in i.group_by)


def _base(i: Intent, select: list[exp.Expression]) -> exp.Select:
    q = exp.select(*select).from_(exp.to_table("crimes").as_("c"))
    if i.venues:
        q = q.join(exp.to_table("venues").as_("v"), join_type="cross")
    if _joins_boroughs(i):
        on = exp.column("borough", table="b").eq(c("borough"))
        q = q.join(exp.to_table("boroughs").as_("b"), on=on)
    return q


def _where(q: exp.Select, conds: list[exp.Expression]) -> exp.Select:
    return q.where(exp.and_(*conds)) if conds else q


def _population(i: Intent) -> exp.Expression:
    """Residents of the question's area, as a scalar subquery."""
    if "borough" in i.group_by:
        return exp.column("population", table="b")
    b2 = lambda n: exp.column(n, table="b2")  # noqa: E731
    q = exp.select(exp.Sum(this=b2("population"))).from_(exp.to_table("boroughs").as_("b2"))
    if "bcu" in i.group_by:
        # correlated on the grouped bcu: inside an aggregate, as Spark requires (one value per group)
        q = q.where(b2("bcu").eq(exp.column("bcu", table="b")))
        return exp.Max(this=exp.Subquery(this=q))
    elif i.boroughs:
        q = q.where(_in(b2("borough"), i.boroughs))
    elif i.bcus:
        q = q.where(_in(b2("bcu"), i.bcus))
    return exp.Subquery(this=q)


def _value(i: Intent, facts: Facts | None = None) -> tuple[exp.Expression, str]:
    """The measure's aggregate and its column name (count, rate, share, change)."""
    if i.measure == "rate_per_1000":
        return exp.Div(
            this=exp.Mul(this=_count(), expression=exp.Literal.number("1000.0")), expression=_population(i)
        ), "per_1000"
    if i.measure == "share":
        if i.share_part:
            num = exp.Filter(this=_count(), expression=exp.Where(this=_share_part(i, facts)))
            return exp.Div(
                this=exp.Mul(this=exp.Literal.number("100.0"), expression=num), expression=_count()
            ), "share_pct"
        total = exp.Window(this=exp.Sum(this=_count()))
        return exp.Div(
            this=exp.Mul(this=exp.Literal.number("100.0"), expression=_count()), expression=total
        ), "share_pct"
    return _count(), "crimes"


def _share_part(i: Intent, facts: Facts | None = None) -> exp.Expression:
    """The condition that picks a share's part out of its whole."""
    part = [cond for key, cond in conditions(i, facts=facts) if key in i.share_part and key != "crime_types"]
    if "crime_types" in i.share_part:
        part.insert(0, _in(c("crime_type"), i.part_crime_types or i.crime_types))
    return exp.and_(*part)


def build(i: Intent, facts: Facts | None = None, records: bool = True) -> exp.Select:
    """The sqlglot tree for an intent (*records*: with the records looked at, where they fit)."""
    if i.count_groups:  # how many groups pass the threshold: count the rows of the grouped answer
        kept = build(replace(i, count_groups=False, chart=None), facts, records=False).subquery("kept")
        return exp.select(exp.alias_(exp.Count(this=exp.Star()), "_".join(i.group_by) + "_count")).from_(kept)
    if i.measure == "count" and i.baseline is not None and i.time is not None:
        return _two_periods(i, facts)
    if previous_window(i) is not None and i.measure in ("count", "share"):
        return _count_with_previous(i, facts) if i.measure == "count" else _share_with_previous(i, facts)
    if i.chart == "map" and i.measure == "count" and not i.group_by and not i.top_n:
        return _points(i, facts)
    if i.measure == "change":
        return _change(i, facts, records)
    if i.measure.startswith("average_per_"):
        return _average(i, facts, records)
    conds = [cond for _, cond in conditions(i, _whole_skip(i), facts)]
    if "bcu" in i.group_by and not i.top_n:  # a ranking already drops NULL groups
        conds.append(exp.Not(this=exp.Is(this=exp.column("bcu", table="b"), expression=exp.Null())))
    value, name = _value(i, facts)
    records = [exp.alias_(_records(_count()), RECORDS_COLUMN)] if records and records_in_answer(i) else []
    q = _base(i, [*_grain_selects(i), exp.alias_(value, name), *records])
    groups = _grain_groups(i)
    if i.measure == "rate_per_1000" and "borough" in i.group_by:
        groups.append(exp.column("population", table="b"))
    q = _rank(i, _where(q, conds), value)
    q = q.group_by(*groups) if groups else q
    if i.having_op is not None and list(value.find_all(exp.Window)):
        # a threshold on a share of the total: filter the shares once they are computed
        inner = _display_order(i, q, exp.column(name)).subquery("shares")
        ops = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}
        cond = ops[i.having_op](this=exp.column(name), expression=exp.Literal.number(i.having_value))
        return exp.select(exp.Star()).from_(inner).where(cond)
    q = _having(i, q, value, qualify=bool(records))
    return _display_order(i, q, exp.column(name))


def _whole_skip(i: Intent) -> frozenset[str]:
    """Filters left out of a share's whole (they define its part)."""
    if i.measure != "share":
        return frozenset()
    return frozenset(k for k in i.share_part if not (k == "crime_types" and i.part_crime_types))


def _having(i: Intent, q: exp.Select, value: exp.Expression, qualify: bool = False) -> exp.Select:
    """The threshold on each group's measure ('boroughs with more than 1,500 robberies'); as
    QUALIFY when the statement also counts the records looked at (see records_in_answer)."""
    if i.having_op is None:
        return q
    number = exp.Literal.number(
        repr(float(i.having_value)) if not float(i.having_value).is_integer() else int(i.having_value)
    )
    ops = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}
    cond = ops[i.having_op](this=value.copy(), expression=number)
    return q.qualify(cond) if qualify else q.having(cond)


TIME_GRAINS = frozenset({"hour", "weekday", "day", "week", "month", "quarter", "year"})


def _display_order(i: Intent, q: exp.Select, value: exp.Expression) -> exp.Select:
    """Rows in reading order when no ranking fixed one: a single category largest first
    (ties by name), otherwise by the grains, weekdays Monday first.

    >>> from nlq.intent import Intent
    >>> _display_order(Intent(group_by=("weekday",)), exp.select("x"), exp.column("n")).sql("duckdb")
    'SELECT x ORDER BY ISODOW(c.occurred_at) ASC'
    >>> _display_order(Intent(group_by=("crime_type",)), exp.select("x"), exp.column("n")).sql("duckdb")
    'SELECT x ORDER BY n DESC, c.crime_type'
    """
    if i.top_n or not i.group_by:
        return q
    if len(i.group_by) == 1 and i.group_by[0] not in TIME_GRAINS:
        g = i.group_by[0]
        return q.order_by(exp.Ordered(this=value.copy(), desc=True), exp.Ordered(this=grain_expr(g)))
    order = []
    for g in i.group_by:
        key = _dow() if g == "weekday" else grain_expr(g)
        order.append(exp.Ordered(this=key, desc=False))
    return q.order_by(*order)


def _rank(i: Intent, q: exp.Select, value: exp.Expression) -> exp.Select:
    if not i.top_n or not i.group_by:
        return q
    nonnull = [exp.Not(this=exp.Is(this=grain_expr(g), expression=exp.Null())) for g in i.group_by]
    q = q.where(exp.and_(*nonnull)) if nonnull else q
    desc = i.order == "desc"
    order = [exp.Ordered(this=value.copy(), desc=desc, nulls_first=not desc)]
    # ties break by name (DESIGN.md); an LSOA's name, not its code
    order += [
        exp.Ordered(this=c("lsoa_name") if g == "lsoa" else grain_expr(g), desc=False) for g in i.group_by
    ]
    return q.order_by(*order).limit(i.top_n)


MAP_POINTS_MAX = 3_000  # up to this many records a map answer is the records themselves
MAP_TARGET_CELLS = 1_500  # above it, hexagons sized so that about this many cover the area
MAP_COLUMNS = (
    "latitude", "longitude", "crimes", "crime_type", "top_types", "lsoa_names",
    "location", "month", "occurred_at", "borough", "cell_m",
)  # fmt: skip
_M_PER_DEG_LAT = 111_195.0
_M_PER_DEG_LON = _M_PER_DEG_LAT * math.cos(math.radians(51.5))  # a local plane about London's latitude


def _points(i: Intent, facts: Facts | None = None) -> exp.Select:
    """A map answer in one statement: the records themselves when there are at most
    MAP_POINTS_MAX of them, otherwise hexagonal cells computed in the warehouse (`_cells`).

    Both branches give MAP_COLUMNS and only one returns rows: a point is a cell of one crime
    (``crimes`` 1, no ``cell_m``); a cell has its centre, its count, its top type, its top three
    types and LSOAs, and ``cell_m``, the hexagon's centre-to-corner size in metres.
    """
    conds = [cond for _, cond in conditions(i, facts=facts)]
    conds.append(exp.Not(this=exp.Is(this=c("latitude"), expression=exp.Null())))
    columns = [c(n) for n in ("latitude", "longitude", "crime_type", "month", "occurred_at", "location")]
    m = _where(_base(i, [*columns, c("borough"), c("lsoa_name")]), conds)
    records = exp.Subquery(this=exp.select(exp.column("records")).from_("ext"))
    col = exp.column
    few = (
        exp.select(
            col("latitude"),
            col("longitude"),
            exp.alias_(lit(1), "crimes"),
            col("crime_type"),
            exp.alias_(_null(exp.DataType.Type.VARCHAR), "top_types"),
            exp.alias_(col("lsoa_name"), "lsoa_names"),
            *[col(n) for n in ("location", "month", "occurred_at", "borough")],
            exp.alias_(_null(exp.DataType.Type.DOUBLE), "cell_m"),
        )
        .from_("m")
        .where(records <= lit(MAP_POINTS_MAX))
    )
    # The cells largest first; the points in the warehouse's own order, as a plain query gives them.
    cells = _cells().order_by(
        exp.Ordered(this=col("crimes"), desc=True),
        *[exp.Ordered(this=col(n)) for n in ("latitude", "longitude")],
    )
    q = exp.union(exp.select("*").from_(cells.subquery("cells")), few, distinct=False)
    q = q.with_("m", as_=m).with_("ext", as_=_extent()).with_("g", as_=_grid())
    return q.with_("t", as_=_ranked("crime_type")).with_("l", as_=_ranked("lsoa_name"))


def _null(kind) -> exp.Expression:
    return exp.cast(exp.Null(), kind)


def _p(e: exp.Expression) -> exp.Expression:
    return exp.paren(e)


def _xy() -> tuple[exp.Expression, exp.Expression]:
    """A record's position in metres on the local plane."""
    return (
        _p(exp.column("longitude") * exp.Literal.number(round(_M_PER_DEG_LON, 3))),
        _p(exp.column("latitude") * exp.Literal.number(_M_PER_DEG_LAT)),
    )


def _extent() -> exp.Select:
    """How many records, and the hexagon size (metres, a multiple of 10, at least 20) for which
    about MAP_TARGET_CELLS cells cover the middle 98% of them in each direction."""
    x, y = _xy()

    def span(v):
        hi = exp.PercentileCont(this=v, expression=exp.Literal.number(0.99))
        return _p(hi - exp.PercentileCont(this=v.copy(), expression=exp.Literal.number(0.01)))

    area = _fn("greatest", span(x) * span(y), lit(1))
    hexagon = exp.Literal.number(round(1.5 * math.sqrt(3), 4))  # area of a hexagon of size 1
    size = _fn("sqrt", area / _p(hexagon * lit(MAP_TARGET_CELLS)))
    size = _fn("greatest", exp.Round(this=size / lit(10)) * lit(10), lit(20))
    return exp.select(exp.alias_(_count(), "records"), exp.alias_(size, "size")).from_("m")


def _grid() -> exp.Select:
    """Each record's hexagon (pointy-top, size s): the centres are two rectangular lattices,
    steps sqrt(3)·s across and 3·s down, one offset by half a step each way; a record belongs
    to the nearer of its two candidate centres. Only when there are more than MAP_POINTS_MAX."""
    x, y = _xy()
    size = exp.column("size", table="ext")
    w = _p(_fn("sqrt", lit(3)) * size)
    h = _p(lit(3) * size.copy())
    gx, gy = _p(x / w), _p(y / h)

    def sq(v):
        return exp.Pow(this=_p(v), expression=lit(2))

    near_a = sq(_p(gx - exp.Round(this=gx.copy())) * w.copy()) + sq(
        _p(gy - exp.Round(this=gy.copy())) * h.copy()
    )
    off_x = _p(gx.copy() - exp.Floor(this=gx.copy()) - exp.Literal.number(0.5))
    off_y = _p(gy.copy() - exp.Floor(this=gy.copy()) - exp.Literal.number(0.5))
    near_b = sq(off_x * w.copy()) + sq(off_y * h.copy())
    a_wins = _p(near_a) <= _p(near_b)

    def pick(g):
        return exp.Case(
            ifs=[exp.If(this=a_wins.copy(), true=exp.Round(this=g.copy()))],
            default=exp.Floor(this=g.copy()) + exp.Literal.number(0.5),
        )

    return (
        exp.select("m.*", size.copy(), exp.alias_(pick(gx), "hx"), exp.alias_(pick(gy), "hy"))
        .from_("m")
        .join("ext", join_type="cross")
        .where(exp.column("records", table="ext") > lit(MAP_POINTS_MAX))
    )


def _ranked(name: str) -> exp.Select:
    """Records per cell and *name*, ranked within the cell by count, ties by name."""
    rank = exp.Window(
        this=exp.RowNumber(),
        partition_by=[exp.column("hx"), exp.column("hy")],
        order=exp.Order(
            expressions=[exp.Ordered(this=_count(), desc=True), exp.Ordered(this=exp.column(name))]
        ),
    )
    return (
        exp.select("hx", "hy", "size", name, exp.alias_(_count(), "n"), exp.alias_(rank, "rk"))
        .from_("g")
        .group_by("hx", "hy", "size", name)
    )


def _listed(text: exp.Expression, sep: str, table: str) -> exp.Expression:
    """The top three of a cell, in rank order, joined by *sep*."""
    rk = exp.column("rk", table=table)
    agg = exp.GroupConcat(this=exp.Order(this=text, expressions=[exp.Ordered(this=rk)]), separator=lit(sep))
    return exp.Filter(this=agg, expression=exp.Where(this=rk.copy() <= lit(3)))


def _cells() -> exp.Select:
    """The cells of ``g``: centre, count, top type, top three types with their counts, top three
    LSOA names and how many more LSOAs the cell covers."""
    T = exp.DataType.Type
    t = lambda n: exp.column(n, table="t")  # noqa: E731
    label = exp.DPipe(
        this=t("crime_type"), expression=exp.DPipe(this=lit(" "), expression=exp.cast(t("n"), T.VARCHAR))
    )
    types = (
        exp.select(
            "hx",
            "hy",
            exp.alias_(exp.Max(this=t("size")), "size"),
            exp.alias_(exp.cast(exp.Sum(this=t("n")), exp.DataType.Type.BIGINT), "crimes"),
            exp.alias_(
                exp.Filter(this=exp.Max(this=t("crime_type")), expression=exp.Where(this=t("rk").eq(lit(1)))),
                "crime_type",
            ),
            exp.alias_(_listed(label, " · ", "t"), "top_types"),
        )
        .from_(exp.to_table("t"))
        .group_by("hx", "hy")
    )
    more = exp.DPipe(
        this=lit(" and "),
        expression=exp.DPipe(this=exp.cast(_p(_count() - lit(3)), T.VARCHAR), expression=lit(" more")),
    )
    extra = exp.Case(ifs=[exp.If(this=_count() > lit(3), true=more)], default=lit(""))
    names = (
        exp.select(
            "hx",
            "hy",
            exp.alias_(
                exp.DPipe(this=_listed(exp.column("lsoa_name", table="l"), ", ", "l"), expression=extra),
                "lsoa_names",
            ),
        )
        .from_(exp.to_table("l"))
        .group_by("hx", "hy")
    )
    a, b = (lambda n: exp.column(n, table="a")), (lambda n: exp.column(n, table="b"))
    lat = a("hy") * _p(lit(3) * a("size")) / exp.Literal.number(_M_PER_DEG_LAT)
    lon = a("hx") * _p(_fn("sqrt", lit(3)) * a("size")) / exp.Literal.number(round(_M_PER_DEG_LON, 3))
    return (
        exp.select(
            exp.alias_(lat, "latitude"),
            exp.alias_(lon, "longitude"),
            a("crimes"),
            a("crime_type"),
            a("top_types"),
            b("lsoa_names"),
            exp.alias_(_null(T.VARCHAR), "location"),
            exp.alias_(_null(T.DATE), "month"),
            exp.alias_(_null(T.TIMESTAMP), "occurred_at"),
            exp.alias_(_null(T.VARCHAR), "borough"),
            exp.alias_(exp.cast(a("size"), T.DOUBLE), "cell_m"),
        )
        .from_(types.subquery("a"))
        .join(names.subquery("b"), on=exp.and_(a("hx").eq(b("hx")), a("hy").eq(b("hy"))))
    )


def _change(i: Intent, facts: Facts | None = None, records: bool = True) -> exp.Select:
    conds = [cond for _, cond in conditions(i, frozenset({"time"}), facts)]
    cur = exp.Filter(this=_count(), expression=exp.Where(this=period_condition(i, i.time, facts)))
    prev = exp.Filter(this=_count(), expression=exp.Where(this=period_condition(i, i.baseline, facts)))
    pct = exp.Div(
        this=exp.Mul(
            this=exp.Literal.number("100.0"),
            expression=exp.paren(exp.Sub(this=cur.copy(), expression=prev.copy())),
        ),
        # no percent change from nothing: NULL on every engine (DuckDB would say inf, Spark NULL)
        expression=exp.Nullif(this=prev.copy(), expression=exp.Literal.number(0)),
    )
    sel = [
        *_grain_selects(i),
        exp.alias_(cur, "current"),
        exp.alias_(prev, "previous"),
        exp.alias_(pct, "pct_change"),
    ]
    records = records and records_in_answer(i)
    if records:  # records of either period
        either = exp.or_(period_condition(i, i.time, facts), period_condition(i, i.baseline, facts))
        sel.append(
            exp.alias_(_records(exp.Filter(this=_count(), expression=exp.Where(this=either))), RECORDS_COLUMN)
        )
    q = _rank(i, _where(_base(i, sel), conds), pct)
    groups = _grain_groups(i)
    if "bcu" in i.group_by and not i.top_n:  # a ranking already drops NULL groups
        q = q.where(exp.Not(this=exp.Is(this=exp.column("bcu", table="b"), expression=exp.Null())))
    q = q.group_by(*groups) if groups else q
    threshold = q.qualify if records else q.having
    if i.direction == "up":
        q = threshold(exp.GT(this=cur.copy(), expression=prev.copy()))
    elif i.direction == "down":
        q = threshold(exp.LT(this=cur.copy(), expression=prev.copy()))
    q = _having(i, q, pct, qualify=records)
    return _display_order(i, q, exp.column("pct_change"))


PREVIOUS_COLUMN = "previous_period"
RECORDS_COLUMN = "records_looked_at"


def records_in_answer(i: Intent) -> bool:
    """Whether the answer's statement also counts the records it looked at, as RECORDS_COLUMN
    (a window total over its groups, before any ranking cuts them): rates, shares and changes,
    and rankings of counts and thresholds on their groups (the threshold then in QUALIFY, which
    comes after the window; `portable` turns it back into HAVING for engines without QUALIFY, and
    drops the total). Not by venue (a record near two venues is in two groups); a single count or
    every group of counts already add up to the records."""
    if "venue" in i.group_by or (i.chart == "map" and not i.group_by) or i.count_groups:
        return False
    if i.measure.startswith("average_per_"):
        return True
    if i.having_op is not None or i.direction is not None:
        if i.measure in ("count", "rate_per_1000", "share"):  # "boroughs above 9 robberies per 1,000"
            return bool(i.group_by) and i.baseline is None
        return i.measure == "change" and bool(i.group_by) and i.baseline is not None and i.time is not None
    if i.measure == "change":
        return i.baseline is not None and i.time is not None
    if i.measure == "count":
        return bool(i.top_n and i.group_by) and i.baseline is None
    return i.measure in ("rate_per_1000", "share")


def _records(count: exp.Expression) -> exp.Expression:
    return exp.Window(this=exp.Sum(this=count))


def previous_window(i: Intent) -> TimeWindow | None:
    """The period just before a single count's or share's window, answered in the same statement."""
    if i.group_by or i.chart == "map" or i.top_n or i.baseline or i.time is None or i.having_op is not None:
        return None
    share = i.measure == "share" and i.share_part and "time" not in i.share_part
    average = i.measure.startswith("average_per_")
    return i.time.previous() if i.measure == "count" or share or average else None


def _count_with_previous(i: Intent, facts: Facts | None = None) -> exp.Select:
    """A single count and, beside it, the same count for the period before (one statement):
    SELECT COUNT(*) FILTER (WHERE now) AS crimes, COUNT(*) FILTER (WHERE before) AS previous_period."""
    now = period_condition(i, i.time, facts)
    before = period_condition(i, previous_window(i), facts)
    conds = [cond for _, cond in conditions(i, frozenset({"time"}), facts)]
    conds.append(exp.paren(exp.or_(now.copy(), before.copy())))
    sel = [
        exp.alias_(exp.Filter(this=_count(), expression=exp.Where(this=now)), "crimes"),
        exp.alias_(exp.Filter(this=_count(), expression=exp.Where(this=before)), PREVIOUS_COLUMN),
    ]
    return _where(_base(i, sel), conds)


def _share_with_previous(i: Intent, facts: Facts | None = None) -> exp.Select:
    """A single share, the records it looked at and the share for the period before, in one
    statement: each a share of counts filtered on its own period."""
    now = period_condition(i, i.time, facts)
    before = period_condition(i, previous_window(i), facts)
    part = _share_part(i, facts)

    def share(period: exp.Expression) -> exp.Expression:
        num = exp.Filter(this=_count(), expression=exp.Where(this=exp.and_(part.copy(), period.copy())))
        whole = exp.Filter(this=_count(), expression=exp.Where(this=period.copy()))
        return exp.Div(this=exp.Mul(this=exp.Literal.number("100.0"), expression=num), expression=whole)

    conds = [cond for _, cond in conditions(i, _whole_skip(i) | {"time"}, facts)]
    conds.append(exp.paren(exp.or_(now.copy(), before.copy())))
    sel = [
        exp.alias_(share(now), "share_pct"),
        exp.alias_(exp.Filter(this=_count(), expression=exp.Where(this=now.copy())), RECORDS_COLUMN),
        exp.alias_(share(before), PREVIOUS_COLUMN),
    ]
    return _where(_base(i, sel), conds)


def _two_periods(i: Intent, facts: Facts | None = None) -> exp.Select:
    """Two periods side by side, one row each (long form): 'spring 2025 vs spring 2024'."""

    def label(w: TimeWindow) -> str:
        return (facts.resolve(w) if facts is not None else w).label()

    now, before = period_condition(i, i.time, facts), period_condition(i, i.baseline, facts)
    period = exp.Case(ifs=[exp.If(this=now.copy(), true=lit(label(i.time)))], default=lit(label(i.baseline)))
    conds = [cond for _, cond in conditions(i, frozenset({"time"}), facts)]
    conds.append(exp.paren(exp.or_(now.copy(), before.copy())))
    sel = [exp.alias_(period, "period"), *_grain_selects(i), exp.alias_(_count(), "crimes")]
    q = _where(_base(i, sel), conds).group_by(period.copy(), *_grain_groups(i))
    q = _having(i, q, _count())
    first = exp.Min(this=c("month"))
    return q.order_by(exp.Ordered(this=first), *[exp.Ordered(this=g) for g in _grain_groups(i)])


def _average(i: Intent, facts: Facts | None = None, records: bool = True) -> exp.Select:
    """Mean count per month/week/day/year over the window: the count divided by the number of such
    periods the data holds in the window, so a period with no matching records counts as 0. With
    the records looked at and, for a single average, the previous period's average beside it."""
    unit = i.measure.removeprefix("average_per_")
    before = previous_window(i)
    conds = [cond for _, cond in conditions(i, frozenset({"time"}) if before else frozenset(), facts)]
    if unit in ("week", "day") and not needs_occurred_at(i):
        conds.append(exp.Not(this=exp.Is(this=c("occurred_at"), expression=exp.Null())))

    def periods(window: TimeWindow | None) -> exp.Expression:
        counted = exp.select(exp.Count(this=exp.Distinct(expressions=[grain_expr(unit)]))).from_(
            exp.to_table("crimes").as_("c")
        )
        period_conds = [period_condition(i, window, facts)] if window else []
        if unit in ("week", "day"):
            period_conds.append(exp.Not(this=exp.Is(this=c("occurred_at"), expression=exp.Null())))
        return exp.Subquery(this=_where(counted, period_conds))

    def mean(count: exp.Expression, window: TimeWindow | None) -> exp.Expression:
        # NULLIF: a previous period before the data holds no periods: no average, not a division error
        whole = exp.Nullif(this=periods(window), expression=exp.Literal.number(0))
        return exp.Div(this=exp.Mul(this=count, expression=exp.Literal.number("1.0")), expression=whole)

    if before is not None:  # one row: this period's average, the previous one's and the records
        now, then = period_condition(i, i.time, facts), period_condition(i, before, facts)
        conds.append(exp.paren(exp.or_(now.copy(), then.copy())))
        in_now = exp.Filter(this=_count(), expression=exp.Where(this=now))
        sel = [
            exp.alias_(mean(in_now, i.time), "average"),
            exp.alias_(
                mean(exp.Filter(this=_count(), expression=exp.Where(this=then)), before), PREVIOUS_COLUMN
            ),
        ]
        if records:
            sel.append(exp.alias_(in_now.copy(), RECORDS_COLUMN))
        return _where(_base(i, sel), conds)
    avg = mean(_count(), i.time)
    records = records and records_in_answer(i)
    extra = [exp.alias_(_records(_count()), RECORDS_COLUMN)] if records else []
    q = _where(_base(i, [*_grain_selects(i), exp.alias_(avg, "average"), *extra]), conds)
    groups = _grain_groups(i)
    q = q.group_by(*groups) if groups else q
    if i.top_n and groups:
        q = _rank(i, q, avg)
    q = _having(i, q, avg, qualify=records)
    return _display_order(i, q, exp.column("average")) if not i.top_n else q


def count_sql(i: Intent, facts: Facts | None = None, dialect: str = "duckdb") -> str:
    """Rows matching the question's filters (for Reply.rows_scanned)."""
    return render(count_tree(i, facts), dialect)


def count_tree(i: Intent, facts: Facts | None = None) -> exp.Select:
    """The tree of `count_sql`."""
    two = i.measure == "change" or (i.measure == "count" and i.baseline is not None and i.time is not None)
    skip = {"time"} if two else set()
    if i.measure == "share":
        skip |= _whole_skip(i)
    conds = [cond for _, cond in conditions(i, frozenset(skip), facts)]
    if two:
        conds.append(
            exp.paren(exp.or_(period_condition(i, i.time, facts), period_condition(i, i.baseline, facts)))
        )
    return _where(_base(i, [exp.alias_(_count(), "n")]), conds)


def to_sql(i: Intent, dialect: str = "duckdb", pretty: bool = False, facts: Facts | None = None) -> str:
    return render(build(i, facts), dialect, pretty=pretty)


# ---- dialects ---------------------------------------------------------------------------------

DIALECTS = ("duckdb", "spark", "postgres")
EARTH_RADIUS_M = 6_371_000  # the contract's haversine_m macro


def haversine(lat1, lon1, lat2, lon2) -> exp.Expression:
    """The contract's haversine_m macro written out (metres), for engines without the macro:
    2 * R * asin(sqrt(sin(rad(dlat) / 2)^2 + cos(rad(lat1)) * cos(rad(lat2)) * sin(rad(dlon) / 2)^2))."""

    def f(name, *args):
        return exp.func(name, *args)

    def half_sin_sq(a, b):
        angle = exp.Div(this=f("radians", exp.paren(exp.Sub(this=b, expression=a))), expression=lit(2))
        return exp.Pow(this=f("sin", angle), expression=lit(2))

    inner = exp.Add(
        this=half_sin_sq(lat1, lat2.copy()),
        expression=exp.Mul(
            this=exp.Mul(
                this=f("cos", f("radians", lat1.copy())), expression=f("cos", f("radians", lat2.copy()))
            ),
            expression=half_sin_sq(lon1, lon2.copy()),
        ),
    )
    return exp.paren(
        exp.Mul(
            this=exp.Mul(this=lit(2), expression=lit(EARTH_RADIUS_M)),
            expression=f("asin", f("sqrt", inner)),
        )
    )


def portable(tree: exp.Expression, dialect: str) -> exp.Expression:
    """A copy of *tree* (built with DuckDB's meaning) that means the same in *dialect*:

    - ISO weekday as EXTRACT(DAYOFWEEK_ISO ...) on Spark and EXTRACT(ISODOW ...) on PostgreSQL;
    - the haversine_m macro (DuckDB's warehouse has it) written out as arithmetic;
    - DuckDB's NULLS LAST ordering made explicit;
    - decimal literals as DOUBLE on Spark (its 1000.0 is a DECIMAL, and decimal division rounds);
    - EXTRACT as an integer on PostgreSQL (it returns numeric there);
    - a QUALIFY threshold as HAVING (neither has QUALIFY);
    - DuckDB's QUANTILE_CONT(x, q) as Spark's exact PERCENTILE(x, q) and PostgreSQL's
      PERCENTILE_CONT(q) WITHIN GROUP (ORDER BY x) (sqlglot writes Spark's as an approximation).
    """
    if dialect == "duckdb":
        return tree
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; one of {', '.join(DIALECTS)}")

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.PercentileCont) and node.expression is not None:
            x, q = node.this.copy(), node.expression.copy()
            if dialect == "spark":
                return exp.Anonymous(
                    this="percentile", expressions=[x, exp.cast(q, exp.DataType.Type.DOUBLE)]
                )
            return exp.WithinGroup(
                this=exp.PercentileCont(this=q), expression=exp.Order(expressions=[exp.Ordered(this=x)])
            )
        if isinstance(node, exp.DayOfWeekIso):
            field_name = "DAYOFWEEK_ISO" if dialect == "spark" else "ISODOW"
            node = exp.Extract(this=exp.var(field_name), expression=node.this)
            return exp.cast(node, exp.DataType.Type.INT) if dialect == "postgres" else node
        if isinstance(node, exp.Extract) and dialect == "postgres" and not isinstance(node.parent, exp.Cast):
            return exp.cast(node, exp.DataType.Type.INT)
        if (
            isinstance(node, exp.Anonymous)
            and node.name.lower() == "haversine_m"
            and len(node.expressions) == 4
        ):
            return haversine(*(a.copy() for a in node.expressions))
        if isinstance(node, exp.Ordered) and node.args.get("nulls_first") is None:
            node.set("nulls_first", False)
            return node
        if (
            dialect == "spark"
            and isinstance(node, exp.Literal)
            and node.is_number
            and not node.is_int
            and not isinstance(node.parent, exp.Cast)
        ):
            return exp.cast(node.copy(), exp.DataType.Type.DOUBLE)
        return node

    tree = tree.copy().transform(fix, copy=False)
    if isinstance(tree, exp.Select):
        tree = _having_again(tree)
    if dialect == "spark" and isinstance(tree, exp.Select):
        tree = _spark_order(tree)
    return tree


def _having_again(select: exp.Select) -> exp.Select:
    """A threshold written as QUALIFY (beside the records-looked-at total, see records_in_answer)
    as HAVING, without the total: the engine then counts the records in a statement of its own."""
    qualify = select.args.get("qualify")
    if qualify is None:
        return select
    select.set("qualify", None)
    having = select.args.get("having")
    cond = qualify.this if having is None else exp.and_(having.this, qualify.this)
    select.set("having", exp.Having(this=cond))
    select.set("expressions", [e for e in select.expressions if e.alias_or_name != RECORDS_COLUMN])
    return select


def _spark_order(select: exp.Select) -> exp.Select:
    """Spark resolves ORDER BY against the output only once a window function or a correlated
    subquery is involved: order by the output column an order key equals, and when a key is not an
    output column beside a window function, compute it in a subquery and order outside."""
    order = select.args.get("order")
    if order is None:
        return select
    outputs = {p.this.sql("spark"): p.alias for p in select.expressions if isinstance(p, exp.Alias)}
    names = [p.alias_or_name for p in select.expressions]
    for o in order.expressions:
        if (alias := outputs.get(o.this.sql("spark"))) is not None:
            o.set("this", exp.column(alias))
    loose = [
        o
        for o in order.expressions
        if not (isinstance(o.this, exp.Column) and not o.this.table and o.this.name in names)
    ]
    if not loose or select.find(exp.Window) is None or len(set(names)) != len(names):
        return select
    inner = select.copy()
    inner.set("order", None)
    inner.set("limit", None)
    order = order.copy()
    for k, o in enumerate(
        o for o in order.expressions if o.this.sql("spark") in {x.this.sql("spark") for x in loose}
    ):
        inner.select(exp.alias_(o.this.copy(), f"_order_{k}"), copy=False)
        o.set("this", exp.column(f"_order_{k}"))
    outer = exp.select(*[exp.column(n) for n in names]).from_(
        exp.Subquery(this=inner, alias=exp.to_identifier("ordered"))
    )
    outer.set("order", order)
    if select.args.get("limit") is not None:
        outer.set("limit", select.args["limit"].copy())
    return outer


def render(tree: exp.Expression, dialect: str = "duckdb", pretty: bool = False) -> str:
    """SQL text of *tree* for *dialect* (see `portable`).

    >>> from nlq.intent import Intent
    >>> render(build(Intent(group_by=("weekday",))), "spark")  # doctest: +ELLIPSIS
    "SELECT CASE EXTRACT(DAYOFWEEK_ISO FROM c.occurred_at) WHEN 1 THEN 'Monday' ... ORDER BY EXTRACT(DAYOFWEEK_ISO FROM c.occurred_at) ASC NULLS LAST"
    """
    return portable(tree, dialect).sql(dialect=dialect, pretty=pretty)


def transpile(sql: str, dialect: str, pretty: bool = False) -> str:
    """DuckDB SQL text (the planner's templates, the vocabulary's queries) for *dialect*."""
    if dialect == "duckdb":
        return sql
    import sqlglot

    return render(sqlglot.parse_one(sql, read="duckdb"), dialect, pretty=pretty)


def fragment(i: Intent, key: str) -> str:
    """The SQL one chip contributes (a condition, a grouping or an ordering)."""
    if key == "group_by":
        return ", ".join(e.sql("duckdb") for e in _grain_groups(i))
    if key == "measure":
        return (
            _value(i)[0].sql("duckdb")
            if i.measure not in ("change",) and not i.measure.startswith("average")
            else i.measure
        )
    if key == "top_n":
        return f"ORDER BY {i.measure} {'DESC' if i.order == 'desc' else 'ASC'} LIMIT {i.top_n}"
    if key == "baseline" and i.baseline:
        return time_condition(i.baseline).sql("duckdb")
    if key == "chart":
        return ""
    unlocated = frozenset({"near_me"}) if i.latitude is None else frozenset()  # no SQL without a point
    conds = dict(conditions(i, skip=unlocated))
    return conds[key].sql("duckdb") if key in conds else ""
