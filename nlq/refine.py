"""Follow-up questions as a pure function of the previous Intent and the new words.

"what about Hackney?" swaps the place, "only robberies" the crime type, "by month" the
grouping, "as a map" the chart, "in 2024" the period, "excluding ASB" adds an exclusion;
"also Camden" / "and burglary" add to what was there.
"""

from __future__ import annotations

import re
from dataclasses import replace

from nlq.intent import Intent
from nlq.parse import _radius, normalise
from nlq.refusal import refuse_reason
from nlq.vocabulary import Vocabulary

# Adding to what was there needs an explicit word: "and shoplifting too", "also Camden", "plus Brent".
# A bare "and" is not one: "and in Camden?" / "same for Lambeth and Southwark" replace the place.
ADD_WORDS = re.compile(r"\b(also|too|as well|add|adding|plus|along with|together with|on top)\b")
GRAIN_WORDS = re.compile(
    r"\b(by|per|each|every|split|break|broken|breakdown)\b|\b(hourly|daily|weekly|monthly|quarterly|yearly|annual)\b"
    r"|\b(boroughs?|bcus?|types?|categor(y|ies)|outcomes?|streets?|roads?|locations?|lsoas?|neighbourhoods?"
    r"|venues?|hours?|days?|weeks?|months?|quarters?|years?|weekdays?)\b"
)
CLEAR_AREA = re.compile(
    r"\b(all of london|london[- ]wide|everywhere|all boroughs|whole of london|across london)\b"
)
CLEAR_TYPES = re.compile(r"\b(all crimes?|all types|every type|any crime)\b")
CLEAR_TIME = re.compile(r"\b(all time|any time|whole period|all dates|all months)\b")
_FOLLOW_UP_LEAD = re.compile(r"\b(?:the\s+)?same\s+(?:thing\s+|again\s+)?(?:for|in|but|with|at)\b", re.I)
_PARSERS: dict[int, object] = {}


def refine(previous: Intent, text: str, vocabulary: Vocabulary, parser=None) -> Intent | str:
    """The new Intent, or a short reason (str) when the follow-up cannot be applied."""
    parser = parser or _parser_for(vocabulary)
    low = text.lower()
    # "same for Lambeth": the previous question is the "same"; only the new words are parsed
    result = parser.parse(_FOLLOW_UP_LEAD.sub(" ", text))
    radius, _span = _radius(normalise(text)) if len(text) <= 300 else (None, None)
    if result.intent is None:
        if CLEAR_AREA.search(low) or CLEAR_TYPES.search(low) or CLEAR_TIME.search(low):
            delta = Intent()
        elif radius and not refuse_reason(text):
            # "within 1km instead", "make it 250m": a new distance for the venue already asked about
            if not (previous.venues or previous.near_me):
                return "A distance needs a venue: try 'within 1km of Wembley Stadium'."
            return replace(previous, radius_m=radius, notes=())
        else:
            return result.error or "I couldn't tell what to change."
    else:
        delta = result.intent
    adding = bool(ADD_WORDS.search(low))
    out = previous
    changed = False

    def merge(old: tuple, new: tuple) -> tuple:
        return tuple(dict.fromkeys(old + new)) if adding else new

    if delta.crime_types:
        out = replace(
            out,
            crime_types=merge(out.crime_types, delta.crime_types),
            excluded_types=tuple(t for t in out.excluded_types if t not in delta.crime_types),
        )
        changed = True
    if delta.excluded_types:
        out = replace(
            out,
            excluded_types=tuple(dict.fromkeys(out.excluded_types + delta.excluded_types)),
            crime_types=tuple(t for t in out.crime_types if t not in delta.excluded_types),
        )
        changed = True
    if delta.outcomes:
        out = replace(out, outcomes=merge(out.outcomes, delta.outcomes))
        changed = True
    if delta.radius_m != 500 and not delta.venues and (previous.venues or previous.near_me):
        out = replace(out, radius_m=delta.radius_m)
        changed = True
    if delta.boroughs or delta.bcus or delta.venues:
        if adding:
            out = replace(
                out,
                boroughs=merge(out.boroughs, delta.boroughs),
                bcus=merge(out.bcus, delta.bcus),
                venues=merge(out.venues, delta.venues),
            )
        else:  # another place instead: the streets, LSOAs or position asked about before go too
            out = replace(
                out, boroughs=delta.boroughs, bcus=delta.bcus, venues=delta.venues, streets=(), lsoas=()
            ).without("near_me")
        if delta.venues:
            out = replace(out, radius_m=delta.radius_m)
        several = len(out.boroughs) > 1 or len(out.bcus) > 1 or len(out.venues) > 1
        grain = "borough" if len(out.boroughs) > 1 else "bcu" if len(out.bcus) > 1 else "venue"
        group_by = tuple(g for g in out.group_by if g not in ("borough", "bcu", "venue") or several)
        if several and grain not in group_by:
            group_by = (grain, *group_by)
        out = replace(out, group_by=group_by, compare=several)
        changed = True
    if delta.event or delta.event_category:
        out = replace(
            out,
            event=delta.event,
            event_category=delta.event_category,
            event_year=delta.event_year,
            event_venue=delta.event_venue,
        )
        changed = True
    if delta.time:
        out = replace(out, time=delta.time)
        if out.measure == "change":
            out = replace(out, baseline=delta.baseline or delta.time.previous())
            if out.baseline is None:
                return "A change needs two complete periods."
        changed = True
    for key in ("time_of_day", "day_type"):
        if getattr(delta, key):
            out = replace(out, **{key: getattr(delta, key)})
            changed = True
    if delta.weekdays:
        out = replace(out, weekdays=delta.weekdays)
        changed = True
    if delta.measure != "count":
        out = replace(out, measure=delta.measure, share_part=delta.share_part, baseline=delta.baseline)
        if delta.measure == "change":
            out = replace(out, time=delta.time, baseline=delta.baseline)
        changed = True
    if delta.group_by and not (delta.compare and set(delta.group_by) <= {"borough", "bcu", "venue"}):
        group_by = delta.group_by
        if delta.top_n and not GRAIN_WORDS.search(low):
            # "top 10", "just the top 3": rank what was already grouped, or the natural grain
            group_by = out.group_by or (_rank_grain(out),)
        out = replace(out, group_by=merge(out.group_by, group_by)[:3], top_n=delta.top_n, order=delta.order)
        # "per borough" after "burglary in Camden": grouping by a filter with one value means all of them
        if "borough" in group_by and len(out.boroughs) == 1 and not delta.boroughs:
            out = replace(out, boroughs=())
        if "bcu" in group_by and len(out.bcus) == 1 and not delta.bcus:
            out = replace(out, bcus=())
        if "crime_type" in group_by and len(out.crime_types) == 1 and not delta.crime_types:
            out = replace(out, crime_types=())
        changed = True
    if delta.chart:
        out = replace(out, chart=delta.chart)
        if delta.chart == "map":
            out = replace(out, group_by=(), top_n=None, measure="count")
        changed = True
    if CLEAR_AREA.search(low):
        out = replace(out, boroughs=(), bcus=(), venues=(), streets=(), lsoas=(), compare=False).without(
            "near_me"
        )
        changed = True
    if CLEAR_TYPES.search(low):
        out = replace(out, crime_types=())
        changed = True
    if CLEAR_TIME.search(low) and out.measure != "change":
        out = replace(out, time=None)
        changed = True
    if not changed:
        return "I couldn't tell what to change. Try 'what about Hackney?', 'only robberies', 'by month' or 'as a map'."
    try:
        out.check()
    except ValueError as e:
        return str(e)
    return replace(out, notes=tuple(delta.notes))


def _rank_grain(i: Intent) -> str:
    """What 'top N' ranks when nothing was grouped: streets within one place, boroughs for one
    crime type London-wide, otherwise crime types."""
    if len(i.crime_types) == 1:
        return "location" if (i.boroughs or i.venues or i.bcus) else "borough"
    return "crime_type"


def _parser_for(vocabulary: Vocabulary):
    from nlq.parse import Parser
    from nlq.pipeline import build_nlp, english_words

    key = id(vocabulary)
    if key not in _PARSERS:
        nlp = build_nlp(vocabulary)
        _PARSERS[key] = Parser(vocabulary, nlp, english_words(nlp))
    return _PARSERS[key]
