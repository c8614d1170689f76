"""LSOAs named in a question ('Westminster 018A', 'LSOA E01004736'), from the warehouse's own names.

An LSOA name is a borough and a three-digit code with a letter; a code is 'E01' and six digits.
A name is read only when the warehouse has it, so a mistyped code is left for the parser to
report as not understood. A leading 'LSOA' / 'LSOA code' belongs to the mention.

>>> names = {"westminster 018a": "Westminster 018A", "e01004736": "Westminster 018A"}
>>> [(m.name, m.text) for m in find_lsoas("crime by type in lsoa westminster 018a in 2025", names)]
[('Westminster 018A', 'lsoa westminster 018a')]
>>> [m.name for m in find_lsoas("robbery in e01004736", names)], find_lsoas("robbery in westminster 999z", names)
(['Westminster 018A'], [])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CODE = re.compile(r"\b(?:\d{3}[a-z]|e01\d{6})\b")
_LEAD = re.compile(r"(?:\b(?:the\s+)?lsoas?(?:\s+code)?\s+)$")
MAX_NAME_WORDS = 4  # 'kensington and chelsea 001a', 'city of london 001f'


@dataclass(frozen=True)
class LsoaMention:
    name: str  # crimes.lsoa_name
    start: int
    end: int
    text: str


def find_lsoas(text: str, names: dict[str, str], blocked=()) -> list[LsoaMention]:
    """LSOA mentions in lower-case *text*; *names* maps 'westminster 018a' and codes to names."""
    found = []
    for m in _CODE.finditer(text):
        start = None
        if m[0] in names and m[0].startswith("e01"):
            start, name = m.start(), names[m[0]]
        else:
            before = text[: m.start()].split(" ")[:-1]  # the words before, the last one empty
            for n in range(min(MAX_NAME_WORDS, len(before)), 0, -1):
                phrase = " ".join([*before[-n:], m[0]])
                if phrase in names:
                    start, name = m.end() - len(phrase), names[phrase]
                    break
        if start is None:
            continue
        lead = _LEAD.search(text[:start])
        if lead:
            start = lead.start()
        if any(start < b and a < m.end() for a, b in blocked):
            continue
        found.append(LsoaMention(name, start, m.end(), text[start : m.end()]))
    return found
