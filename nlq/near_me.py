"""'Near me': questions about the asker's own location.

"crime near me last month", "what happened around here this week", "robberies within 300 m
of me", "burglary close to my location" are read as a radius (500 m unless given) around a
point the asker's browser supplies at ask time. The parser marks the intent ``near_me``; the
point is not part of the question, so it is added by ``locate(intent, lat, lon)`` (validated)
just before the SQL is built, with the same bounding box and ``haversine_m`` as venues.

Without a point there is no SQL: ``NO_LOCATION`` says how to allow location or pick a place.
A near-me question is never answered London-wide.

>>> find("robberies within 300 m of me last month").text
'of me'
>>> find("show me burglary in camden") is None
True
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from sqlglot import exp

DEFAULT_RADIUS_M = 500
LABEL = "your location"
# The place words: "me", "here", "my location", "my current position", "where I am"
_ANCHOR = r"(?:me|here|my\s+(?:current\s+)?(?:location|position)|where\s+i\s+am(?:\s+now)?)"
# A place word only counts after a word that makes it a place ("show me burglary" is not near me)
_PREPOSITION = r"(?:near|nearby|around|round|close\s+to|next\s+to|of|from)"
# ...or on their own: "crime nearby", "burglary close by", "ASB in my area"
_ALONE = r"(?:nearby|close\s+by|in\s+my\s+area)"
NEAR_ME = re.compile(rf"\b(?:{_PREPOSITION}\s+{_ANCHOR}|{_ALONE})\b")

# "robberies near me, I'm at King's Cross": the asker says where they are, so the place named is it
SAYS_WHERE = re.compile(r"\b(?:i'?m|i\s+am)\s+(?:at|near|by|outside)\b")

NO_LOCATION = (
    "This question is about where you are and I don't have your location, so I have not answered it "
    "(a near-me question is never answered for all of London). Allow location for this site when "
    "your browser asks, or in the site settings by the address bar, and ask again; or pick a place instead."
)


@dataclass(frozen=True)
class Phrase:
    start: int
    end: int
    text: str


def find(text: str) -> Phrase | None:
    """The first near-me phrase in normalised question text, or None."""
    m = NEAR_ME.search(text)
    return None if m is None else Phrase(m.start(), m.end(), m.group(0))


def says_where(text: str) -> bool:
    """True when the asker names where they are ("I'm at King's Cross")."""
    return SAYS_WHERE.search(text) is not None


def instead(question: str, venues) -> list[str]:
    """The question about each of *venues* instead of the asker's location: "robberies within
    300 m of me" -> "robberies within 300 m of Brixton", "crime near me" -> "crime near Brixton"."""
    pattern = re.compile(NEAR_ME.pattern, re.IGNORECASE)
    out = []
    for venue in venues:

        def place(m: re.Match, venue=venue) -> str:
            word = m.group(0).split()[0].lower()
            return f"{word if word in ('of', 'from') else 'near'} {venue}"

        text = pattern.sub(place, question, count=1)
        if text != question:
            out.append(" ".join(text.split()))
    return out


def check_point(latitude, longitude) -> tuple[float, float]:
    """(latitude, longitude) as finite floats in range; ValueError otherwise."""
    values = []
    for name, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name} must be a number")
        value = float(value)
        if not math.isfinite(value) or not -limit <= value <= limit:
            raise ValueError(f"{name} must be between -{limit} and {limit}")
        values.append(value)
    return values[0], values[1]


def locate(intent, latitude, longitude):
    """The near-me intent with the asker's point filled in (validated)."""
    if not intent.near_me:
        return intent
    lat, lon = check_point(latitude, longitude)
    return replace(intent, latitude=lat, longitude=lon)


def rounded(intent, places: int = 3):
    """The intent with its point rounded (the audit log keeps 3 decimals, about 100 m)."""
    if intent is None or intent.latitude is None:
        return intent
    return replace(intent, latitude=round(intent.latitude, places), longitude=round(intent.longitude, places))


def chip_label(intent) -> str:
    """'within 500 m of your location (51.5123, −0.1402)'."""
    m = intent.radius_m
    distance = f"{m / 1000:g} km" if m >= 1000 else f"{m} m"
    label = f"within {distance} of {LABEL}"
    if intent.latitude is not None:
        label += f" ({_coordinate(intent.latitude)}, {_coordinate(intent.longitude)})"
    return label


def _coordinate(value: float) -> str:
    return f"{value:.4f}".replace("-", "\u2212")  # a true minus sign, as printed


def box(latitude: float, longitude: float, radius_m: int):
    """((south, north), (west, east)) a little wider than the radius (as for venues)."""
    dlat = radius_m * 1.01 / 111_195 + 1e-6
    dlon = dlat / max(math.cos(math.radians(abs(latitude) + dlat)), 0.01)
    return (latitude - dlat, latitude + dlat), (longitude - dlon, longitude + dlon)


def condition(intent) -> exp.Expression:
    """The crimes within the radius of the asker's point: a cheap box on the crime's own
    columns, then the exact ``haversine_m``. Raises ValueError without a point."""
    if intent.latitude is None or intent.longitude is None:
        raise ValueError(NO_LOCATION)
    lat, lon = check_point(intent.latitude, intent.longitude)
    (south, north), (west, east) = box(lat, lon, intent.radius_m)
    column = lambda name: exp.column(name, table="c")  # noqa: E731
    number = exp.Literal.number
    distance = exp.Anonymous(
        this="haversine_m",
        expressions=[column("latitude"), column("longitude"), number(lat), number(lon)],
    )
    return exp.and_(
        column("latitude").between(number(south), number(north)),
        column("longitude").between(number(west), number(east)),
        distance <= number(intent.radius_m),
    )
