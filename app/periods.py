"""The period an answer covers, in words, even when the question named none. No streamlit here.

period_text(intent, vocabulary)  # 'all data, Jan 2024 – Dec 2025' / 'Oct–Dec 2025' / 'past events: …'
"""

from __future__ import annotations

import datetime as dt


def month_span(first: dt.date, last: dt.date) -> str:
    """'Jan 2024 – Dec 2025'."""
    return f"{first:%b %Y} – {last:%b %Y}"


def _event_years(intent, vocabulary) -> list[int]:
    try:
        events = vocabulary.events_matching(intent.event, intent.event_category, intent.event_venue)
    except Exception:
        return []
    return sorted({int(y) for e in events for y in e.get("years") or ()})


def period_text(intent, vocabulary) -> str:
    """The period an intent covers, in words."""
    if intent is None:
        return ""
    first, anchor = vocabulary.first_month, vocabulary.anchor_month
    if intent.event or intent.event_category:
        years = _event_years(intent, vocabulary)
        if intent.event_year:
            years = [y for y in years if y == intent.event_year]
        if not years:
            return "past events (none in the data)"
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        return f"during past events, {span}"
    window = getattr(intent, "time", None)
    if window is None:
        return f"all data, {month_span(first, anchor)}"
    try:
        label = window.resolved(anchor).label()
    except Exception:
        label = window.label()
    baseline = getattr(intent, "baseline", None)
    if baseline is not None:
        try:
            label += " vs " + baseline.resolved(anchor).label()
        except Exception:
            pass
    return label
