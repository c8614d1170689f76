"""Time around an event: "in the 3 hours before the Beyonce shows", "the hour after the match",
"within 2 hours either side of the concerts".

The window is measured from the matched events' own times (starts_at, ends_at):
- before N: from starts_at - N up to, not including, starts_at;
- after N: from just after ends_at up to and including ends_at + N;
- around N (either side of): from starts_at - N to ends_at + N.

>>> [(w.side, w.minutes, w.text) for w in find_event_windows("crime in the 3 hours before the oasis shows")]
[('before', 180, 'in the 3 hours before')]
>>> [(w.side, w.minutes) for w in find_event_windows("robbery the hour after the match")]
[('after', 60)]
>>> [(w.side, w.minutes) for w in find_event_windows("asb 90 minutes either side of the gig")]
[('around', 90)]
>>> find_event_windows("crime 3 hours before"), find_event_windows("burglary after 9pm")
([], [])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SIDES = ("before", "after", "around")
MAX_MINUTES = 24 * 60  # a day either side: beyond that it is a period, not time around an event
_COUNT = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "twelve": 12}
_SIDE = {
    "before": "before",
    "prior to": "before",
    "leading up to": "before",
    "in the run up to": "before",
    "ahead of": "before",
    "after": "after",
    "following": "after",
    "either side of": "around",
    "each side of": "around",
    "around": "around",
}
_PATTERN = re.compile(
    r"(?<![\w-])(?:(?:in|during|within|for|over)\s+)?(?:the\s+)?"
    r"(?:(?P<n>\d{1,4}|half\s+an?|an?|one|two|three|four|five|six|twelve)\s+)?"
    r"(?P<unit>hours?|minutes?|mins?)\s+"
    r"(?P<side>" + "|".join(sorted((re.escape(k) for k in _SIDE), key=len, reverse=True)) + r")"
    r"(?=\s+\S)"
)


@dataclass(frozen=True)
class EventWindow:
    start: int
    end: int
    side: str  # 'before' | 'after' | 'around'
    minutes: int
    text: str


def find_event_windows(text: str, blocked=()) -> list[EventWindow]:
    """Every 'N hours before/after/either side of' in the text, outside the blocked spans."""
    out = []
    for m in _PATTERN.finditer(text):
        if any(m.start() < b and a < m.end() for a, b in blocked):
            continue
        n = m["n"] or ""  # the question is normalised: single spaces
        if n.startswith("half"):
            amount = 0.5
        elif n.isdigit():
            amount = int(n)
        else:
            amount = _COUNT.get(n, 1)  # "the hour after"
        if m["n"] is None and m["unit"].endswith("s"):
            continue  # "the hours before": no length given
        minutes = round(amount * (60 if m["unit"].startswith("hour") else 1))
        if not 0 < minutes <= MAX_MINUTES:
            continue
        side = _SIDE[" ".join(m["side"].split())]
        out.append(EventWindow(m.start(), m.end(), side, minutes, m.group(0)))
    return out


def label(side: str, minutes: int) -> str:
    """'3 hours before', '90 minutes either side of', 'an hour after'.

    >>> label("before", 180), label("around", 90), label("after", 60)
    ('3 hours before', '90 minutes either side of', '1 hour after')
    """
    if minutes % 60 == 0:
        hours = minutes // 60
        amount = f"{hours} hour" + ("s" if hours != 1 else "")
    else:
        amount = f"{minutes} minutes"
    return f"{amount} {'either side of' if side == 'around' else side}"
