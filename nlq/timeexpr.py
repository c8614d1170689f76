"""Time expressions: absolute and relative windows, kept relative so saved questions stay live.

A window is resolved in SQL against the anchor month A = (SELECT max(month) FROM crimes)
or, for days, the anchor day D = max(occurred_at); see nlq.sql.

>>> [m.window.label() for m in find_times("burglary between march and may 2024")]
['Mar–May 2024']
>>> [m.window.label() for m in find_times("robbery in the last 3 months")]
['last 3 months']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
NUMBERS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
}
# Fixed-date days people name ("on Christmas Day 2024"): (month, day).
HOLIDAYS = {
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "boxing day": (12, 26),
    "new year's eve": (12, 31),
    "new years eve": (12, 31),
    "new year's day": (1, 1),
    "new years day": (1, 1),
    "valentine's day": (2, 14),
    "valentines day": (2, 14),
    "halloween": (10, 31),
    "bonfire night": (11, 5),
    "guy fawkes night": (11, 5),
}
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 2)}
MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
YEAR = r"((?:19|20)\d{2})"
NUM = r"(?P<n>\d+|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
DAYNUM = r"(\d{1,2})(?:st|nd|rd|th)?"
SHORT = {
    1: "Jan",
    2: "Feb",
    3: "Mar",
    4: "Apr",
    5: "May",
    6: "Jun",
    7: "Jul",
    8: "Aug",
    9: "Sep",
    10: "Oct",
    11: "Nov",
    12: "Dec",
}


@dataclass(frozen=True)
class TimeWindow:
    """A period. kind: 'months' | 'days' (absolute, inclusive, end None = open) or
    'rel_months' (n months ending `offset` months before A), 'rel_year' (n years starting at
    year(A)+offset), 'rel_days' (n days ending `offset` days before D), 'rel_weekend' (the
    Saturday and Sunday of the latest weekend ending on or before D, `offset` weeks earlier).

    "last week" is the 7 days ending with D (a rolling week, like "last 7 days"); "last weekend"
    is the latest complete Saturday–Sunday ending on or before D."""

    kind: str
    start: dt.date | None = None
    end: dt.date | None = None
    n: int = 1
    offset: int = 0

    def label(self) -> str:
        if self.kind == "months":
            return _months_label(self.start, self.end)
        if self.kind == "days":
            if self.end is None:
                return "since " + _day(self.start)
            return _day(self.start) if self.start == self.end else f"{_day(self.start)} – {_day(self.end)}"
        if self.kind == "rel_months":
            base = "last month" if self.n == 1 else f"last {self.n} months"
            if not self.offset:
                return base
            span = "the month" if self.n == 1 else f"the {self.n} months"
            if self.offset == self.n:
                return f"{span} before"  # the period just before "last N months"
            return (
                f"{span} ending {self.offset} {'month' if self.offset == 1 else 'months'} before the latest"
            )
        if self.kind == "rel_year":
            name = {0: "this year", -1: "last year", -2: "the year before last"}.get(
                self.offset, f"{-self.offset} years before this year"
            )
            return name if self.n == 1 else f"since {name}"
        if self.kind == "rel_days":
            base = "latest day" if self.n == 1 else f"last {self.n} days"
            return base if not self.offset else f"{base} ({self.offset} days earlier)"
        if self.kind == "rel_weekend":
            if not self.offset:
                return "last weekend"
            return (
                "the weekend before"
                if self.offset == 1
                else f"the weekend {self.offset} weeks before the latest"
            )
        return self.kind

    @property
    def is_relative(self) -> bool:
        return self.kind.startswith("rel_")

    @property
    def uses_days(self) -> bool:
        return self.kind in ("days", "rel_days", "rel_weekend")

    def resolved(self, anchor_month: dt.date) -> TimeWindow:
        """The same months as an absolute window, for labels (SQL keeps the relative form).

        >>> TimeWindow("rel_months", n=3, offset=3).resolved(dt.date(2025, 12, 1)).label()
        'Jul–Sep 2025'
        >>> TimeWindow("rel_year", offset=-1).resolved(dt.date(2025, 12, 1)).label()
        '2024'
        """
        if self.kind == "rel_months":
            end = _shift(anchor_month, -self.offset)
            return TimeWindow("months", _shift(end, -(self.n - 1)), end)
        if self.kind == "rel_year":
            first = anchor_month.year + self.offset
            last = anchor_month.year if self.n > 1 else first
            return TimeWindow("months", dt.date(first, 1, 1), dt.date(last, 12, 1))
        return self

    def previous(self) -> TimeWindow | None:
        """The comparable period just before this one (None for open windows).

        >>> TimeWindow("months", dt.date(2025, 1, 1), dt.date(2025, 12, 1)).previous().label()
        '2024'
        """
        if self.kind == "months" and self.start and self.end:
            n = _month_index(self.end) - _month_index(self.start) + 1
            return replace(self, start=_shift(self.start, -n), end=_shift(self.end, -n))
        if self.kind == "days" and self.start and self.end:
            n = (self.end - self.start).days + 1
            return replace(self, start=self.start - dt.timedelta(n), end=self.end - dt.timedelta(n))
        if self.kind in ("rel_months", "rel_days"):
            return replace(self, offset=self.offset + self.n)
        if self.kind == "rel_year":
            return replace(self, offset=self.offset - self.n)
        if self.kind == "rel_weekend":
            return replace(self, offset=self.offset + 1)
        return None

    def year_before(self) -> TimeWindow | None:
        """The same period a year earlier."""
        if self.kind == "months" and self.start and self.end:
            return replace(self, start=_shift(self.start, -12), end=_shift(self.end, -12))
        if self.kind == "days" and self.start and self.end:
            return replace(self, start=_minus_year(self.start), end=_minus_year(self.end))
        if self.kind == "rel_months":
            return replace(self, offset=self.offset + 12)
        if self.kind == "rel_year":
            return replace(self, offset=self.offset - 1)
        if self.kind == "rel_days":
            return replace(self, offset=self.offset + 365)
        if self.kind == "rel_weekend":
            return replace(self, offset=self.offset + 52)
        return None

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "n": self.n, "offset": self.offset}
        d["start"] = self.start.isoformat() if self.start else None
        d["end"] = self.end.isoformat() if self.end else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> TimeWindow:
        if not isinstance(d, dict) or d.get("kind") not in (
            "months",
            "days",
            "rel_months",
            "rel_year",
            "rel_days",
            "rel_weekend",
        ):
            raise ValueError(f"bad time window: {d!r}")
        try:
            start = dt.date.fromisoformat(d["start"]) if d.get("start") else None
            end = dt.date.fromisoformat(d["end"]) if d.get("end") else None
            n, offset = int(d.get("n", 1)), int(d.get("offset", 0))
        except (TypeError, ValueError) as e:
            raise ValueError(f"bad time window: {d!r}") from e
        if d["kind"] in ("months", "days") and start is None:
            raise ValueError("an absolute window needs a start")
        if not 1 <= n <= 600 or abs(offset) > 1200:
            raise ValueError("time window out of range")
        return cls(d["kind"], start, end, n, offset)


@dataclass(frozen=True)
class TimeMatch:
    start: int  # character span in the text
    end: int
    window: TimeWindow
    since: TimeWindow | None = None  # for "since X": the period X itself (used by change questions)
    text: str = ""


def months(y1: int, m1: int, y2: int | None = None, m2: int | None = None) -> TimeWindow:
    start = dt.date(y1, m1, 1)
    end = None if y2 is None else dt.date(y2, m2, 1)
    return TimeWindow("months", start, end)


def year(y: int) -> TimeWindow:
    return months(y, 1, y, 12)


def find_times(text: str, anchor_month: dt.date | None = None) -> list[TimeMatch]:
    """All time expressions in lower-case *text*, left to right, without overlaps."""
    anchor = anchor_month or dt.date(2025, 12, 1)
    taken = [False] * len(text)
    found: list[TimeMatch] = []
    for pattern, handler in _RULES:
        for m in pattern.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            try:
                result = handler(m, anchor)
            except (ValueError, KeyError):
                continue
            if result is None:
                continue
            window, since = result if isinstance(result, tuple) else (result, None)
            found.append(TimeMatch(m.start(), m.end(), window, since, m.group(0)))
            for i in range(m.start(), m.end()):
                taken[i] = True
    return _months_before(text, sorted(found, key=lambda t: t.start), anchor)


_MONTHS_BEFORE = re.compile(
    r"\b(?:the\s+)?(?P<n>\d{1,2}|"
    + "|".join(sorted(NUMBERS, key=len, reverse=True))
    + r")\s+months?\s+(?:just\s+|immediately\s+)?(?:before|prior\s+to|preceding|leading\s+up\s+to)\s+"
)


def _months_before(text: str, found: list[TimeMatch], anchor: dt.date) -> list[TimeMatch]:
    """ "the 6 months before last quarter": the N months just before the period named after it
    (DESIGN.md), one window, not that period.

    >>> [t.window.label() for t in find_times("robbery in the 6 months before last quarter")]
    ['Apr–Sep 2025']
    >>> [t.window.label() for t in find_times("the 3 months prior to june 2025")]
    ['Mar–May 2025']
    """
    for m in _MONTHS_BEFORE.finditer(text):
        named = next((t for t in found if m.start() <= t.start <= m.end() and t.end > m.end()), None)
        if named is None:
            continue
        after = [t for t in find_times(text[m.end() : named.end], anchor) if t.start == 0]
        base = after[0].window.resolved(anchor) if after else None
        if base is None or base.kind != "months" or base.start is None or base.start.year < 1990:
            continue
        n = _num(m["n"])
        if not 1 <= n <= 120:
            continue
        window = TimeWindow("months", _shift(base.start, -n), _shift(base.start, -1))
        found = [t for t in found if t is not named]
        found.append(TimeMatch(m.start(), named.end, window, None, text[m.start() : named.end]))
    return sorted(found, key=lambda t: t.start)


# ---- rule handlers -------------------------------------------------------------------------------


def _num(s: str) -> int:
    return int(s) if s.isdigit() else NUMBERS[s]


def _recent(month: int, anchor: dt.date) -> int:
    """Year of the most recent *month* not after the anchor."""
    return anchor.year if month <= anchor.month else anchor.year - 1


def _month_range(m, anchor):
    m1, y1, m2, y2 = MONTHS[m["m1"]], m["y1"], MONTHS[m["m2"]], m["y2"]
    if y2 is None and y1 is None:
        y2 = _recent(m2, anchor)
    y2 = int(y2) if y2 else None
    y1 = int(y1) if y1 else (y2 if m1 <= m2 else y2 - 1)
    if (y1, m1) > (y2, m2):
        return None
    return months(y1, m1, y2, m2)


def _year_range(m, anchor):
    y1, y2 = int(m["y1"]), int(m["y2"])
    return months(y1, 1, y2, 12) if y1 <= y2 else None


def _day_range(m, anchor):
    y2 = int(m["y2"]) if m["y2"] else _recent(MONTHS[m["m2"]], anchor)
    m2 = MONTHS[m["m2"]]
    m1 = MONTHS[m["m1"]] if m["m1"] else m2
    y1 = int(m["y1"]) if m["y1"] else (y2 if m1 <= m2 else y2 - 1)
    a, b = dt.date(y1, m1, int(m["d1"])), dt.date(y2, m2, int(m["d2"]))
    return TimeWindow("days", a, b) if a <= b else None


def _day(m, anchor):
    y = int(m["y"]) if m["y"] else _recent(MONTHS[m["m"]], anchor)
    d = dt.date(y, MONTHS[m["m"]], int(m["d"]))
    return TimeWindow("days", d, d)


def _iso_day(m, anchor):
    d = dt.date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return TimeWindow("days", d, d)


def _uk_day(m, anchor):
    y = int(m["y"])
    y = y + 2000 if y < 100 else y
    d = dt.date(y, int(m["mo"]), int(m["d"]))
    return TimeWindow("days", d, d)


def _since_month(m, anchor):
    mo = MONTHS[m["m"]]
    y = int(m["y"]) if m["y"] else _recent(mo, anchor)
    return TimeWindow("months", dt.date(y, mo, 1), None), months(y, mo, y, mo)


def _since_year(m, anchor):
    y = int(m["y"])
    return TimeWindow("months", dt.date(y, 1, 1), None), year(y)


def _since_day(m, anchor):
    y = int(m["y"]) if m["y"] else _recent(MONTHS[m["m"]], anchor)
    d = dt.date(y, MONTHS[m["m"]], int(m["d"]))
    return TimeWindow("days", d, None), TimeWindow("days", d, d)


# The first month of an open-started window ("up to June 2024"): before any data.
EARLIEST = dt.date(2000, 1, 1)


def _until_month(m, anchor):
    """'before March 2024' ends with February; 'until / up to June 2024' ends with June."""
    mo = MONTHS[m["m"]]
    y = int(m["y"]) if m["y"] else _recent(mo, anchor)
    end = dt.date(y, mo, 1)
    if m["w"].startswith(("before", "prior")):
        end = _shift(end, -1)
    return TimeWindow("months", EARLIEST, end)


def _until_year(m, anchor):
    y = int(m["y"])
    return TimeWindow(
        "months", EARLIEST, dt.date(y - 1 if m["w"].startswith(("before", "prior")) else y, 12, 1)
    )


def _after_month(m, anchor):
    mo = MONTHS[m["m"]]
    y = int(m["y"]) if m["y"] else _recent(mo, anchor)
    return TimeWindow("months", _shift(dt.date(y, mo, 1), 1), None)


def _after_year(m, anchor):
    return TimeWindow("months", dt.date(int(m["y"]) + 1, 1, 1), None)


def _numeric_month(m, anchor):
    """'2025-03' or '03/2025'."""
    mo, y = int(m["mo"] or m["mo2"]), int(m["y"] or m["y2"])
    return months(y, mo, y, mo) if 1 <= mo <= 12 else None


def _since_rel_year(m, anchor):
    return TimeWindow("rel_year", n=2, offset=-1), TimeWindow("rel_year", offset=-1)


def _since_rel_month(m, anchor):
    return TimeWindow("rel_months", n=2), TimeWindow("rel_months", offset=1)


def _holiday(m, anchor):
    mo, d = HOLIDAYS[" ".join(m["h"].split())]
    y = int(m["y"]) if m["y"] else _recent(mo, anchor)
    return TimeWindow("days", dt.date(y, mo, d), dt.date(y, mo, d))


def _quarter(m, anchor):
    q = (
        int(m["q"])
        if m["q"]
        else {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4, "final": 4}[m["qw"]]
    )
    y = int(m["y"]) if m["y"] else anchor.year
    return months(y, 3 * q - 2, y, 3 * q)


def _half(m, anchor):
    h = 1 if (m["h"] == "1" or m["hw"] == "first") else 2
    y = int(m["y"]) if m["y"] else anchor.year
    return months(y, 1, y, 6) if h == 1 else months(y, 7, y, 12)


def _season(m, anchor):
    """A season of a year ("winter 2024" = Dec 2024 to Feb 2025); with no year, or "last summer",
    the latest whole season ending at or before the anchor month, as "last quarter" is.

    >>> [t.window.label() for t in find_times("burglary last winter", dt.date(2025, 12, 1))]
    ['Dec 2024 – Feb 2025']
    """
    a, b = SEASONS[m["s"]]
    if m["y"]:
        y = int(m["y"])
    else:
        end_year = anchor.year if anchor.month >= b else anchor.year - 1
        y = end_year - 1 if a > b else end_year
    return months(y, a, y + 1, b) if a > b else months(y, a, y, b)


def _month_year(m, anchor):
    mo, y = MONTHS[m["m"]], int(m["y"])
    return months(y, mo, y, mo)


def _bare_month(m, anchor):
    mo = MONTHS[m["m"]]
    y = _recent(mo, anchor)
    return months(y, mo, y, mo)


def _year(m, anchor):
    return year(int(m["y"]))


def _last_n(m, anchor):
    n, unit = _num(m["n"]), m["u"]
    if n <= 0:
        return None
    if unit.startswith("month"):
        return TimeWindow("rel_months", n=n)
    if unit.startswith("year"):
        return TimeWindow("rel_months", n=12 * n)
    if unit.startswith("quarter"):
        return TimeWindow("rel_months", n=3 * n)
    if unit.startswith("week"):
        return TimeWindow("rel_days", n=7 * n)
    if unit.startswith("fortnight"):
        return TimeWindow("rel_days", n=14 * n)
    return TimeWindow("rel_days", n=n)


def _last_weekend(m, anchor):
    return TimeWindow("rel_weekend")


def _named_relative(m, anchor):
    w = " ".join(m.group(0).split())
    if "year" in w or "ytd" in w:
        if re.search(r"\b(last|previous|past)\b", w):
            # "the past year", "over the last year": the 12 months ending with A; "last year": year(A) - 1
            rolling = "past" in w or (re.search(r"\bthe\s+last\b", w) and "calendar" not in w)
            return TimeWindow("rel_months", n=12) if rolling else TimeWindow("rel_year", offset=-1)
        return TimeWindow("rel_year")
    if "month" in w:
        return TimeWindow("rel_months", n=1)
    if "quarter" in w:
        return TimeWindow("rel_months", n=3)
    if "fortnight" in w:
        return TimeWindow("rel_days", n=14)
    if "week" in w:
        return TimeWindow("rel_days", n=7)
    return TimeWindow("rel_days", n=1)


def _r(p: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + p + r"(?![\w-])")


def _g(name: str, pattern: str) -> str:
    """Wrap *pattern* as a named group."""
    return f"(?P<{name}>{pattern})"


_MON, _YEAR, _D = MON[1:-1], YEAR[1:-1], r"\d{1,2}"
_ORD = r"(?:st|nd|rd|th)?"
_RULES = [
    (
        _r(
            rf"(?:between|from)\s+{_g('d1', _D)}{_ORD}\s*(?:{_g('m1', _MON)}\s*)?(?:{_g('y1', _YEAR)}\s*)?"
            rf"(?:and|to|until|till|-)\s+{_g('d2', _D)}{_ORD}\s+{_g('m2', _MON)}(?:,?\s+{_g('y2', _YEAR)})?"
        ),
        _day_range,
    ),
    (  # "for the period 1 March 2025 to 31 May 2025": two whole dates need no "from"
        _r(
            rf"{_g('d1', _D)}{_ORD}\s+(?:of\s+)?{_g('m1', _MON)}(?:,?\s+{_g('y1', _YEAR)})?\s+"
            rf"(?:to|until|till|through|-)\s+{_g('d2', _D)}{_ORD}\s+(?:of\s+)?{_g('m2', _MON)}(?:,?\s+{_g('y2', _YEAR)})?"
        ),
        _day_range,
    ),
    (
        _r(
            rf"(?:between|from)\s+(?:the\s+start\s+of\s+)?{_g('m1', _MON)}(?:\s+{_g('y1', _YEAR)})?\s*"
            rf"(?:and|to|until|till|through|-)\s*(?:the\s+end\s+of\s+)?{_g('m2', _MON)}(?:\s+{_g('y2', _YEAR)})?"
        ),
        _month_range,
    ),
    (
        _r(
            rf"(?:between|from)\s+{_g('y1', _YEAR)}\s*(?:and|to|until|till|through|thru|-)\s*{_g('y2', _YEAR)}"
        ),
        _year_range,
    ),
    (
        _r(
            rf"{_g('m1', _MON)}\s*{_g('y1', _YEAR)}?\s*(?:-|–|to|until|through)\s*{_g('m2', _MON)}(?:\s+{_g('y2', _YEAR)})?"
        ),
        _month_range,
    ),
    (
        _r(
            rf"(?P<w>before|prior\s+to|until|till|up\s+to|up\s+until|through|to\s+the\s+end\s+of)\s+"
            rf"(?:the\s+end\s+of\s+)?{_g('m', _MON)}(?:,?\s+{_g('y', _YEAR)})?"
        ),
        _until_month,
    ),
    (
        _r(
            # "through 2025" is all of 2025 ("month by month through 2025"), not up to its end
            rf"(?P<w>before|prior\s+to|until|till|up\s+to|up\s+until|up\s+through|to\s+the\s+end\s+of)\s+{_g('y', _YEAR)}"
        ),
        _until_year,
    ),
    (_r(rf"after\s+(?:the\s+end\s+of\s+)?{_g('m', _MON)}(?:,?\s+{_g('y', _YEAR)})?"), _after_month),
    (_r(rf"after\s+(?:the\s+end\s+of\s+)?{_g('y', _YEAR)}"), _after_year),
    (_r(rf"since\s+(?:the\s+)?(?:start|beginning)\s+of\s+{_g('y', _YEAR)}"), _since_year),
    (_r(r"since\s+(?:the\s+start\s+of\s+)?(?:last|the\s+previous)\s+year"), _since_rel_year),
    (_r(r"since\s+last\s+month"), _since_rel_month),
    (
        _r(
            rf"(?:since|from)\s+(?:the\s+)?{_g('d', _D)}{_ORD}\s+(?:of\s+)?{_g('m', _MON)}(?:,?\s+{_g('y', _YEAR)})?"
        ),
        _since_day,
    ),
    (
        _r(
            rf"(?:since|from)\s+(?:the\s+start\s+of\s+)?{_g('m', _MON)}(?:\s+{_g('y', _YEAR)})?(?:\s+onwards?)?"
        ),
        _since_month,
    ),
    (_r(rf"(?:since|from)\s+{_g('y', _YEAR)}(?:\s+onwards?)?"), _since_year),
    (_r(r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"), _iso_day),
    (
        _r(
            r"(?P<h>" + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in HOLIDAYS) + r")"
            # "New Year's Eve fireworks" names an event, not the day
            r"(?!(?:,?\s+(?:of\s+)?(?:19|20)\d{2})?\s+(?:fireworks?|celebrations?|display|party|parties|events?))"
            rf"(?:,?\s+(?:of\s+)?{_g('y', _YEAR)})?"
        ),
        _holiday,
    ),
    (_r(r"(?P<d>\d{1,2})/(?P<mo>\d{1,2})/(?P<y>\d{2,4})"), _uk_day),
    (_r(r"(?P<y>(?:19|20)\d{2})-(?P<mo>\d{2})|(?P<mo2>\d{1,2})/(?P<y2>(?:19|20)\d{2})"), _numeric_month),
    (_r(rf"(?:the\s+)?{_g('d', _D)}{_ORD}\s+(?:of\s+)?{_g('m', _MON)}(?:,?\s+{_g('y', _YEAR)})?"), _day),
    (_r(rf"{_g('m', _MON)}\s+{_g('d', _D)}{_ORD}(?:,?\s+{_g('y', _YEAR)})?"), _day),
    (
        _r(
            rf"(?:q(?P<q>[1-4])|(?:the\s+)?(?P<qw>first|second|third|fourth|last|final)\s+quarter)"
            rf"(?:\s+(?:of\s+)?{_g('y', _YEAR)})?"
        ),
        _quarter,
    ),
    (
        _r(rf"(?:h(?P<h>[12])|(?:the\s+)?(?P<hw>first|second)\s+half)(?:\s+(?:of\s+)?{_g('y', _YEAR)})?"),
        _half,
    ),
    (
        _r(
            r"(?:(?:the|last|this\s+past|past|previous|the\s+last|the\s+past|the\s+previous)\s+)?"
            rf"(?P<s>spring|summer|autumn|winter)(?:\s+(?:of\s+)?{_g('y', _YEAR)})?"
        ),
        _season,
    ),
    (_r(rf"{_g('m', _MON)}(?:,?\s+|\s+of\s+){_g('y', _YEAR)}"), _month_year),
    (_r(rf"(?:in|during|for|of|throughout|since)\s+(?:the\s+month\s+of\s+)?{_g('m', _MON)}"), _bare_month),
    (_r(rf"(?:in\s+|during\s+|for\s+)?{_g('y', _YEAR)}"), _year),
    (
        _r(
            rf"(?:in\s+|over\s+|during\s+|for\s+)?(?:the\s+)?(?:last|past|previous|recent|latest)\s+{NUM}\s+"
            r"(?P<u>months?|years?|weeks?|days?|quarters?|fortnights?)"
        ),
        _last_n,
    ),
    (
        _r(
            r"(?:in\s+|over\s+|during\s+)?(?:the\s+)?(?:(?:so\s+far\s+)?this\s+year(?:\s+so\s+far)?|year\s+to\s+date|ytd|"
            r"(?:last|past|previous)\s+(?:calendar\s+)?year|"
            r"(?:last|past|previous|this|latest|most\s+recent)\s+(?:month|quarter|week|fortnight)|yesterday|today"
            r"|latest\s+day)"
        ),
        _named_relative,
    ),
]
# "last weekend" before "last week" (the longer phrase wins)
_RULES.insert(
    len(_RULES) - 1,
    (
        _r(
            r"(?:over\s+|during\s+|on\s+|at\s+)?(?:the\s+)?(?:last|past|previous|this|latest|most\s+recent)\s+weekend"
        ),
        _last_weekend,
    ),
)


def _month_index(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def _shift(d: dt.date, n: int) -> dt.date:
    i = _month_index(d) + n
    return dt.date(i // 12, i % 12 + 1, 1)


def _minus_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def _day(d: dt.date) -> str:
    return f"{d.day} {SHORT[d.month]} {d.year}"


def _months_label(start: dt.date, end: dt.date | None) -> str:
    if end is None:
        return f"since {SHORT[start.month]} {start.year}"
    if start <= EARLIEST:
        return f"up to {SHORT[end.month]} {end.year}"
    if start == end:
        return f"{SHORT[start.month]} {start.year}"
    if start.month == 1 and end.month == 12:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if start.year == end.year:
        return f"{SHORT[start.month]}–{SHORT[end.month]} {end.year}"
    return f"{SHORT[start.month]} {start.year} – {SHORT[end.month]} {end.year}"


@dataclass(frozen=True)
class RelatedPeriod:
    start: int
    end: int
    kind: str  # 'year_before' (the window moved back 12 months) | 'previous' (the window just before)


_SPAN_WORDS = r"(?:months?|period|quarters?|weeks?|days?|time|season|window|stretch|year)"
_N = r"(?:\d+|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_YEAR_BEFORE = _r(
    rf"(?:(?:the\s+)?same\s+(?:{_N}\s+)?{_SPAN_WORDS}\s+|(?:the\s+)?(?:{_N}\s+)?{_SPAN_WORDS}\s+)?"
    r"(?:(?:of\s+|in\s+)?last\s+year|(?:of\s+|in\s+)?the\s+(?:previous|prior)\s+year|the\s+year\s+before"
    r"|(?:a|one|1|twelve\s+months|12\s+months)\s+(?:year\s+)?(?:before|earlier|ago|prior))"
)
_PREVIOUS = _r(
    rf"(?:the\s+)?(?:{_N}\s+)?{_SPAN_WORDS}\s+(?:just\s+|immediately\s+)?(?:before|prior)"
    rf"|the\s+previous\s+(?:{_N}\s+)?{_SPAN_WORDS}|the\s+preceding\s+(?:{_N}\s+)?{_SPAN_WORDS}"
)


def find_related_periods(text: str) -> list[RelatedPeriod]:
    """Periods named by reference to another: "the same month last year", "a year earlier",
    "the 6 months before". Only read after another period: "burglary last year" is left alone.

    >>> [(r.kind, text[r.start:r.end]) for text in ["this month vs the same month last year"]
    ...  for r in find_related_periods(text)]
    [('year_before', 'the same month last year')]
    >>> [r.kind for r in find_related_periods("last 6 months against the 6 months before")]
    ['previous']
    >>> find_related_periods("burglary last year"), find_related_periods("robbery in the last 3 months")
    ([], [])
    """
    out = []
    for pattern, kind in ((_YEAR_BEFORE, "year_before"), (_PREVIOUS, "previous")):
        for m in pattern.finditer(text):
            phrase = m.group(0)
            bare_last_year = re.fullmatch(r"(?:(?:of|in)\s+)?last\s+year", phrase)
            # a comparison word or another period must come first: "vs last year" alone is a plain period
            head = text[: m.start()]
            compared = re.search(
                r"\b(vs|versus|v|against|compared|than|with|to|and|on)\s*$", head
            )  # "up 5% on"
            if bare_last_year or not compared or not find_times(head):
                continue
            if any(m.start() < r.end and r.start < m.end() for r in out):
                continue
            out.append(RelatedPeriod(m.start(), m.end(), kind))
    return sorted(out, key=lambda r: r.start)
