"""The words the engine understands, loaded from the warehouse.

Boroughs, BCUs, crime types (with synonyms), outcomes, venues and events all come from
the warehouse tables, so a new venue or event in the data is understood without code
changes. The small built-in tables below only add everyday words for the fixed
police.uk categories and outcomes; they apply only to values present in the data.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

STREET_PREFIX = "On or near "
THEFT_TYPES = ("Bicycle theft", "Other theft", "Shoplifting", "Theft from the person")

# Everyday words for the police.uk categories (DESIGN.md "Vocabulary").
CRIME_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Violence and sexual offences": (
        "violent crime",
        "violence",
        "assault",
        "violent offence",
        "vsos",
        "sexual offence",
        "sex offence",
        "violence and sexual offence",
        "violence against the person",
        "wounding",
    ),
    "Anti-social behaviour": (
        "asb",
        "antisocial behaviour",
        "anti social behaviour",
        "anti-social behavior",
        "antisocial behavior",
        "nuisance",
    ),
    "Robbery": ("mugging", "robbery", "robbed", "mugged", "street robbery"),
    "Burglary": (
        "burg",
        "burgs",
        "break-in",
        "break in",
        "burgled",
        "burglary",
        "burglarised",
        "housebreaking",
        "burgle",
        "home burglary",
        "burglaries",
    ),
    "Vehicle crime": (
        "car crime",
        "vehicle crime",
        "car theft",
        "vehicle theft",
        "theft from vehicles",
        "theft of vehicles",
        "stolen car",
        "vehicle offence",
    ),
    "Bicycle theft": (
        "bike theft",
        "cycle theft",
        "bicycle theft",
        "stolen bike",
        "stolen bicycle",
        "bike crime",
    ),
    "Possession of weapons": (
        "knife crime",
        "weapon",
        "weapons offence",
        "weapon offence",
        "possession of weapons",
        "weapon possession",
        "knife",
        "knives",
        "gun crime",
        "firearm",
    ),
    "Theft from the person": (
        "pickpocketing",
        "pickpocket",
        "phone snatching",
        "phone snatch",
        "snatch theft",
        "theft from the person",
        "theft from person",
        "phone theft",
    ),
    "Criminal damage and arson": (
        "arson",
        "criminal damage",
        "vandalism",
        "graffiti",
        "criminal damage and arson",
    ),
    "Drugs": ("drug offence", "drug", "drug crime", "drug dealing", "drug possession", "narcotic"),
    "Shoplifting": ("shoplifting", "shop theft", "shoplifter", "theft from shops"),
    "Public order": ("public order", "public order offence", "disorder"),
    "Other theft": ("other theft",),
    "Other crime": ("other crime",),
}
GENERIC_THEFT = ("theft", "thefts", "stealing", "stolen", "thieving", "larceny")
NOTES = {"Possession of weapons": "police.uk has no knife-crime flag: counted as Possession of weapons"}
NOTE_TRIGGERS = ("knife", "knives", "gun crime", "firearm")

# Everyday words for police.uk outcome categories.
OUTCOME_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Investigation complete; no suspect identified": (
        "no suspect identified",
        "no suspect",
        "unsolved",
        "no suspects identified",
        "not solved",
        "without a suspect",
        "no suspect found",
        "no suspect was identified",
        "investigation complete and no suspect identified",
        "investigation complete with no suspect identified",
        "investigation complete no suspect identified",
        "no suspects were identified",
        "no suspect was found",
    ),
    "Under investigation": (
        "under investigation",
        "still under investigation",
        "being investigated",
        "ongoing investigation",
        "still open",
        "open investigation",
        "ongoing",
    ),
    "Suspect charged as part of another case": (
        "charged",
        "suspect charged",
        "charged as part of another case",
    ),
    "Awaiting court outcome": (
        "awaiting court",
        "awaiting court outcome",
        "awaiting a court outcome",
        "went to court",
    ),
    "Offender given a caution": ("caution", "cautioned", "given a caution"),
    "Unable to prosecute suspect": ("unable to prosecute", "could not prosecute", "not prosecuted"),
    "Local resolution": ("local resolution", "resolved locally"),
    "Offender sent to prison": ("sent to prison", "jailed", "imprisoned", "prison"),
    "Offender given a drugs possession warning": (
        "drugs possession warning",
        "drugs warning",
        "cannabis warning",
    ),
    "Offender given penalty notice": ("penalty notice", "fixed penalty", "penalty notices", "fine", "fined"),
    "Status update unavailable": ("status update unavailable", "status unavailable"),
    "Court result unavailable": ("court result unavailable",),
    "Further action is not in the public interest": (
        "further action is not in the public interest",
        "further action not in the public interest",
    ),
    "Further investigation is not in the public interest": (
        "further investigation is not in the public interest",
        "further investigation not in the public interest",
    ),
    "Formal action is not in the public interest": (
        "formal action is not in the public interest",
        "formal action not in the public interest",
    ),
    "Action to be taken by another organisation": (
        "another organisation",
        "action by another organisation",
        "another agency",
    ),
}
# Said of several outcomes at once; each phrase stands for every listed outcome present in the data.
SHARED_OUTCOME_PHRASES = {
    "not in the public interest": (
        "Further action is not in the public interest",
        "Further investigation is not in the public interest",
        "Formal action is not in the public interest",
    ),
}

# Everyday words for event categories; applied only when the category is in the data.
CATEGORY_SYNONYMS = {
    "football": (
        "match",
        "match day",
        "matchday",
        "football match",
        "game",
        "fixture",
        "home game",
        "game day",
    ),
    "concert": ("gig", "concert", "music event"),
    "festival": ("festival",),
    "parade": ("parade", "procession"),
    "sport": ("match", "game", "sporting event"),
}

# Short names people use for boroughs; applied only when the long name is in the data.
BOROUGH_ALIASES = {
    "Kingston upon Thames": ("kingston",),
    "Richmond upon Thames": ("richmond",),
    "Hammersmith and Fulham": ("hammersmith", "fulham", "h and f", "lbhf"),
    "Kensington and Chelsea": ("kensington", "chelsea", "rbkc", "k and c"),
    "Barking and Dagenham": ("barking", "dagenham"),
    "City of London": ("the city", "city"),
    "Tower Hamlets": ("tower hamlet",),
    "Waltham Forest": ("walthamstow",),
}
# Words that must not become a venue's short name.
GENERIC_WORDS = {
    "the",
    "london",
    "city",
    "royal",
    "national",
    "new",
    "old",
    "park",
    "stadium",
    "arena",
    "station",
    "centre",
    "center",
    "hall",
    "theatre",
    "theater",
    "square",
    "street",
    "road",
    "market",
    "bridge",
    "garden",
    "gardens",
    "common",
    "palace",
    "house",
    "tower",
    "west",
    "east",
    "north",
    "south",
    "central",
    "great",
    "st",
    "saint",
    "kings",
    "king",
    "queen",
    "queens",
    "olympic",
    "community",
    "stadia",
    "ground",
    "all",
    "one",
    "big",
    "little",
    "upper",
    "lower",
    "horse",
    "premier",
    "world",
    "final",
    "festival",
}
# last words of event names that say what kind of event it is, not which one
EVENT_KIND_WORDS = {
    "tour",
    "final",
    "finals",
    "games",
    "awards",
    "festival",
    "fireworks",
    "parade",
    "concert",
    "match",
    "matches",
    "series",
    "season",
    "league",
    "offs",
    "championship",
    "championships",
    "cup",
    "trophy",
    "colour",
    "colours",
    "london",
    "stadium",
    "park",
    "arena",
    "spheres",
    "optimism",
    "carpenter",
}
VENUE_KIND_WORDS = {"stadium", "arena", "station", "centre", "center", "hall", "theatre", "ground", "venue"}


@dataclass
class Vocabulary:
    """Canonical names plus the phrases that point at them (all phrases lower case)."""

    boroughs: dict[str, dict] = field(default_factory=dict)  # name -> {bcu, population}
    bcus: list[str] = field(default_factory=list)
    crime_types: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    venues: dict[str, dict] = field(default_factory=dict)  # name -> {kind, borough}
    venue_aliases: dict[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # name -> nicknames (venues.aliases)
    streets: dict[str, str] = field(default_factory=dict)  # 'camden high street' -> crimes.location value
    lsoas: dict[str, str] = field(default_factory=dict)  # 'camden 001a' and 'e01000907' -> crimes.lsoa_name
    events: list[dict] = field(default_factory=list)  # {name, venue, category, years}
    event_categories: list[str] = field(default_factory=list)
    event_windows: list[dict] = field(
        default_factory=list
    )  # one per event: name, venue, category, starts/ends
    anchor_month: dt.date = dt.date(2025, 12, 1)
    first_month: dt.date = dt.date(2024, 1, 1)
    anchor_day: dt.date = dt.date(2025, 12, 31)
    # phrase -> (label, value); value is a tuple of canonical names
    phrases: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    # ---- building ---------------------------------------------------------------------------
    @classmethod
    def from_connection(cls, con) -> Vocabulary:
        """Read the vocabulary from an open (read-only) warehouse connection."""
        v = cls()
        for name, bcu, pop in con.execute(
            "SELECT borough, bcu, population FROM boroughs ORDER BY borough"
        ).fetchall():
            v.boroughs[name] = {"bcu": bcu, "population": pop}
        v.bcus = sorted({b["bcu"] for b in v.boroughs.values() if b["bcu"]})
        types = con.execute("SELECT crime_type, synonyms FROM crime_types ORDER BY crime_type").fetchall()
        v.crime_types = [t for t, _ in types]
        table_synonyms = {t: tuple(s or ()) for t, s in types}
        v.outcomes = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT last_outcome_category FROM crimes WHERE last_outcome_category IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        for name, kind, borough, lat, lon in con.execute(
            "SELECT venue, kind, borough, latitude, longitude FROM venues ORDER BY venue"
        ).fetchall():
            v.venues[name] = {"kind": kind, "borough": borough, "latitude": lat, "longitude": lon}
        if _has_column(con, "venues", "aliases"):  # optional nicknames column ('Ally Pally')
            for name, aliases in con.execute("SELECT venue, aliases FROM venues ORDER BY venue").fetchall():
                v.venue_aliases[name] = tuple(a for a in (aliases or ()) if isinstance(a, str) and a.strip())
        v.streets = {
            normalise_phrase(loc[len(STREET_PREFIX) :]): loc
            for (loc,) in con.execute(
                "SELECT DISTINCT location FROM crimes WHERE location LIKE 'On or near %' ORDER BY 1"
            ).fetchall()
            if "/" not in loc
        }
        for code, name in con.execute(
            "SELECT DISTINCT lsoa_code, lsoa_name FROM crimes WHERE lsoa_name IS NOT NULL ORDER BY 2, 1"
        ).fetchall():
            v.lsoas[normalise_phrase(name)] = name
            if code:
                v.lsoas[code.lower()] = name
        rows = con.execute(
            "SELECT name, venue, category, list(DISTINCT year(starts_at) ORDER BY year(starts_at)) "
            "FROM events GROUP BY name, venue, category ORDER BY name, venue"
        ).fetchall()
        v.events = [{"name": n, "venue": ve, "category": c, "years": sorted(y)} for n, ve, c, y in rows]
        v.event_categories = sorted({e["category"] for e in v.events if e["category"]})
        v.event_windows = [
            {"name": n, "venue": ve, "category": c, "starts_at": s, "ends_at": e}
            for n, ve, c, s, e in con.execute(
                "SELECT name, venue, category, starts_at, ends_at FROM events ORDER BY starts_at, name"
            ).fetchall()
        ]
        fm, am, ad = con.execute(
            "SELECT min(month), max(month), CAST(max(occurred_at) AS DATE) FROM crimes"
        ).fetchone()
        v.first_month = fm or v.first_month
        v.anchor_month = am or v.anchor_month
        v.anchor_day = ad or _month_end(v.anchor_month)
        v._build_phrases(table_synonyms)
        return v

    def _add(self, phrase: str, label: str, values: tuple[str, ...], overwrite: bool = False) -> None:
        phrase = normalise_phrase(phrase)
        if not phrase:
            return
        if overwrite or phrase not in self.phrases:
            self.phrases[phrase] = (label, values)
        if "'" in phrase and label in ("VENUE", "EVENT", "BOROUGH", "BCU"):
            # "shepherds bush", "kings cross": names typed without their apostrophe
            bare = phrase.replace("'s", "s").replace("'", "")
            if bare not in self.phrases:
                self.phrases[bare] = (label, values)

    def _build_phrases(self, table_synonyms: dict[str, tuple[str, ...]]) -> None:
        for name in self.boroughs:
            self._add(name, "BOROUGH", (name,), overwrite=True)
            for alias in BOROUGH_ALIASES.get(name, ()):
                self._add(alias, "BOROUGH", (name,))
            if not name.endswith("s"):  # "suttons theft": a possessive typed without its apostrophe
                self._add(name + "s", "BOROUGH", (name,))
        for bcu in self.bcus:
            self._add(bcu + " bcu", "BCU", (bcu,), overwrite=True)
            self._add(bcu + " basic command unit", "BCU", (bcu,), overwrite=True)
            self._add(bcu, "BCU", (bcu,))
        known = set(self.crime_types)
        for t in self.crime_types:
            self._add(t, "CRIME", (t,), overwrite=True)
            for s in table_synonyms.get(t, ()) + CRIME_SYNONYMS.get(t, ()):
                self._add(s, "CRIME", (t,))
        thefts = tuple(t for t in THEFT_TYPES if t in known)
        for s in GENERIC_THEFT:
            self._add(s, "CRIME", thefts)
        for o in self.outcomes:
            self._add(o, "OUTCOME", (o,), overwrite=True)
        for o, syns in OUTCOME_SYNONYMS.items():
            if o in self.outcomes:
                for s in syns:
                    self._add(s, "OUTCOME", (o,))
        for s, outcomes in SHARED_OUTCOME_PHRASES.items():
            present = tuple(o for o in outcomes if o in self.outcomes)
            if present:
                self._add(s, "OUTCOME", present)
        borough_words = {normalise_phrase(b) for b in self.boroughs}
        alias_count: dict[str, set[str]] = {}
        for name in self.venues:
            self._add(name, "VENUE", (name,), overwrite=True)
            for alias in venue_aliases(name):
                if alias not in borough_words and alias not in GENERIC_WORDS:
                    alias_count.setdefault(alias, set()).add(name)
        for alias, names in alias_count.items():
            if len(names) == 1:
                self._add(alias, "VENUE", tuple(names))
        for name, nicknames in self.venue_aliases.items():  # from the data: 'Ally Pally', 'Spurs stadium'
            for alias in nicknames:
                if normalise_phrase(alias) not in borough_words:
                    self._add(alias, "VENUE", (name,))
        parts: dict[str, set[str]] = {}
        for e in self.events:
            for p in event_name_parts(e["name"]):
                parts.setdefault(p, set()).add(p)
        for p in parts:
            key = normalise_phrase(p)
            if key in self.phrases and self.phrases[key][0] in ("BOROUGH", "VENUE", "CRIME", "BCU"):
                continue
            self._add(p, "EVENT", (p,))
            if p.isupper() and p.isalpha():  # "the BRITs": an acronym's plural names the same events
                self._add(p + "s", "EVENT", (p,))
            if "'" in p:  # "new years eve fireworks": typed without the apostrophe
                self._add(p.replace("'s", "s").replace("'", ""), "EVENT", (p,))
            if " v " in p:  # 'Arsenal v Liverpool' is also typed 'Arsenal vs Liverpool'
                self._add(p.replace(" v ", " vs "), "EVENT", (p,))
        for c in self.event_categories:
            self._add(c, "EVENTCAT", (c,))
            for s in CATEGORY_SYNONYMS.get(c, ()):
                self._add(s, "EVENTCAT", (c,))

    # ---- lookups ----------------------------------------------------------------------------
    def bcu_of(self, borough: str) -> str | None:
        return self.boroughs.get(borough, {}).get("bcu")

    def events_matching(
        self, pattern: str | None, category: str | None = None, venue: str | None = None
    ) -> list[dict]:
        """Events whose name contains *pattern* (case-insensitive), optionally by category and venue."""
        out = []
        for e in self.events:
            if pattern and pattern.lower() not in e["name"].lower():
                continue
            if category and e["category"] != category:
                continue
            if venue and e["venue"] != venue:
                continue
            out.append(e)
        return out

    def words(self) -> set[str]:
        """Every single word that appears in some phrase (for spelling correction)."""
        return {w for p in self.phrases for w in p.split()}


def _has_column(con, table: str, column: str) -> bool:
    return any(r[0] == column for r in con.execute(f"DESCRIBE {table}").fetchall())


def normalise_phrase(text: str) -> str:
    """Lower case, '&' as 'and', punctuation other than hyphens and apostrophes as spaces.

    >>> normalise_phrase("Taylor Swift | The Eras Tour")
    'taylor swift the eras tour'
    >>> normalise_phrase("Hammersmith & Fulham")
    'hammersmith and fulham'
    """
    text = fold_accents(text).lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"[^\w\s'-]", " ", text)
    return " ".join(text.split())


def fold_accents(text: str) -> str:
    """'Beyoncé' -> 'Beyonce'."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def venue_aliases(name: str) -> list[str]:
    """Shorter names for a venue: without 'the' and without a trailing kind word.

    >>> venue_aliases("The O2")
    ['o2']
    >>> venue_aliases("Wembley Stadium")
    ['wembley']
    """
    words = normalise_phrase(name).split()
    out = []
    if words and words[0] == "the":
        words = words[1:]
        out.append(" ".join(words))
    while len(words) > 1 and words[-1] in VENUE_KIND_WORDS:
        words = words[:-1]
        out.append(" ".join(words))
    if len(words) > 1 and words[0] not in GENERIC_WORDS and len(words[0]) >= 5:
        out.append(words[0])
    out += [a.replace("'s", "s").replace("'", "") for a in [normalise_phrase(name), *out] if "'" in a]
    return [a for a in dict.fromkeys(out) if a and a != normalise_phrase(name)]


def event_name_parts(name: str) -> list[str]:
    """The distinctive parts of an event name, each usable as an ILIKE pattern.

    >>> event_name_parts("Taylor Swift | The Eras Tour")
    ['Taylor Swift | The Eras Tour', 'Taylor Swift', 'Taylor', 'The Eras Tour', 'Eras Tour']
    >>> event_name_parts("Notting Hill Carnival 2024 (Family Day)")
    ['Notting Hill Carnival', 'Carnival', 'Notting']
    """
    # years and asides are left to the question ("Carnival 2024 (Family Day)" -> "Carnival", year 2024)
    base = re.sub(r"\([^)]*\)|\b(19|20)\d{2}\b|'\d{2}\b", " ", name)
    base = " ".join(base.split())
    out = [base]
    for fixture in re.split(r"\s*(?:\||:| - | – )\s*", base):  # 'Arsenal v Liverpool' as a whole
        if re.search(r" vs?\.? ", fixture):
            out.append(fixture.strip())
    for piece in re.split(r"\s*(?:\||:| - | – | v | vs\.? )\s*", base):
        piece = piece.strip()
        out.append(piece)
        words = piece.split(" ")
        if len(words) >= 3 and sum(ch.isupper() for ch in words[0]) >= 2:
            out.append(
                " ".join(words[1:])
            )  # without a brand or acronym: 'TCS London Marathon' -> 'London Marathon'
        if piece.lower().startswith("the "):
            piece = piece[4:]
            out.append(piece)
        # a distinctive last word names the event too ("the carnival" for Notting Hill Carnival)
        last = piece.split(" ")[-1]
        if " " in piece and len(last) >= 6 and last[:1].isupper() and last.lower() not in EVENT_KIND_WORDS:
            out.append(last)
        # a tour or a display is called by its name: 'Cowboy Carter Tour' -> 'Cowboy Carter',
        # "New Year's Eve Fireworks" -> "New Year's Eve"
        stem = re.sub(
            r"\s+(?:world\s+tour|tour|fireworks?|celebrations?|display|festival|live(?:\s+'?\d\d)?)$",
            "",
            piece,
            flags=re.I,
        )
        if stem != piece and " " in stem:
            out.append(stem)
        first = piece.split(" ")[0]
        # a distinctive first word names the event on its own ("Wimbledon", "Oasis", "NFL")
        if " " in piece and (len(first) >= 5 or (len(first) >= 3 and first.isupper())):
            out.append(first)
    return [p for p in dict.fromkeys(out) if len(p) >= 3 and normalise_phrase(p) not in GENERIC_WORDS]


def _month_end(month: dt.date) -> dt.date:
    nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)
