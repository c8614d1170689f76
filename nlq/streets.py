"""Street names in a question, from the warehouse's own locations ('On or near Camden High Street').

A street is read only with a cue, so that ordinary words are never taken for a street:

- a preposition just before it ("on", "along", "in", "at", "near", ... skipping "the"), or
- a street word at its end ("Holloway Road", "Camden High Street"),

and a name that is also a borough, venue or other vocabulary phrase ("Whitehall", "Oxford Street")
is a street only after "on", "along" or "down". Lookup is a dict of word tuples, so matching costs
a few dictionary probes per word.

>>> m = StreetMatcher({"camden high street": "On or near Camden High Street", "strand": "On or near Strand"})
>>> [(s.location, s.text) for s in m.find("burglary on camden high street last month")]
[('On or near Camden High Street', 'camden high street')]
>>> m.find("the strand is busy")
[]
>>> [s.location for s in m.find("robbery along the strand")]
['On or near Strand']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STRONG_CUES = {"on", "along", "down", "alongside"}
WEAK_CUES = {"in", "at", "near", "around", "off", "outside"}  # not "by": "by police station" is a grouping
STREET_WORDS = {
    "street",
    "road",
    "lane",
    "avenue",
    "way",
    "hill",
    "grove",
    "place",
    "gardens",
    "parade",
    "broadway",
    "rise",
    "crescent",
    "close",
    "terrace",
    "walk",
    "row",
    "drive",
    "embankment",
    "approach",
    "vale",
    "passage",
    "highway",
    "mews",
    "north",
    "south",
    "east",
    "west",
}
MAX_WORDS = 6
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class StreetMatch:
    start: int  # character span in the text
    end: int
    location: str  # crimes.location value
    text: str


class StreetMatcher:
    def __init__(self, streets: dict[str, str], phrases: dict | None = None):
        """*streets*: normalised street name -> location value; *phrases*: other vocabulary phrases."""
        self.names = {tuple(name.split()): loc for name, loc in streets.items() if name}
        self.longest = min(MAX_WORDS, max((len(k) for k in self.names), default=0))
        self.taken = set(phrases or ())

    def find(self, text: str, blocked: list[tuple[int, int]] = ()) -> list[StreetMatch]:
        """Streets in lower-case normalised *text*, left to right, not overlapping *blocked* spans."""
        if not self.names:
            return []
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        words = [text[a:b] for a, b in spans]
        out: list[StreetMatch] = []
        i = 0
        while i < len(words):
            hit = self._longest_at(words, spans, i, blocked)
            if hit is None:
                i += 1
                continue
            n, location = hit
            a, b = spans[i][0], spans[i + n - 1][1]
            out.append(StreetMatch(a, b, location, text[a:b]))
            i += n
        return out

    def _longest_at(self, words, spans, i, blocked):
        for n in range(min(self.longest, len(words) - i), 0, -1):
            key = tuple(words[i : i + n])
            location = self.names.get(key)
            if location is None:
                continue
            a, b = spans[i][0], spans[i + n - 1][1]
            if any(a < y and x < b for x, y in blocked):
                continue
            if self._cued(words, i, key):
                return n, location
        return None

    def _cued(self, words, i, key) -> bool:
        j = i - 1
        while j >= 0 and words[j] in ("the", "a"):
            j -= 1
        cue = words[j] if j >= 0 else ""
        if cue in STRONG_CUES:
            return True
        if " ".join(key) in self.taken:  # a borough, venue or other phrase: only 'on X' makes it a street
            return False
        return cue in WEAK_CUES or (len(key) > 1 and key[-1] in STREET_WORDS)
