"""Thresholds on groups: "more than 40", "at least 500", "below 200", "topped 300", "40 or more".

The number is compared with each group's measure (SQL HAVING): a count, a rate, a share
or a change. A percent sign makes it a percentage ("grew by more than 15%").

>>> [(t.op, t.value, t.percent) for t in find_thresholds("lsoas with more than 40 robberies")]
[('>', 40.0, False)]
>>> [(t.op, t.value) for t in find_thresholds("crime types with at least 500 records")]
[('>=', 500.0)]
>>> [(t.op, t.value, t.percent) for t in find_thresholds("grew by more than 15 % in 2025")]
[('>', 15.0, True)]
>>> [(t.op, t.value) for t in find_thresholds("weeks with 300 or more thefts")]
[('>=', 300.0)]
>>> [(t.op, t.value) for t in find_thresholds("weeks when shoplifting did top 1850 offences")]
[('>', 1850.0)]
>>> [(t.op, t.value) for t in find_thresholds("months when violence fell below 820")]
[('<', 820.0)]
>>> find_thresholds("robbery within 500 m of the o2"), find_thresholds("show the top 5 boroughs")
([], [])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABOVE = (
    r"more\s+than|over|above|greater\s+than|higher\s+than|bigger\s+than|larger\s+than|in\s+excess\s+of"
    r"|exceeding|exceeded|exceeds|exceed|topped|topping|beyond|upwards\s+of|north\s+of"
)
_AT_LEAST = r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|not\s+less\s+than|a\s+minimum\s+of|minimum\s+of"
_BELOW = r"fewer\s+than|less\s+than|under|below|lower\s+than|smaller\s+than|beneath|south\s+of"
_AT_MOST = r"at\s+most|no\s+more\s+than|not\s+more\s+than|a\s+maximum\s+of|maximum\s+of|up\s+to"
_NUMBER = r"(?P<n>\d+(?:\.\d+)?)"
_PERCENT = r"(?P<pct>\s*(?:%|percent\b|per\s+cent\b|pc\b))?"
# what must not follow the number: a time or distance unit (a period or a radius, read elsewhere)
_NOT_UNIT = (
    r"(?!\s*(?:months?|years?|weeks?|days?|hours?|hrs?|mins?|minutes?|am|pm|m|metres?|meters?|km|kms"
    r"|kilometres?|kilometers?|miles?|mi|yards?|yds?|st|nd|rd|th)\b)"
)
# a verb that leads into the threshold is part of it: "fell below 820" is no change question
_LEAD = (
    r"(?:(?:fall|fell|fallen|falling|drop|dropped|dropping|dip|dipped|sink|sank|go|went|gone|going|rise|rose"
    r"|risen|rising|climb|climbed|get|got|be|was|were|is|are|stay|stayed|remain|remained)\s+)?"
)
_TOP = re.compile(rf"(?<![\w-])(?P<w>\w+)\s+(?P<v>top|tops)\s+{_NUMBER}{_NOT_UNIT}(?P<after>\s+\w+)?")
# after a subject ("did shoplifting top 1,850"), not a ranking ("show the top 5 boroughs")
_NOT_BEFORE_TOP = {
    "the",
    "a",
    "show",
    "give",
    "list",
    "me",
    "which",
    "what",
    "for",
    "of",
    "in",
    "and",
    "get",
    "see",
}
_GRAIN_NOUN = re.compile(
    r"\s+(?:boroughs?|bcus?|lsoas?|streets?|roads?|types?|categories|months?|weeks?|days?|hours?|areas?|wards?"
    r"|locations?|outcomes?|venues?|places?|neighbourhoods?|stations?)$"
)
_PREFIX = re.compile(
    rf"(?<![\w-]){_LEAD}(?:(?P<above>{_ABOVE})|(?P<least>{_AT_LEAST})|(?P<below>{_BELOW})|(?P<most>{_AT_MOST}))"
    rf"\s+{_NUMBER}{_NOT_UNIT}{_PERCENT}"
)
_POSTFIX = re.compile(
    rf"(?<![\w-]){_NUMBER}{_PERCENT}\s+or\s+(?:(?P<more>more|above|over|higher)|(?P<fewer>fewer|less|under|below|lower))\b"
)


@dataclass(frozen=True)
class Threshold:
    start: int  # character span in the text
    end: int
    op: str  # '>', '>=', '<', '<='
    value: float
    percent: bool


def find_thresholds(text: str, blocked: list[tuple[int, int]] = ()) -> list[Threshold]:
    """Every threshold in lower-case *text* outside the *blocked* spans, left to right."""
    found: list[Threshold] = []

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in [*blocked, *((t.start, t.end) for t in found)])

    for m in _TOP.finditer(text):
        if m["w"] in _NOT_BEFORE_TOP or (m["after"] and _GRAIN_NOUN.match(m["after"])):
            continue
        start = m.start("v")
        if free(start, m.end("n")):
            found.append(Threshold(start, m.end("n"), ">", float(m["n"]), False))
    for m in _POSTFIX.finditer(text):
        if free(m.start(), m.end()):
            op = ">=" if m["more"] else "<="
            found.append(Threshold(m.start(), m.end(), op, float(m["n"]), bool(m["pct"])))
    for m in _PREFIX.finditer(text):
        if free(m.start(), m.end()):
            op = ">" if m["above"] else ">=" if m["least"] else "<" if m["below"] else "<="
            found.append(Threshold(m.start(), m.end(), op, float(m["n"]), bool(m["pct"])))
    return sorted(found, key=lambda t: t.start)
