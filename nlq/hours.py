"""Clock-time ranges in a question: "between 10pm and 2am", "from 18:00 to 23:00", "after midnight".

The result is the first and last whole hour (inclusive) of the range, wrapping past midnight
when the last is smaller. An end time on the hour is exclusive ("until 2am" = up to 01:59).
"after T" runs to 23:59 of that day (to 05:59 for a time after midnight); "before T" starts at midnight; "at T" is that hour.

>>> [h.hours for h in find_hours("robbery between 10pm and 2am")]
[(22, 1)]
>>> [h.hours for h in find_hours("asb after midnight")]
[(0, 5)]
>>> [(h.hours, h.text) for h in find_hours("violence from 6pm to 11pm in westminster")]
[((18, 22), 'from 6pm to 11pm')]
>>> find_hours("burglary between 1 and 14 december")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NIGHT_END = 5  # the last hour of "night" (DESIGN.md: night 22-05)
_T = r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|midnight|noon|midday)"
_RANGE = re.compile(
    rf"(?<![\w-])(?:between\s+|from\s+)?(?P<a>{_T})\s*(?:and|to|till|until|-|–)\s*(?P<b>{_T})(?![\w-])"
)
_AFTER = re.compile(rf"(?<![\w-])(?P<w>after|past|from|before|until|till|at|around)\s+(?P<a>{_T})(?![\w-])")
_CLOCK = re.compile(r"(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<s>am|pm|a\.m\.|p\.m\.)?")


@dataclass(frozen=True)
class HourMatch:
    start: int
    end: int
    hours: tuple[int, int]  # first and last hour, inclusive
    text: str


def _clock(text: str, suffix: str | None = None) -> tuple[int, int, bool] | None:
    """(hour 0-23, minutes, explicit) for '10pm', '22:00', 'midnight'; None if not a clock time."""
    t = text.strip()
    if t == "midnight":
        return 0, 0, True
    if t in ("noon", "midday"):
        return 12, 0, True
    m = _CLOCK.fullmatch(t)
    if not m:
        return None
    h, mins, s = int(m["h"]), int(m["m"] or 0), (m["s"] or suffix or "").replace(".", "")
    if s:
        if not 1 <= h <= 12:
            return None
        h = (h % 12) + (12 if s == "pm" else 0)
    elif m["m"] is None or h > 23:  # a bare number is not a clock time
        return None
    return h, mins, bool(m["s"] or m["m"] is not None)


def _suffix(text: str) -> str | None:
    m = re.search(r"(am|pm|a\.m\.|p\.m\.)$", text.strip())
    return m.group(1) if m else None


def find_hours(text: str, blocked: list[tuple[int, int]] = ()) -> list[HourMatch]:
    """Clock-time ranges in lower-case *text*, left to right, not overlapping *blocked* spans."""
    out: list[HourMatch] = []
    taken = list(blocked)

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in taken)

    for m in _RANGE.finditer(text):
        a_txt, b_txt = m["a"], m["b"]
        a = _clock(a_txt, _suffix(b_txt))
        b = _clock(b_txt, _suffix(a_txt))
        if a is None or b is None or not (a[2] or b[2]) or not free(m.start(), m.end()):
            continue
        last = (b[0] - (1 if b[1] == 0 else 0)) % 24
        if (a[0], a[1]) == (b[0], b[1]):
            continue
        out.append(HourMatch(m.start(), m.end(), (a[0], last), m.group(0)))
        taken.append((m.start(), m.end()))
    for m in _AFTER.finditer(text):
        t = _clock(m["a"])
        if t is None or not t[2] or not free(m.start(), m.end()):
            continue
        h, w = t[0], m["w"]
        if w in ("after", "past", "from"):
            # DESIGN.md: "after 9pm" = 21:00-23:59 of that day; "after midnight" = the small hours
            span = (h, NIGHT_END if h < NIGHT_END else 23)
        elif w in ("before", "until", "till"):
            if h == 0:
                continue
            span = (0, h - 1 if t[1] == 0 else h)
        else:
            span = (h, h)
        out.append(HourMatch(m.start(), m.end(), span, m.group(0)))
        taken.append((m.start(), m.end()))
    return sorted(out, key=lambda x: x.start)
