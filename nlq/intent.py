"""The Intent: what a question asks for, independent of wording and of SQL.

It renders itself as plain English, part by part (chips), and round-trips through
JSON for share links and saved board tiles.

>>> i = Intent(crime_types=("Robbery",), boroughs=("Westminster",), group_by=("hour",))
>>> i.describe()
'Robbery · Westminster · by hour'
>>> Intent.from_dict(i.to_dict()) == i
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field, replace

from nlq import event_window, near_me
from nlq.timeexpr import TimeWindow

MEASURES = (
    "count",
    "rate_per_1000",
    "share",
    "change",
    "average_per_month",
    "average_per_week",
    "average_per_day",
    "average_per_year",
)
GRAINS = (
    "hour",
    "weekday",
    "day",
    "week",
    "month",
    "quarter",
    "year",
    "borough",
    "bcu",
    "crime_type",
    "outcome",
    "location",
    "lsoa",
    "venue",
    "day_type",
)
TIME_GRAINS = ("hour", "weekday", "day", "week", "month", "quarter", "year")
TIMES_OF_DAY = {
    "morning": (6, 11),
    "afternoon": (12, 17),
    "evening": (18, 21),
    "night": (22, 5),
    "lunchtime": (12, 13),
}
# Named times of day made of several hour ranges (first and last hour of each, inclusive).
# Rush hour: the morning and evening peaks, 07:00-09:59 and 16:00-18:59.
HOUR_SETS = {"rush hour": ((7, 9), (16, 18))}
DAY_TYPES = ("weekend", "weekday")
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
CHARTS = ("number", "line", "bar", "map", "table")
FILTER_KEYS = (
    "crime_types",
    "outcomes",
    "boroughs",
    "bcus",
    "venues",
    "near_me",
    "streets",
    "lsoas",
    "time_of_day",
    "day_type",
    "weekdays",
    "event",
)
COMPARATORS = {">": "more than", ">=": "at least", "<": "fewer than", "<=": "at most"}
DIRECTIONS = ("up", "down")
GRAIN_LABELS = {
    "weekday": "day of week",
    "crime_type": "crime type",
    "bcu": "BCU",
    "lsoa": "LSOA",
    "location": "street",
    "day_type": "weekday / weekend",
}


@dataclass(frozen=True)
class Chip:
    key: str  # the Intent part, usable with Intent.without(key)
    label: str  # plain English
    sql: str  # the SQL condition or expression it contributes


@dataclass(frozen=True)
class Intent:
    measure: str = "count"
    crime_types: tuple[str, ...] = ()  # include list; empty = all crime
    excluded_types: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    boroughs: tuple[str, ...] = ()
    bcus: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()  # crimes.location values, e.g. 'On or near Camden High Street'
    lsoas: tuple[str, ...] = ()  # crimes.lsoa_name values, e.g. 'Westminster 018A'
    radius_m: int = 500
    near_me: bool = False  # within radius_m of the asker's own location (nlq.near_me)
    latitude: float | None = None  # that location, given at ask time, never part of the question
    longitude: float | None = None
    event: str | None = None  # event name pattern from the vocabulary, e.g. 'Taylor Swift'
    event_category: str | None = None  # e.g. 'football'
    event_year: int | None = None
    event_venue: str | None = None  # events held at this venue (category questions)
    event_side: str | None = None  # time just 'before', 'after' or 'around' the events (nlq.event_window)
    event_minutes: int | None = None  # how long that time is
    time: TimeWindow | None = None
    baseline: TimeWindow | None = None  # the earlier period of a change question
    time_of_day: str | None = None
    day_type: str | None = None  # 'weekend' | 'weekday'
    weekdays: tuple[str, ...] = ()  # e.g. ('Friday',)
    group_by: tuple[str, ...] = ()
    top_n: int | None = None
    order: str = "desc"  # ranking direction: 'desc' (most) | 'asc' (least)
    share_part: tuple[str, ...] = ()  # filter keys that define the part of a share; the rest is the whole
    part_crime_types: tuple[str, ...] = ()  # the part's crime types when the whole is crime types too
    having_op: str | None = None  # a threshold on each group's measure: '>', '>=', '<', '<='
    having_value: float | None = None
    direction: str | None = None  # change questions: keep groups that went 'up' or 'down'
    count_groups: bool = False  # "how many boroughs had more than 1,500": the number of groups kept
    compare: bool = False
    chart: str | None = None  # hint; nlq.chart decides when None
    insight: str | None = None  # 'what_changed': answered from insights, not by one query (nlq.what_changed)
    notes: tuple[str, ...] = field(default=(), compare=False)

    # ---- plain English ------------------------------------------------------------------------
    def chips(self, anchor: dt.date | None = None) -> list[Chip]:
        """Every part of the intent as (key, label, SQL), in reading order."""
        from nlq.sql import fragment  # sql depends on intent, not the other way round

        if self.insight:
            from nlq.what_changed import chips

            return chips(self, anchor)
        parts: list[tuple[str, str]] = []
        if self.measure != "count":
            parts.append(("measure", _measure_label(self)))
        parts.append(("crime_types", " + ".join(self.crime_types) if self.crime_types else "All crime"))
        if self.excluded_types:
            parts.append(("excluded_types", "excluding " + ", ".join(self.excluded_types)))
        if self.outcomes:
            parts.append(("outcomes", "outcome: " + " or ".join(self.outcomes)))
        if self.boroughs:
            parts.append(("boroughs", _join(self.boroughs)))
        if self.bcus:
            parts.append(("bcus", _join(b + " BCU" for b in self.bcus)))
        if self.venues:
            names = _join(self.venues) if len(self.venues) <= 5 else f"{len(self.venues)} venues"
            parts.append(("venues", f"within {_distance(self.radius_m)} of {names}"))
        if self.near_me:
            parts.append(("near_me", near_me.chip_label(self)))
        if self.streets:
            parts.append(("streets", _join(self.streets)))
        if self.lsoas:
            parts.append(("lsoas", "LSOA " + _join(self.lsoas)))
        if self.event or self.event_category:
            named = self.event or f"{self.event_category} events"
            label = (
                f"{event_window.label(self.event_side, self.event_minutes)} {named}"
                if self.event_side
                else "during " + named
            )
            if self.event_venue:
                label += f" at {self.event_venue}"
            if self.event_year:
                label += f" {self.event_year}"
            parts.append(("event", label))
        if self.time_of_day:
            named = self.time_of_day in TIMES_OF_DAY or self.time_of_day in HOUR_SETS
            name = self.time_of_day + " " if named else ""
            spans = ", ".join(f"{lo:02d}:00–{hi:02d}:59" for lo, hi in hour_spans(self.time_of_day))
            parts.append(("time_of_day", f"{name}({spans})"))
        if self.day_type:
            parts.append(("day_type", "weekends" if self.day_type == "weekend" else "weekdays"))
        if self.weekdays:
            parts.append(("weekdays", _join(d + "s" for d in self.weekdays)))
        if self.group_by and self.count_groups:
            parts.append(("group_by", "number of " + " and ".join(_plural(g) for g in self.group_by)))
        elif self.group_by:
            parts.append(("group_by", " and ".join("by " + GRAIN_LABELS.get(g, g) for g in self.group_by)))
        if self.direction:
            parts.append(("direction", "that went up" if self.direction == "up" else "that went down"))
        if self.having_op:
            parts.append(("having", _having_label(self)))
        if self.top_n:
            word = "top" if self.order == "desc" else "bottom"
            parts.append(("top_n", f"{word} {self.top_n}"))
        if self.time:
            parts.append(("time", _time_label(self.time, anchor)))
        if self.baseline:
            parts.append(("baseline", "vs " + _time_label(self.baseline, anchor)))
        if self.chart:
            parts.append(("chart", f"as a {self.chart}"))
        if self.measure == "share" and (self.share_part or self.part_crime_types):
            # say which filters make the part: "share (%) that is evening (18:00–21:59)"
            labels = dict(parts)
            part = [labels[k] for k in self.share_part if k in labels and k != "crime_types"]
            if self.part_crime_types:
                part.insert(0, " + ".join(self.part_crime_types))
            elif "crime_types" in self.share_part:
                part.insert(0, labels["crime_types"])
            parts[0] = ("measure", "share (%) that is " + " and ".join(part))
            # the other chips describe the whole
            whole_types = "crime_types" not in self.share_part or self.part_crime_types
            parts = [
                (k, label if k != "crime_types" or whole_types else "All crime")
                for k, label in parts
                if k == "crime_types" or k not in self.share_part
            ]
        return [Chip(key, label, fragment(self, key)) for key, label in parts]

    def describe(self, anchor: dt.date | None = None) -> str:
        """One line: 'Robbery · Westminster · by hour · Dec 2025'."""
        return " · ".join(c.label for c in self.chips(anchor))

    # ---- editing ------------------------------------------------------------------------------
    def without(self, key: str) -> Intent:
        """The intent with one part removed (key as in chips())."""
        if key == "event":
            return replace(
                self,
                event=None,
                event_category=None,
                event_year=None,
                event_venue=None,
                event_side=None,
                event_minutes=None,
            )
        if key == "top_n":
            return replace(self, top_n=None, order="desc")
        if key == "measure":
            return replace(
                self, measure="count", share_part=(), part_crime_types=(), baseline=None, direction=None
            )
        if key == "having":
            return replace(self, having_op=None, having_value=None, count_groups=False)
        if key == "group_by":
            return replace(self, group_by=(), count_groups=False)
        if key == "venues":
            return replace(self, venues=(), radius_m=500)
        if key == "near_me":
            return replace(self, near_me=False, latitude=None, longitude=None, radius_m=500)
        if key == "time":
            return replace(self, time=None, baseline=None)
        names = {f.name for f in dataclasses.fields(self)}
        if key not in names or key == "notes":
            raise KeyError(key)
        default = Intent.__dataclass_fields__[key].default
        return replace(self, **{key: default})

    def retarget(self, venue=None, borough=None, start=None, end=None, event=None) -> Intent:
        """The same question about another place, period or event (board duplication)."""
        out = self
        if venue is not None:
            out = replace(out, venues=(venue,), boroughs=(), bcus=(), streets=(), lsoas=()).without("near_me")
        if borough is not None:
            out = replace(out, boroughs=(borough,), bcus=(), venues=(), streets=(), lsoas=()).without(
                "near_me"
            )
        if start is not None or end is not None:
            out = out.with_period(start, end)
        if event is not None:
            out = replace(out, event=event, event_category=None, event_year=None)
        return out

    def with_area(self, borough: str | None = None, bcu: str | None = None) -> Intent:
        """Restrict to a borough or BCU; unchanged when the question is about a venue."""
        if self.venues or self.near_me or (borough is None and bcu is None):
            return self
        if borough is not None:
            return replace(self, boroughs=(borough,), bcus=())
        return replace(self, bcus=(bcu,), boroughs=())

    def with_period(self, start: dt.date | None, end: dt.date | None) -> Intent:
        """Restrict to a period (dates); months when both ends fall on month boundaries."""
        if start is None and end is None:
            return self
        if self.event:
            return self
        start = _as_date(start)
        end = _as_date(end)
        if start is None:
            start = dt.date(2000, 1, 1)
        if start.day == 1 and (end is None or end.day == 1 or (end + dt.timedelta(1)).day == 1):
            window = TimeWindow("months", start, end.replace(day=1) if end else None)
        else:
            window = TimeWindow("days", start, end)
        baseline = window.previous() if self.measure == "change" else self.baseline
        if self.measure == "change" and baseline is None:
            return self
        return replace(self, time=window, baseline=baseline)

    def with_chart(self, chart: str) -> Intent:
        if chart not in CHARTS:
            raise ValueError(f"unknown chart {chart!r}")
        return replace(self, chart=chart)

    # ---- JSON -------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        d = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, TimeWindow):
                v = v.to_dict()
            elif isinstance(v, tuple):
                v = list(v)
            d[f.name] = v
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Intent:
        """Rebuild and validate; raises ValueError on anything unexpected."""
        if not isinstance(d, dict):
            raise ValueError("intent must be an object")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = set(d) - set(fields)
        if unknown:
            raise ValueError(f"unknown intent fields: {sorted(unknown)}")
        kw = {}
        for name, value in d.items():
            default = fields[name].default
            if name in ("time", "baseline"):
                kw[name] = None if value is None else TimeWindow.from_dict(value)
            elif isinstance(default, tuple):
                if not isinstance(value, (list, tuple)) or not all(isinstance(x, str) for x in value):
                    raise ValueError(f"{name} must be a list of strings")
                if len(value) > 50 or any(len(x) > 200 for x in value):
                    raise ValueError(f"{name} is too long")
                kw[name] = tuple(value)
            elif name in ("latitude", "longitude"):
                if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                    raise ValueError(f"{name} must be a number")
                kw[name] = None if value is None else float(value)
            elif name == "having_value":
                if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                    raise ValueError("having_value must be a number")
                kw[name] = None if value is None else float(value)
            elif name in ("radius_m", "top_n", "event_year", "event_minutes"):
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise ValueError(f"{name} must be an integer")
                kw[name] = value
            elif name in ("compare", "near_me", "count_groups"):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be true or false")
                kw[name] = value
            else:
                if value is not None and not isinstance(value, str):
                    raise ValueError(f"{name} must be a string")
                if value is not None and len(value) > 200:
                    raise ValueError(f"{name} is too long")
                kw[name] = value
        intent = cls(**kw)
        intent.check()
        return intent

    def check(self) -> None:
        """Raise ValueError unless every enumerated part has an allowed value."""
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}")
        bad = [g for g in self.group_by if g not in GRAINS]
        if bad or len(self.group_by) > 3:
            raise ValueError(f"bad group_by {self.group_by!r}")
        if self.time_of_day is not None:
            hour_spans(self.time_of_day)
        if self.day_type is not None and self.day_type not in DAY_TYPES:
            raise ValueError(f"unknown day type {self.day_type!r}")
        if any(d not in WEEKDAYS for d in self.weekdays):
            raise ValueError(f"unknown weekday in {self.weekdays!r}")
        if self.chart is not None and self.chart not in CHARTS:
            raise ValueError(f"unknown chart {self.chart!r}")
        if self.insight not in (None, "what_changed"):
            raise ValueError(f"unknown insight {self.insight!r}")
        if self.order not in ("asc", "desc"):
            raise ValueError("order must be 'asc' or 'desc'")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("a location needs both a latitude and a longitude")
        if self.latitude is not None:
            if not self.near_me:
                raise ValueError("a location is only for near-me questions")
            near_me.check_point(self.latitude, self.longitude)
        if self.near_me and self.venues:
            raise ValueError("a question is near the asker or near a venue, not both")
        if not 1 <= self.radius_m <= 50_000:
            raise ValueError("radius_m must be between 1 and 50000")
        if self.top_n is not None and not 1 <= self.top_n <= 1000:
            raise ValueError("top_n must be between 1 and 1000")
        if any(k not in FILTER_KEYS for k in self.share_part):
            raise ValueError(f"bad share_part {self.share_part!r}")
        if self.measure == "change" and (self.time is None or self.baseline is None):
            raise ValueError("a change needs two periods")
        if self.count_groups and not (self.group_by and (self.having_op or self.direction)):
            raise ValueError("counting groups needs groups and a threshold or a direction")
        if (self.event_side is None) != (self.event_minutes is None):
            raise ValueError("a time around events needs both its side and its length")
        if self.event_side is not None:
            if (
                self.event_side not in event_window.SIDES
                or not 0 < self.event_minutes <= event_window.MAX_MINUTES
            ):
                raise ValueError(f"bad time around events: {self.event_side!r} {self.event_minutes!r}")
            if not (self.event or self.event_category):
                raise ValueError("a time around events needs an event")
        if (self.having_op is None) != (self.having_value is None):
            raise ValueError("a threshold needs a comparison and a number")
        if self.having_op is not None and self.having_op not in COMPARATORS:
            raise ValueError(f"unknown comparison {self.having_op!r}")
        if self.having_value is not None and not abs(self.having_value) < 1e12:
            raise ValueError("threshold out of range")
        if self.direction is not None and (self.direction not in DIRECTIONS or self.measure != "change"):
            raise ValueError("a direction needs a change measure: 'up' or 'down'")
        if any(t not in self.crime_types for t in self.part_crime_types) and self.crime_types:
            raise ValueError("the part of a share must lie within its whole")


def hour_range(lo: int, hi: int) -> str:
    """A time of day for hours lo..hi inclusive (wrapping past midnight when hi < lo): '22-01'."""
    return f"{lo:02d}-{hi:02d}"


def hour_span(time_of_day: str) -> tuple[int, int]:
    """First and last hour (inclusive) of a named time of day or an 'HH-HH' range.

    >>> hour_span("night"), hour_span("22-01")
    ((22, 5), (22, 1))
    """
    if time_of_day in TIMES_OF_DAY:
        return TIMES_OF_DAY[time_of_day]
    m = re.fullmatch(r"(\d{2})-(\d{2})", time_of_day or "")
    if not m or int(m[1]) > 23 or int(m[2]) > 23:
        raise ValueError(f"unknown time of day {time_of_day!r}")
    return int(m[1]), int(m[2])


def hour_spans(time_of_day: str) -> tuple[tuple[int, int], ...]:
    """Every (first, last) hour range of a time of day: one for most, two for 'rush hour'.

    >>> hour_spans("rush hour"), hour_spans("lunchtime")
    (((7, 9), (16, 18)), ((12, 13),))
    """
    if time_of_day in HOUR_SETS:
        return HOUR_SETS[time_of_day]
    return (hour_span(time_of_day),)


def _having_label(i: Intent) -> str:
    """'more than 1,500', 'rate at least 9', 'change more than 15%'."""
    v = i.having_value
    number = f"{v:,.0f}" if float(v).is_integer() else f"{v:,g}"
    if i.measure in ("share", "change"):
        number += "%"
    elif i.measure == "rate_per_1000":
        number += " per 1,000"
    return f"{COMPARATORS[i.having_op]} {number}"


def _plural(grain: str) -> str:
    """'boroughs', 'days of the week', 'LSOAs': the groups a count of groups counts."""
    label = GRAIN_LABELS.get(grain, grain)
    return "days of the week" if grain == "weekday" else label + "s"


def _join(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _distance(m: int) -> str:
    return f"{m / 1000:g} km" if m >= 1000 else f"{m} m"


def _measure_label(i: Intent) -> str:
    if i.measure == "rate_per_1000":
        return "rate per 1,000 residents"
    if i.measure == "share":
        return "share (%)"
    if i.measure == "change":
        return "% change"
    return i.measure.replace("_", " ")


def _time_label(w: TimeWindow, anchor: dt.date | None) -> str:
    """'last 3 months (Oct–Dec 2025)': a relative window with the months it means today."""
    label = w.label()
    if anchor and w.kind in ("rel_months", "rel_year"):
        label += f" ({w.resolved(anchor).label()})"
    return label


def _as_date(v) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))
