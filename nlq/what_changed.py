"""“What changed in Camden last month?”: reading the question, and answering it from ``insights``.

A question that opens with a what-changed phrase ("what changed", "anything unusual", "any
spikes", "what's unusual") asks for the series that left their expected range, not for a count.
``read`` strips the phrase, reads the rest as an ordinary question ("in Camden last month") and
keeps only what the method can take: a borough or BCU (else all London), crime types (else all)
and months (else the latest). ``answer`` fetches the monthly counts it compares with one guarded
statement (the SQL shown under the answer) and tests each borough × crime type series against
its seasonal baseline (``insights.what_changed``: Poisson GLM, 90% negative-binomial interval,
Benjamini–Hochberg at 5% across the series tested each month).

The answer is a statistical judgement, not the result of one SQL statement: ``python -m nlq ask
--jsonl`` gives it no ``sql`` (and no error) and says ``"insight": "what_changed"`` instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from nlq.intent import Chip, Intent
from nlq.timeexpr import TimeWindow

KIND = "what_changed"
MAX_MONTHS = 12
HISTORY_MONTHS = 48  # insights.baseline.WINDOW: the months each fit looks back on
METHOD = (
    "Each series (crime type × borough) against its seasonal baseline: a Poisson model of the 48 "
    "months before (trend, month-of-year terms, days in the month) with a 90% negative-binomial "
    "interval; a month is flagged when it falls outside and survives false-discovery control "
    "(Benjamini–Hochberg, 5%) across the series tested. Back-tested on 16 years of Met figures: "
    "90% intervals cover 86.9% of real months."
)

_LEAD = r"(?:(?:so|ok|okay|hi|hey|please|tell me|show me|can you tell me|could you tell me)\s+)*"
_WHAT = r"what(?:'?s| is| has| have)?"
_ODD = r"(?:unusual|odd|strange|out of the ordinary|stand(?:s|ing)? out|stood out)"
_SPIKES = r"(?:spikes?|anomal(?:y|ies)|unusual (?:changes?|spikes?|rises?|falls?|patterns?|activity))"
TRIGGER = re.compile(
    rf"^{_LEAD}(?P<phrase>"
    rf"{_WHAT} (?:changed|{_ODD})"
    rf"|(?:(?:are|were) there )?any {_SPIKES}"
    rf"|(?:(?:is|was) there |(?:are|were) there )?any(?:thing)? {_ODD}"
    rf"|{_SPIKES}"
    rf")(?=\s|$)\s*(?P<rest>.*)$"
)
_INTO = re.compile(r"^(?:(?:in|for|with|about|across|around|within|of|to)\s+)+")
_TWO_PERIODS = re.compile(r"\b(?:from|between|since|vs|versus|compared?|against|than)\b")
_MINE = re.compile(r"\bmy (?:bcu|borough|team|area|patch|command unit)\b")
_ALLOWED = {"insight", "crime_types", "excluded_types", "boroughs", "bcus", "time", "notes"}
_HARMLESS_GRAINS = {"borough", "crime_type", "month"}  # the answer is per borough, type and month anyway


def split(text: str) -> tuple[str, str] | None:
    """(the what-changed phrase, the rest) of a normalised question, or None.

    >>> split("anything unusual in north west this month")
    ('anything unusual', 'north west this month')
    >>> split("how has asb changed in hackney") is None
    True
    """
    m = TRIGGER.match(text)
    if not m:
        return None
    return m["phrase"], _INTO.sub("", m["rest"]).strip()


def read(parser, question: str):
    """A ParseResult for a what-changed question, or None when the question is not one."""
    from nlq.parse import ParseResult, normalise

    parts = split(normalise(question))
    if parts is None:
        return None
    phrase, rest = parts
    if _TWO_PERIODS.search(rest):
        return None  # "what changed in Camden from 2024 to 2025": a change between two periods
    if _MINE.search(rest):
        return ParseResult(
            None,
            "I don't know which BCU is yours here: name it, e.g. “what changed in North West BCU "
            "last month” (signed in with a team, the app fills it in for you).",
            suggestions=parser.suggestions(),
        )
    inner = parser.parse(rest or "crime")
    if inner.intent is None:
        if inner.without is not None:
            inner.without = f"{phrase} {inner.without}".strip()
        return inner
    intent = inner.intent
    if intent.measure == "change" or intent.baseline is not None:
        return None  # "what's changed in Camden year on year": a change question, read as such
    problem = _cannot_take(intent)
    if problem:
        return ParseResult(None, problem, inner.notes, parser.suggestions())
    if intent.time is not None and intent.time.uses_days:
        return ParseResult(
            None,
            "What changed works month by month: ask about a month or a few, e.g. “last month”, "
            "“in November 2025”, “in the last 3 months”.",
            inner.notes,
            parser.suggestions(),
        )
    intent = replace(intent, group_by=(), chart=None, insight=KIND)
    return replace(inner, intent=intent)


def _cannot_take(intent: Intent) -> str | None:
    """Why the method cannot answer this reading (a venue, a time of day...), or None."""
    plain = replace(intent, group_by=tuple(g for g in intent.group_by if g not in _HARMLESS_GRAINS))
    extra = [c.label for c in plain.chips() if c.key not in _ALLOWED]
    if not extra:
        return None
    return (
        "What changed compares each borough's monthly counts by crime type with their seasonal "
        f"baseline, so it can't take {', '.join(f'“{x}”' for x in extra)}. Ask it about a borough "
        "or BCU, crime types and months, e.g. “what changed in Camden last month”."
    )


# ---- the months asked about, and how the reading is shown ------------------------------------------


def months_asked(intent: Intent, anchor: dt.date, first: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """(first, last) month tested: the latest month when none is named, at most MAX_MONTHS."""
    if intent.time is None:
        return anchor, anchor
    window = intent.time.resolved(anchor)
    start = window.start or first or anchor
    end = min(window.end or anchor, anchor)
    if _index(end) - _index(start) + 1 > MAX_MONTHS:
        start = _shift(end, -(MAX_MONTHS - 1))
    return start, end


def area_label(intent: Intent) -> str:
    names = [*intent.boroughs, *(f"{b} BCU" for b in intent.bcus)]
    return ", ".join(names) if names else "all London"


def months_label(first: dt.date, last: dt.date) -> str:
    """'November 2025', or 'October – December 2025'."""
    if first == last:
        return f"{last:%B %Y}"
    return f"{first:%B} – {last:%B %Y}" if first.year == last.year else f"{first:%B %Y} – {last:%B %Y}"


def types_label(intent: Intent) -> str:
    label = " + ".join(intent.crime_types) if intent.crime_types else "all crime types"
    if intent.excluded_types:
        label += " excluding " + ", ".join(intent.excluded_types)
    return label


def chips(intent: Intent, anchor: dt.date | None) -> list[Chip]:
    """'What changed · Camden · November 2025 · all crime types' as chips."""
    out = [Chip("insight", "What changed", "")]
    if intent.boroughs:
        out.append(Chip("boroughs", area_label(replace(intent, bcus=())), ""))
    if intent.bcus:
        out.append(Chip("bcus", area_label(replace(intent, boroughs=())), ""))
    if not intent.boroughs and not intent.bcus:
        out.append(Chip("boroughs", "all London", ""))
    if anchor is not None:
        out.append(Chip("time", months_label(*months_asked(intent, anchor)), ""))
    elif intent.time is not None:
        out.append(Chip("time", intent.time.label(), ""))
    else:
        out.append(Chip("time", "latest month", ""))
    out.append(Chip("crime_types", types_label(intent), ""))
    if intent.excluded_types:
        out.append(Chip("excluded_types", "excluding " + ", ".join(intent.excluded_types), ""))
    return out


def counts_intent(intent: Intent, anchor: dt.date, first: dt.date) -> Intent:
    """The ordinary question whose rows the method compares: counts by borough, crime type and
    month, from 48 months before the first month tested (or the start of the data) to the last."""
    start, end = months_asked(intent, anchor, first)
    since = max(_shift(start, -HISTORY_MONTHS), first)
    return Intent(
        crime_types=intent.crime_types,
        excluded_types=intent.excluded_types,
        boroughs=intent.boroughs,
        bcus=intent.bcus,
        group_by=("borough", "crime_type", "month"),
        time=TimeWindow("months", since, end),
    )


# ---- answering ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """What the app needs to draw the answer (kept in ``Reply.context["what_changed"]``)."""

    flags: tuple  # insights.Flag, newest month first
    series: int  # series tested per month
    first: dt.date
    last: dt.date
    area: str
    types: str
    method: str = METHOD

    @property
    def heading(self) -> str:
        return f"What changed · {self.area} · {months_label(self.first, self.last)} · {self.types}"

    def nothing(self) -> str:
        return (
            f"Nothing unusual in {self.area} in {months_label(self.first, self.last)}: "
            f"all {self.series} series are within their expected range."
        )


def answer(engine, intent: Intent, question: str = ""):
    """The Reply to a what-changed intent: flags as a table, ``context["what_changed"]`` for drawing."""
    import time

    import pandas as pd

    from insights import what_changed
    from insights.data import complete, month_range
    from nlq.engine import Reply, _plain

    started = time.perf_counter()
    vocab = engine.vocabulary
    reply = Reply(question or " · ".join(c.label for c in chips(intent, vocab.anchor_month)), intent)
    reply.chart = "table"
    try:
        first, last = months_asked(intent, vocab.anchor_month, vocab.first_month)
        reply.sql = engine.sql_for(intent)
        frame = engine.backend.run(reply.sql, timeout_s=engine.timeout_s, row_cap=engine.row_cap).frame
        frame = frame[frame["borough"].notna()]
        counts = frame.rename(columns={"borough": "unit", "crimes": "count"})[
            ["unit", "crime_type", "month", "count"]
        ]
        types = list(intent.crime_types) or [
            t for t in vocab.crime_types if t not in intent.excluded_types and t in set(counts["crime_type"])
        ]
        months = month_range(vocab.first_month, last)
        counts = complete(counts[counts["crime_type"].isin(types)], months)
        n = _index(last) - _index(first) + 1
        flags = what_changed(counts, None, last, months=n) if not counts.empty else []
        series = counts.groupby(["unit", "crime_type"]).ngroups if not counts.empty else 0
        reply.rows_scanned = int(frame["crimes"].sum())
        changes = Changes(tuple(flags), series, first, last, area_label(intent), types_label(intent))
        reply.context = {KIND: changes}
        reply.frame = pd.DataFrame(
            {
                "flag": [f.sentence() for f in flags],
                "borough": [f.borough for f in flags],
                "crime_type": [f.crime_type for f in flags],
                "month": [f.month for f in flags],
                "crimes": [f.actual for f in flags],
                "expected": [round(f.expected, 1) for f in flags],
                "low": [f.low for f in flags],
                "high": [f.high for f in flags],
            }
        )
        if first < _shift(vocab.first_month, 2):
            reply.notes.append(
                f"The data starts in {vocab.first_month:%B %Y}: months with less than two months "
                "of history before them are not tested."
            )
    except Exception as e:  # guard refusals, timeouts: a message, never a traceback
        reply.error = _plain(e)
        reply.frame = None
    reply.elapsed_ms = (time.perf_counter() - started) * 1000
    return reply


def _index(month: dt.date) -> int:
    return month.year * 12 + month.month - 1


def _shift(month: dt.date, n: int) -> dt.date:
    y, m = divmod(_index(month) + n, 12)
    return dt.date(y, m + 1, 1)
