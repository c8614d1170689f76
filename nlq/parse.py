"""From a question to an Intent: normalise, correct spelling, find time expressions,
run the spaCy pipeline, then read the matched parts by a few general rules.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from nlq import near_me, what_changed
from nlq.context import asides, asking_parts
from nlq.event_window import find_event_windows
from nlq.fold import fold
from nlq.hours import find_hours
from nlq.intent import GRAIN_LABELS, GRAINS, TIME_GRAINS, WEEKDAYS, Intent, hour_range, hour_spans
from nlq.lsoas import find_lsoas
from nlq.numbers import number_words_to_digits
from nlq.pipeline import FILLER
from nlq.refusal import MAX_LENGTH, refuse_reason
from nlq.streets import StreetMatcher
from nlq.threshold import find_thresholds
from nlq.timeexpr import MONTHS, NUMBERS, TimeMatch, TimeWindow, find_related_periods, find_times
from nlq.vocabulary import (
    NOTE_TRIGGERS,
    NOTES,
    OUTCOME_SYNONYMS,
    Vocabulary,
    event_name_parts,
    fold_accents,
    normalise_phrase,
)

ADJECTIVE_GRAINS = {"hourly", "daily", "weekly", "monthly", "quarterly", "yearly", "annual", "annually"}
GROUP_TRIGGERS = {"by", "per", "each", "every", "across", "within", "between"}
BREAKDOWN_WORDS = {"breakdown", "breakdowns", "split", "splits", "mix", "profile", "profiles", "distribution"}
SHARE_KEYS = {
    "CRIME": "crime_types",
    "OUTCOME": "outcomes",
    "BOROUGH": "boroughs",
    "BCU": "bcus",
    "VENUE": "venues",
    "TOD": "time_of_day",
    "DAYTYPE": "day_type",
    "DAYNAME": "weekdays",
    "EVENT": "event",
    "EVENTCAT": "event",
}
UP_WORDS = {
    "increase",
    "increased",
    "increases",
    "increasing",
    "rise",
    "risen",
    "rose",
    "rising",
    "rises",
    "grow",
    "grew",
    "grown",
    "growing",
    "grows",
    "growth",
    "go up",
    "gone up",
    "went up",
    "goes up",
    "up",
    "climb",
    "climbed",
    "jump",
    "jumped",
    "worse",
    "got worse",
    "trend up",
    "higher",
}
DOWN_WORDS = {
    "decrease",
    "decreased",
    "decreases",
    "decreasing",
    "fall",
    "fallen",
    "fell",
    "falling",
    "falls",
    "drop",
    "dropped",
    "dropping",
    "drops",
    "decline",
    "declined",
    "declining",
    "down",
    "go down",
    "gone down",
    "went down",
    "goes down",
    "reduce",
    "reduced",
    "better",
    "got better",
    "shrank",
    "shrunk",
    "lower",
}
PART_MARKERS = {
    "takes",
    "take",
    "taking",
    "comes",
    "came",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "happen",
    "happened",
    "happens",
    "occur",
    "occurred",
    "occurs",
    "that",
    "which",
    "with",
    "where",
    "had",
    "have",
    "has",
    "ended",
    "ending",
    "resulted",
    "resulting",
    "took",
}
PLACE_PREPOSITIONS = {"in", "near", "at", "around", "of", "outside", "to", "from"}
RADIUS_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "half a": 0.5, "half an": 0.5}
RADIUS = re.compile(
    r"(?:within|in\s+a|inside|less\s+than|under|up\s+to)?\s*"
    r"(?P<n>\d+(?:\.\d+)?|(?<![\w-])(?:half\s+an?|an?|one|two|three)(?=\s))\s*"
    r"(?P<u>m|metres?|meters?|km|kms|kilometres?|kilometers?|miles?|mi|yards?|yds?)\b(?:\s+(?:radius\s+)?(?:of|from|around))?"
)
DEFAULT_PLURAL_TOP = 5
# words after a year-like number that keep it a year ("over 2024 and 2025", "above 2020 levels" aside)
NOT_A_COUNT = {
    "to",
    "and",
    "or",
    "until",
    "till",
    "vs",
    "versus",
    "v",
    "levels",
    "level",
    "figures",
    "figure",
}
TIME_LINKS = {"over", "than", "before", "after", "until", "across", "throughout", "through"}
PERCENT_WORDS = {"percentage", "percent", "%", "per cent", "percentage terms", "percentages"}
# Labels that say how to answer but not what about: a question made only of these is not about crime.
FUNCTION_LABELS = {"PER", "WHICH", "NEAR", "EXCLUDE", "TOTAL", "COMPARE", "CHART", "COUNT", "FILLER"}
# "up"/"down" after these words is not a change ("broken down by month", "split up").
NOT_CHANGE_BEFORE = {
    "broken",
    "break",
    "breaking",
    "broke",
    "split",
    "drill",
    "drilled",
    "round",
    "sum",
    "summed",
    "add",
    "added",
    "look",
    "looking",
    "set",
    "make",
    "made",
    "pick",
    "picked",
    "show",
    "turn",
    "turned",
    "write",
    "written",
    "narrow",
    "narrowed",
    "boil",
    "back",
    "hold",
    "held",
    "stick",
}
# "st" is "street" after a name and before the end or a function word ("Oxford St in 2025"), not in "St Pancras".
_ST = re.compile(
    r"(?<=[a-z'] )st(?=$| (?:in|on|near|at|by|for|during|since|from|last|this|between|over|and|or"
    r"|vs|v|with|within|around|\d))"
)
# American spellings of words the vocabulary holds in British spelling.
US_SPELLING = {
    "behavior": "behaviour",
    "behaviors": "behaviours",
    "neighborhood": "neighbourhood",
    "neighborhoods": "neighbourhoods",
    "offense": "offence",
    "offenses": "offences",
    "center": "centre",
    "theater": "theatre",
    "meter": "metre",
    "kilometer": "kilometre",
}
_US_WORD = re.compile(r"\b(?:" + "|".join(US_SPELLING) + r")\b")
# Short forms of time words as officers type them ("last yr", "3 mths", "prev wk").
TIME_SHORT = {
    "yr": "year",
    "yrs": "years",
    "mth": "month",
    "mths": "months",
    "mnth": "month",
    "mnths": "months",
    "wk": "week",
    "wks": "weeks",
    "hr": "hour",
    "hrs": "hours",
    "qtr": "quarter",
    "qtrs": "quarters",
    "prev": "previous",
    "nye": "new year's eve",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
    "thurs": "thursday",
    "thu": "thursday",
    "tues": "tuesday",
    "wed": "wednesday",
    "weds": "wednesday",
    "mon": "monday",
}
# Text-speak for question words ("hw many", "wat time").
WORD_SHORT = {"hw": "how", "wat": "what", "wot": "what", "whr": "where", "btwn": "between", "betw": "between"}
SHORT_FORMS = TIME_SHORT | WORD_SHORT
_SHORT_FORM = re.compile(r"\b(?:" + "|".join(SHORT_FORMS) + r")\b")
# Short forms of the last word of a place name, expanded only when the result names a known
# place ("kings x" -> "kings cross", "leicester sq" -> "leicester square"), never on their own.
ABBREVIATIONS = {
    "x": "cross",
    "sq": "square",
    "stn": "station",
    "pk": "park",
    "rd": "road",
    "stad": "stadium",
    "ctr": "centre",
    "cntr": "centre",
    "mkt": "market",
    "pal": "palace",
}


@dataclass
class ParseResult:
    intent: Intent | None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    sql: str | None = None  # filled in by Engine.parse when there is an intent
    unknown: list[str] = field(default_factory=list)  # words not understood, as typed
    without: str | None = None  # the question without them: the reading offered instead


@dataclass
class Part:
    label: str
    value: str  # entity id: a vocabulary phrase or a keyword value
    start: int  # token span
    end: int
    text: str


# Greetings and asides whose words mean something elsewhere: "Good morning!" is not the morning,
# "one more from me" is no number.
_COURTESY = re.compile(
    r"^\s*good\s+(?:morning|afternoon|evening|day)\b"
    r"|\b(?:just\s+)?one\s+more\s+(?:from\s+me|question|thing|for\s+you)\b"
    r"|\bnew\s+to\s+the\s+(?:team|job|role|unit|borough)\b"
    r"|\bi(?:'m|\s+am)\s+new\b"
    r"|\bi\s+mean\b"  # "I mean all the kinds of theft": not an average
)


# Phrasings said plainly, in order (compiled once: every question passes through them)
_PHRASINGS = [
    (re.compile(p), plain)
    for p, plain in (
        # "burglaries end with / end as no suspect identified"
        (r"\bend(?:s|ed)?\s+(?:up\s+)?(?:with|as|in)\b", "ended with"),
        (r"\bleft\s+(?=unsolved\b)", ""),  # "vehicle crime left unsolved"
        (r"\bper\s+(1000|1k|100000|100k)\s+pop\b", r"per \1 population"),
        # "where the offender was given a caution": the outcome's own words
        (r"\b(offender|suspect)\s+(?:was|were|is|are|has\s+been|have\s+been|had\s+been|got)\s+", r"\1 "),
        (r"\b([a-z]+)-by-\1\b", r"\1 by \1"),  # "hour-by-hour"
        # "year-to-date", "quarter-on-quarter": a period phrase, not two grain words
        (r"\b(year|quarter|month|week)-(to|on|over)-(date|year|quarter|month|week)\b", r"\1 \2 \3"),
        (r"\bcalendar\s+(?=(?:year|month|quarter)s?\b)", ""),  # "by calendar year"
        (r"\b(?:take|takes|took|taking|taken)\s+place\b", "happened"),  # not a place
        (r"\bgoing\s+by\b", "by"),  # "the safest boroughs going by crime rate"
        # "while the fireworks event was running": during the event
        (
            r"\b(?:while|whilst|when)\s+(the\s+(?:[a-z0-9']+\s+){1,5}?)(?:was|were)\s+(?:running|on|happening|going\s+on)\b",
            r"during \1",
        ),
        # what an average does anyway (DESIGN.md: a month with no records counts 0)
        (
            r",?\s*\b(?:counting|including|with)\s+(?:the\s+)?(?:months?|days?)\s+(?:with|that\s+had|having)\s+"
            r"(?:none|no\s+records|no\s+crimes?|zero|0)\b(?:\s+as\s+(?:zero|0))?",
            "",
        ),
        (r"(^|\s)'([^']+)'(?=\s|$|[,.;:?!])", r"\1\2"),  # "the outcome was 'Offender given a caution'"
    )
]


def normalise(question: str) -> str:
    """Lower case, plain punctuation, numbers and units spaced out.

    >>> normalise("Burglary rate per 1,000 residents within 1km of the O2?")
    'burglary rate per 1000 residents within 1 km of the o2'
    """
    # Lone surrogates (possible from Python callers, never from UTF-8 input) break spaCy's tokenizer.
    question = question.encode("utf-8", "ignore").decode("utf-8")
    t = fold_accents(question).lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    t = t.replace("&", " and ").replace("–", "-").replace("—", " ")
    t = _US_WORD.sub(lambda m: US_SPELLING[m.group(0)], t)
    t = _SHORT_FORM.sub(lambda m: SHORT_FORMS[m.group(0)], t)
    t = re.sub(r"\bnr\.?(?=\s+of\b)", "number", t)  # "nr of robberies"
    t = re.sub(r"\bnr\.?(?=\s)", "near", t)  # "robbery nr oxford circus"
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    t = re.sub(r"\b(\d+)k\b", lambda m: str(int(m[1]) * 1000), t)  # "per 1k residents"
    t = number_words_to_digits(t)  # "over two thousand burglaries"
    t = re.sub(r"(\d)(km|kms|m|metres|meters|mi|miles|yards|yds)\b", r"\1 \2", t)
    t = re.sub(r"\bnon[- ](?=[a-z])", "excluding ", t)  # "non-ASB crime", "non-violent offences"
    t = _COURTESY.sub(" ", t)
    for pattern, plain in _PHRASINGS:
        t = pattern.sub(plain, t)
    t = re.sub(r"[?!.]+(\s|$)", " ", t)
    t = re.sub(r"[\"()\[\]{}|]", " ", t)  # "Taylor Swift | The Eras Tour": the bar separates, nothing more
    t = " ".join(t.split())
    return _ST.sub("street", t)


class Parser:
    """Turns questions into Intents with one vocabulary and one spaCy pipeline."""

    def __init__(self, vocab: Vocabulary, nlp, english: set[str]):
        self.vocab = vocab
        self.nlp = nlp
        self.english = english
        months = {m for m in MONTHS if len(m) >= 5}  # "Febuary 2025" is February
        self.targets = sorted(_forms(vocab.words()) | {w for w in _keyword_words() if len(w) >= 4} | months)
        self._target_set = set(self.targets)
        self.known = set(self.targets) | FILLER | english | _forms(_keyword_words())
        self.streets = StreetMatcher(vocab.streets, vocab.phrases)
        self.known |= {w for name in vocab.streets for w in name.split()}  # never 'corrected' away
        # outcome words stay as typed even when the data has no such outcome ('charged' is not 'changed')
        self.known |= {w for syns in OUTCOME_SYNONYMS.values() for s in syns for w in s.split()}
        self.known |= COMPARATIVES  # 'higher' is a comparison, never 'high' of 'high street'

    # ---- spelling ------------------------------------------------------------------------------
    def correct(self, text: str) -> tuple[str, list[str]]:
        """Replace unknown words by the closest vocabulary word (rapidfuzz, with a threshold)."""
        notes = []
        words = text.split(" ")
        for k, w in enumerate(words):
            if len(w) < 4 or not w.isalpha() or w in self.known or self._english_form(w):
                continue
            cutoff = 80 if len(w) >= 6 else 85
            best = process.extractOne(w, self.targets, scorer=fuzz.ratio, score_cutoff=cutoff)
            if best:
                words[k] = best[0]
                notes.append(f"{w} → {self._display(best[0])}")
        return " ".join(words), notes

    def _english_form(self, w: str) -> bool:
        """'records', 'wards', 'awarded': an inflected English word is never 'corrected' into
        another concept; a misspelt form of a concept ('robberys') still is."""
        stems = []
        if w.endswith("ies"):
            stems.append(w[:-3] + "y")
        if w.endswith("es"):
            stems.append(w[:-2])
        if w.endswith("s"):
            stems.append(w[:-1])
        if w.endswith("ed"):
            stems += [w[:-2], w[:-1]]
        if w.endswith("ing"):
            stems += [w[:-3], w[:-3] + "e"]
        stems = [x for x in stems if len(x) >= 3]
        if any(x in self._target_set for x in stems):
            return False
        return any(x in self.english for x in stems)

    def _display(self, word: str) -> str:
        label_values = self.vocab.phrases.get(word)
        if label_values and label_values[0] in ("BOROUGH", "VENUE", "BCU") and len(label_values[1]) == 1:
            return label_values[1][0]
        return word

    def expand_abbreviations(self, text: str) -> str:
        """'kings x' -> 'kings cross' when that completes a place name the vocabulary knows.

        >>> p = Parser.__new__(Parser); p.vocab = type("V", (), {"phrases": {"kings cross": 0}, "streets": {}})()
        >>> p.expand_abbreviations("robbery near kings x"), p.expand_abbreviations("x marks the spot")
        ('robbery near kings cross', 'x marks the spot')
        """
        words = text.split(" ")
        for k, w in enumerate(words):
            full = ABBREVIATIONS.get(w)
            if not full or k == 0:
                continue
            for n in (1, 2, 3):
                if k - n < 0:
                    break
                phrase = " ".join([*words[k - n : k], full])
                if phrase in self.vocab.phrases or phrase in self.vocab.streets:
                    words[k] = full
                    break
        return " ".join(words)

    # ---- main ------------------------------------------------------------------------------------
    def parse(self, question: str) -> ParseResult:
        """The reading of *question*; a chatty message that fails on words it does not know is read
        again as its asking part alone, when the context around that names nothing the asking part
        leaves out (nlq.context)."""
        asked = asking_parts(question)
        if len(asked) > 1:  # each one a question of its own: naming a place or a crime, and readable
            asked = [a for a in asked if any(label != "TIME" for label, _ in self._named_in(a))]
            asked = [a for a in asked if self._read(a).intent is not None] if len(asked) > 1 else asked
        if len(asked) > 1:  # read as one, two questions would mix into an answer to neither
            return ParseResult(
                None,
                f"That is {len(asked)} questions in one: ask them one at a time.",
                suggestions=[_on_its_own(a) for a in asked[:4]],
            )
        result = self._read(question)
        if result.intent is not None or not result.unknown:
            return result
        readings = []
        for aside in asides(question):
            reading = self._read(aside.question)
            if (
                reading.intent is not None
                and self._named_in(aside.context) <= self._named_in(aside.question)
                and _signals(aside.context) <= _signals(aside.question)
            ):
                readings.append((aside, reading))
        if len(readings) != 1:  # none, or two questions in one message
            return result
        aside, reading = readings[0]
        context = aside.context if len(aside.context) <= 80 else aside.context[:77].rstrip() + "..."
        reading.notes.insert(
            0, f"Read the question as “{aside.question}”; the rest (“{context}”) as context."
        )
        return reading

    def _named_in(self, text: str) -> set:
        """The places, crime types, outcomes, events and periods *text* names."""
        t = normalise(fold(text))
        words = t.split()
        named = set()
        for n in range(6, 0, -1):
            for i in range(len(words) - n + 1):
                found = self.vocab.phrases.get(" ".join(words[i : i + n]))
                if found:
                    named.add((found[0], tuple(found[1])))
        named |= {("TIME", m.text) for m in find_times(t, self.vocab.anchor_month)}
        return named

    def _read(self, question: str) -> ParseResult:
        # every check reads the same folded text as the parser: a disguise cannot dodge a refusal
        question = fold(question)
        reason = refuse_reason(question)
        if reason:  # vocabulary such as 'no suspect identified' is not held against a question
            reason = refuse_reason(question, consumed=self._consumed_outcomes(question))
        if reason:
            return ParseResult(None, reason, suggestions=self.suggestions())
        changed = what_changed.read(self, question)  # "what changed in Camden last month"
        if changed is not None:
            return changed
        text, notes = self.correct(self.expand_abbreviations(normalise(question)))
        notes = [_original_case(n, question) for n in notes]
        periods = find_related_periods(text)
        hidden = text
        # "boroughs with over 2000 burglaries": a number after a comparison and before a noun is a
        # threshold, not the year 2000
        for t in find_thresholds(text):
            after = text[t.end :].split()
            if 1900 <= t.value <= 2099 and after and after[0].isalpha() and after[0] not in NOT_A_COUNT:
                hidden = hidden[: t.start] + "_" * (t.end - t.start) + hidden[t.end :]
        for r in periods:  # "the same month last year" is read as one phrase, not as "last year"
            hidden = hidden[: r.start] + "_" * (r.end - r.start) + hidden[r.end :]
        times = find_times(hidden, self.vocab.anchor_month)
        # "during New Year's Eve 2025": a day that is also an event's name means the event
        for t in times:
            day = re.sub(r",?\s+(?:of\s+)?(?:19|20)\d{2}$", "", t.text)
            lead = text[: t.start].rstrip()
            is_event = self.vocab.phrases.get(day, ("",))[0] == "EVENT"
            at_its_venue = is_event and any(
                normalise_phrase(e["venue"]) in text
                for e in self.vocab.events_matching(self.vocab.phrases[day][1][0])
            )
            if (
                t.window.kind == "days"
                and is_event
                and (lead.endswith(("during", "around", "at")) or at_its_venue)
            ):
                hidden = hidden[: t.start] + "_" * len(day) + hidden[t.start + len(day) :]
                times = find_times(hidden, self.vocab.anchor_month)
                break
        radius, radius_span = _radius(text)
        here = near_me.find(text)  # "near me", "around here", "within 300 m of me"
        blocked = [(t.start, t.end) for t in times] + ([radius_span] if radius_span else [])
        blocked += [(here.start, here.end)] if here else []
        blocked += [(r.start, r.end) for r in periods]
        thresholds = find_thresholds(text, blocked)
        blocked += [(t.start, t.end) for t in thresholds]
        around_events = find_event_windows(text, blocked)  # "in the 3 hours before the oasis shows"
        blocked += [(w.start, w.end) for w in around_events]
        hours = find_hours(text, blocked)
        blocked += [(h.start, h.end) for h in hours]
        lsoas = find_lsoas(text, self.vocab.lsoas, blocked)  # 'Westminster 018A': not the borough
        blocked += [(m.start, m.end) for m in lsoas]
        streets = self.streets.find(text, blocked)
        blocked += [(s.start, s.end) for s in streets]
        masked = text
        for a, b in blocked:  # one opaque token per time/radius span, so no rule can straddle it
            masked = masked[:a] + "_" * (b - a) + masked[b:]
        doc = self.nlp(masked)
        parts = [
            Part(e.label_, e.ent_id_, e.start, e.end, e.text)
            for e in doc.ents
            if not any(e.start_char < b and a < e.end_char for a, b in blocked)
        ]
        # a year right after an event name is the event's year, not the question's period
        event_year = None
        for p in parts:
            if p.label == "EVENT":
                end_char = doc[p.end - 1].idx + len(doc[p.end - 1])
                for t in times:
                    if 0 <= t.start - end_char <= 1 and re.fullmatch(r"(19|20)\d{2}", t.text):
                        event_year = int(t.text)
                        times = [x for x in times if x is not t]
        covered = set()
        for p in parts:
            covered.update(range(p.start, p.end))
        for a, b in blocked:
            covered.update(tok.i for tok in doc if tok.idx < b and a < tok.idx + len(tok))
        ignored: list[Part] = []
        try:
            reading = Reading(
                times,
                radius,
                event_year,
                thresholds,
                [r.kind for r in periods],
                hours[0].start if hours else None,
            )
            intent = self._build(doc, parts, reading, notes, ignored)
        except _Refusal as r:
            return ParseResult(None, str(r), notes, self.suggestions())
        covered.difference_update(i for p in ignored for i in range(p.start, p.end))
        unknown = [tok for tok in doc if tok.i not in covered and not self._understood(doc, tok, parts)]
        # a grain word neither asked for nor naming a filter is not understood, filler or not
        # ("borough" is filler in "the London Borough of Hackney", not in "in the borough")
        unknown = sorted(
            {
                *unknown,
                *(
                    doc[i]
                    for p in ignored
                    if p.label == "GRAIN" and p.value not in TIME_GRAINS and p.text not in ("area", "council")
                    for i in range(p.start, p.end)
                ),
            },
            key=lambda t: t.i,
        )
        if intent.event and unknown:
            unknown = [t for t in unknown if not self._in_every_event_name(t, intent)]
        if streets:
            intent = replace(intent, streets=tuple(dict.fromkeys(s.location for s in streets)))
        if lsoas:
            intent = replace(intent, lsoas=tuple(dict.fromkeys(m.name for m in lsoas)))
        if hours:
            intent = replace(intent, time_of_day=hour_range(*hours[0].hours))
        if around_events:
            w = around_events[0]
            if len(around_events) > 1 or not _names_an_event_next(text, w, doc, parts):
                return ParseResult(
                    None,
                    f"'{w.text}' needs one event right after it: ask, for example, 'crime within 1 km of "
                    "Wembley Stadium in the 3 hours after the Oasis shows'.",
                    notes,
                    self.suggestions(),
                )
            intent = replace(intent, event_side=w.side, event_minutes=w.minutes)
        if here and intent.venues and near_me.says_where(text):
            here = None  # "near me, I'm at King's Cross": near the place named
        if here and not unknown:
            if intent.venues:
                return ParseResult(
                    None,
                    "That asks about two places: near you and near "
                    + " and ".join(intent.venues)
                    + ". Ask about one of them.",
                    notes,
                    self.suggestions(),
                )
            intent = replace(intent, near_me=True)
        elif radius and not intent.venues and not unknown:
            return ParseResult(
                None,
                "A distance needs a place to measure from: name a venue such as "
                + ", ".join(list(self.vocab.venues)[:4])
                + ".",
                notes,
                self.suggestions(),
            )
        # "robbery in Manchester": a one-word piece of an event name after "in" is a place we don't know
        event_places = [
            p
            for p in parts
            if p.label == "EVENT"
            and p.end - p.start == 1
            and p.start > 0
            and words_of(doc)[p.start - 1] in ("in", "of")
        ]
        if event_places and not any(q.label in ("VENUE", "BOROUGH", "BCU") for q in parts):
            unknown = sorted({*unknown, *(doc[p.start] for p in event_places)}, key=lambda t: t.i)
        unknown = [t for t in unknown if not (intent.compare and _is_comparative(t))]
        if not unknown:
            return ParseResult(replace(intent, notes=tuple(notes)), None, notes, [])
        if not times and all(p.label in FUNCTION_LABELS for p in parts if p not in ignored):
            return ParseResult(
                None,
                "I couldn't find anything about recorded crime in that question.",
                notes,
                self.suggestions(),
            )
        return self._not_understood(question, text, doc, unknown, notes)

    def _in_every_event_name(self, tok, intent: Intent) -> bool:
        """'the Wimbledon finals': a word of every matched event's name ("... Gentlemen's Final",
        "... Ladies' Final") adds nothing; a word of only some of them would narrow, and stays unknown."""
        word = tok.lower_
        forms = {word, word[:-1] if word.endswith("s") else word, tok.lemma_.lower()}
        held = self.vocab.events_matching(intent.event, intent.event_category, intent.event_venue)
        return bool(held) and all(forms & set(normalise_phrase(e["name"]).split()) for e in held)

    def _understood(self, doc, tok, parts: list[Part]) -> bool:
        """A token no rule claimed is still understood when it is punctuation, a filler word or the
        N of a ranking ('top 5', '3 boroughs')."""
        if tok.is_punct or tok.lower_ in FILLER or tok.text.startswith("_"):
            return True
        if tok.like_num and (tok.text.isdigit() or tok.lower_ in NUMBERS):  # not 'first', 'third'...
            after_rank = any(p.label in ("TOP", "WHICH") and p.end == tok.i for p in parts)
            before = any(p.label in ("GRAIN", "VENUEKIND", "TOP") and p.start == tok.i + 1 for p in parts)
            return after_rank or before
        # "over the summer", "higher than last year": a link word whose time expression was read
        following = doc[tok.i + 1].text if tok.i + 1 < len(doc) else ""
        return tok.lower_ in TIME_LINKS and following.startswith("_")

    def _not_understood(self, question: str, text: str, doc, unknown: list, notes: list[str]) -> ParseResult:
        """No answer on a partial reading: say which words were not understood, offer the reading
        without them, and suggest close matches from the vocabulary."""
        words = [t.text for t in unknown]
        first = unknown[0]
        i = first.i - 1
        while i >= 0 and doc[i].lower_ in ("the", "a", "an"):
            i -= 1
        before = doc[i].lower_ if i >= 0 else ""
        quoted = ", ".join(f"'{w}'" for w in words)
        if _after_group_word(doc, first):
            reason = (
                f"I can't break crime down by '{first.text}': the data has no such field. I can group by "
                + ", ".join(GRAIN_LABELS.get(g, g) for g in GRAINS)
                + "."
            )
        elif before in ("during", "throughout"):
            counts = Counter(event_name_parts(e["name"])[0] for e in self.vocab.events)
            names = [name for name, _ in counts.most_common()]
            reason = f"I don't know {quoted}: there is no such event in the data"
            reason += f" (it has {', '.join(names[:4])} and others)." if names else "."
        elif before in {"near", "around", "outside", "within", "along", "at"} or (
            before in PLACE_PREPOSITIONS | {"by", "on"} and first.lower_ not in self.english
        ):
            reason = (
                f"I don't know the place {quoted}: it is not a borough, BCU, venue or street in the data."
            )
        else:
            reason = f"I don't know {quoted}, so I can't answer that reliably."
        close = [] if reason.startswith("I can't break") else self.close_matches(words)
        if close:
            reason += " Did you mean " + " or ".join(f"'{c}'" for c in close[:3]) + "?"
        without = _without(text, doc, unknown)
        suggestions = [_replace_words(question, words[0], c) for c in close[:3]]
        return ParseResult(
            None,
            reason,
            notes,
            [s for s in dict.fromkeys(suggestions) if s] or self.suggestions(),
            unknown=words,
            without=without or None,
        )

    def close_matches(self, words: list[str]) -> list[str]:
        """Vocabulary names (events, venues, boroughs, streets) that look like *words*."""
        choices = self._names()
        out: list[str] = []
        for w in words:
            if len(w) < 3:
                continue
            for name, score, _ in process.extract(w.lower(), choices, scorer=fuzz.WRatio, limit=3):
                if score >= 86 and name not in out:
                    out.append(name)
        return out

    def _names(self) -> dict[str, str]:
        if not hasattr(self, "_name_choices"):
            v = self.vocab
            names = list(v.boroughs) + list(v.bcus) + list(v.venues)
            names += sorted({e["name"] for e in v.events})
            names += [loc.removeprefix("On or near ") for loc in v.streets.values()]
            self._name_choices = {n: n.lower() for n in dict.fromkeys(names)}
        return self._name_choices

    def _consumed_outcomes(self, question: str) -> str:
        low = normalise(question)
        found = [
            p for p, (label, _) in self.vocab.phrases.items() if label in ("OUTCOME", "CRIME") and p in low
        ]
        # inflected forms too ("thefts from the person"), as the pipeline matches them by lemma
        found += [e.text for e in self.nlp(low[: MAX_LENGTH * 2]).ents if e.label_ in ("OUTCOME", "CRIME")]
        return "\n".join(sorted(found, key=len, reverse=True))  # longest first: 'drugs' inside an outcome

    def suggestions(self) -> list[str]:
        v = self.vocab
        borough = next(iter(v.boroughs), "Camden")
        venue = next(iter(v.venues), "Wembley Stadium")
        return [
            f"robberies in {borough} last month",
            f"burglary by month in {borough} in 2025",
            f"crime near {venue} by hour",
            "top 5 boroughs for bicycle theft this year",
        ]

    # ---- reading the parts -------------------------------------------------------------------------
    def _build(self, doc, parts, reading: Reading, notes, ignored) -> Intent:
        v = self.vocab
        times, radius, event_year = reading.times, reading.radius, reading.event_year
        labels = {p.label for p in parts}
        words = [t.lower_ for t in doc]

        def prev_word(p: Part, skip=("the", "a", "an")) -> str:
            i = p.start - 1
            while i >= 0 and words[i] in skip:
                i -= 1
            return words[i] if i >= 0 else ""

        def values(p: Part) -> tuple[str, ...]:
            return v.phrases[p.value][1]

        # "robberies in Haringey where the outcome was ...": a relative 'where' after a named thing is no map
        named = {i for q in parts for i in range(q.start, q.end) if q.label != "MAP"}
        parts = [
            p
            for p in parts
            if not (
                p.label == "MAP"
                and p.text == "where"
                and p.start > 0
                and (p.start - 1 in named or doc[p.start - 1].text.startswith("_"))
            )
        ]
        labels = {p.label for p in parts}

        crime, excluded, outcomes, boroughs, bcus, venues = [], [], [], [], [], []
        crime_parts = []
        kind_parts: list[Part] = []
        event = category = None
        named_events: list[str] = []
        excluding = False
        negated: set[int] = set()
        excluded_hit = False  # an exclusion already applied to crime types ("non-ASB crime in Camden")
        for p in parts:
            if p.label == "EXCLUDE":
                excluding = True
                continue
            if p.label == "CRIME":
                excluded_hit = excluded_hit or excluding
                target = excluded if excluding else crime
                target.extend(t for t in values(p) if t not in target)
                if not excluding:
                    crime_parts.append(p)
                if any(trigger in p.text for trigger in NOTE_TRIGGERS):
                    for t in values(p):
                        if t in NOTES:
                            notes.append(f"{p.text} → {t} ({NOTES[t]})")
                continue
            if p.label in ("ALL",):
                continue
            if excluding and excluded_hit:
                excluding = excluded_hit = False
            if (excluding or prev_word(p) == "outside") and p.label in (
                "BOROUGH",
                "BCU",
                "OUTCOME",
                "EVENT",
                "EVENTCAT",
            ):
                # "burglary excluding Camden", "robbery outside Camden": never read as the opposite
                raise _Refusal(
                    f"I can't leave out '{p.text}' yet: ask about what to include instead "
                    "(for example the other boroughs, or by borough)."
                )
            if excluding and p.label in ("TOD", "DAYTYPE", "DAYNAME"):
                negated.add(id(p))  # "not at night", "but not on weekends": the rest of the week or day
            excluding = False
            if p.label == "OUTCOME":
                outcomes.extend(x for x in values(p) if x not in outcomes)
            elif p.label == "BOROUGH":
                boroughs.extend(x for x in values(p) if x not in boroughs)
            elif p.label == "BCU":
                bcus.extend(x for x in values(p) if x not in bcus)
            elif p.label == "VENUE":
                venues.extend(x for x in values(p) if x not in venues)
            elif p.label == "EVENT":
                name = values(p)[0]
                named_events.append(name[4:] if name.lower().startswith("the ") else name)
            elif p.label == "EVENTCAT":
                category = category or values(p)[0]
            elif p.label == "VENUEKIND":
                kind_parts.append(p)
        if named_events:
            event = self._one_event(named_events)
        if event:
            category = None

        # ---- measure ("% change", "percentage increase": a change, not a share)
        covered_tokens = {i for p in parts for i in range(p.start, p.end)}
        for t in doc:  # "is ASB down in Hackney", "are burglaries up this year"
            if t.lower_ in ("up", "down") and t.i not in covered_tokens:
                before = words[t.i - 1] if t.i > 0 else ""
                after = words[t.i + 1] if t.i + 1 < len(words) else ""
                if before not in NOT_CHANGE_BEFORE and after not in ("to", "until", "till", "by", "into"):
                    labels.add("CHANGE")
        change_starts = {p.start for p in parts if p.label == "CHANGE"}

        def change_unit(p: Part) -> bool:
            # "percentage change"; "by what percentage did robbery change", "changed in percent";
            # "has it gone up or down? give me the percentage": a percentage of nothing, with a change
            if p.end in change_starts:
                return True
            if (
                "CHANGE" in labels
                and p.text in PERCENT_WORDS
                and (p.end >= len(words) or words[p.end] != "of")
            ):
                return True
            i = p.start - 1
            while i >= 0 and words[i] in ("what", "how", "much", "many", "a", "the"):
                i -= 1
            return bool(change_starts) and i >= 0 and words[i] in ("by", "in") and p.text in PERCENT_WORDS

        if any(p.label == "SHARE" for p in parts) and all(
            change_unit(p) for p in parts if p.label == "SHARE"
        ):
            labels.discard("SHARE")
        measure = "count"
        if "SHARE" in labels:
            measure = "share"
        elif "RATE" in labels:
            measure = "rate_per_1000"
        elif "CHANGE" in labels:
            measure = "change"
        elif "AVERAGE" in labels:
            measure = "average_per_month"

        # ---- groupings and ranking
        group_by: list[str] = []
        top_n = None
        order = "desc"
        rank_parts = [p for p in parts if p.label == "TOP"]
        avg_unit = None
        # "weekends vs weekdays", "weekday or weekend": both day types named = one row for each
        if {p.value for p in parts if p.label == "DAYTYPE"} == {"weekend", "weekday"}:
            first = next(p for p in parts if p.label == "DAYTYPE")
            for p in parts:
                if p.label == "DAYTYPE":
                    p.label, p.value = ("GRAIN", "day_type") if p is first else ("FILLER", "")
            labels.discard("DAYTYPE")
        for p in parts:
            if p.label == "DAYTYPE" and p.value == "weekday" and prev_word(p) in ("by", "per", "each"):
                p.label, p.value = "GRAIN", "weekday"
        grain_parts = [p for p in parts if p.label == "GRAIN"]
        how_many = any(p.label == "COUNT" and p.text.startswith("how many") for p in parts)
        for p in grain_parts:
            g = p.value
            before = prev_word(p)
            adjective = p.text in ADJECTIVE_GRAINS
            # "crimes a day", "how many burglaries per week": a count per unit of time is an average
            a_unit = (
                p.start > 0
                and words[p.start - 1] in ("a", "an")
                and prev_word(p, skip=("a", "an"))
                not in ("on", "in", "for", "of", "what", "which", "by", "each", "every", "per")
            )
            if measure == "count" and g in ("day", "week", "month", "year") and avg_unit is None:
                if a_unit or (how_many and words[p.start - 1] == "per" if p.start > 0 else False):
                    measure, avg_unit = "average_per_month", g
                    continue
            if measure == "average_per_month" and g in ("day", "week", "month", "year") and avg_unit is None:
                # "average thefts per day", "on average how many thefts a day"
                near_avg = any(q.label == "AVERAGE" and 0 <= p.start - q.end <= 2 for q in parts)
                if adjective or before in ("per", "each", "every") or a_unit or near_avg:
                    avg_unit = g
                    continue
            # the head noun decides number: "crime types" -> types, "types of crime" -> types
            head = next(
                (doc[i - 1] for i in range(p.start + 1, p.end) if doc[i].lower_ == "of"), doc[p.end - 1]
            )
            last = head.lower_
            plural = (last != head.lemma_ or last in ("lsoas", "bcus")) and last.endswith("s")
            summed = "TOTAL" in labels and prev_word(p, skip=("the",)) == "all"
            triggered = (
                adjective
                or g == "day_type"
                or re.fullmatch(r"(\w+) by \1", p.text.lower()) is not None  # "month by month"
                or p.text.lower().startswith(("what ", "which "))  # "what time"
                or before in GROUP_TRIGGERS
                or (before == "of" and p.start >= 2 and words[p.start - 2] in ("breakdown", "split"))
                # "outcome breakdown for theft", "a crime type split for Camden"
                or (p.end < len(words) and words[p.end] in BREAKDOWN_WORDS)
                # "each London borough", "every single month"
                or prev_word(p, skip=("the", "a", "an", "for", "london", "single", "individual"))
                in ("each", "every")
                or any(q.label in ("WHICH", "TOP") and 0 <= p.start - q.end <= 4 for q in parts)
                # "all the kinds of theft together": the kinds summed, not one row each
                or (plural and g not in TIME_GRAINS and not summed)
                or (rank_parts and g not in TIME_GRAINS)
            )
            # "between the years 2024 and 2025", "the month of May": the grain names the period after it
            if g in ("year", "month") and _names_a_period(doc, p, reading.times):
                triggered = False
            # "by borough and week": a grain joined to an asked-for grain is asked for too
            if not triggered and before in ("and", "then", "&") and p.start >= 2:
                triggered = any(q.end == p.start - 1 and q.value in group_by for q in grain_parts)
            # "months when burglary was below 200", "weeks when shoplifting topped 300"
            if not triggered and reading.thresholds and plural and g in TIME_GRAINS:
                triggered = True
            if g == "borough" and p.text in ("area", "council") and before not in GROUP_TRIGGERS:
                triggered = triggered and before not in ("the",)
            if triggered and g not in group_by:
                group_by.append(g)
                if rank_parts and top_n is None:
                    top_n = self._rank_size(doc, p, rank_parts, plural)
            elif (
                not triggered
                and g not in group_by
                and not (plural and summed)
                and not _names_its_value(p, parts, words)
            ):
                ignored.append(p)  # "burglary outcome in Camden": neither a filter nor asked for
        # "crime near each stadium", "which arena had the most robbery", "by venue": every venue
        # (of that kind) within the radius, one row each
        for p in kind_parts:
            last = doc[p.end - 1].lower_
            plural = last.endswith(("s", "ia")) and last != p.value
            if venues:
                continue
            if (
                plural
                or prev_word(p) in ("each", "every", "all", "by", "per", "any")
                or any(q.label in ("WHICH", "TOP") and 0 <= p.start - q.end <= 3 for q in parts)
            ):
                venues = [n for n, info in v.venues.items() if info.get("kind") == p.value]
                if "venue" not in group_by:
                    group_by.insert(0, "venue")
                if rank_parts and top_n is None:
                    top_n = self._rank_size(doc, p, rank_parts, plural)
            else:
                ignored.append(p)  # "near the station": not one place, so not understood
        if "venue" in group_by and not venues:
            venues = list(v.venues)
        if rank_parts:
            order = rank_parts[0].value
            if not group_by:
                # "most common crime in Camden", "where is robbery worst"
                if "MAP" in labels and any(p.label == "MAP" and p.text == "where" for p in parts):
                    group_by.append("location" if len(boroughs) == 1 else "borough")
                elif not crime or len(crime) > 1:
                    group_by.append("crime_type")
                else:
                    group_by.append("borough")
                top_n = self._rank_size(doc, None, rank_parts, False)
        if "TREND" in labels and not any(g in TIME_GRAINS for g in group_by) and measure != "change":
            group_by.append("month")

        # ---- comparisons: several places, several explicit crime types, several years
        total = "TOTAL" in labels
        compare = "COMPARE" in labels or any(_is_comparative(t) for t in doc)
        if not total:
            if len(boroughs) > 1 and "borough" not in group_by:
                group_by.insert(0, "borough")
            if len(bcus) > 1 and "bcu" not in group_by:
                group_by.insert(0, "bcu")
            if len(venues) > 1 and "venue" not in group_by:
                group_by.insert(0, "venue")
            # several named crime types side by side: compared, or over a grain (one series each)
            if (
                (compare or group_by)
                and len(crime_parts) > 1
                and "crime_type" not in group_by
                and len(crime) > 1
            ):
                group_by.insert(0, "crime_type")
            # "under investigation vs no suspect identified": the outcomes side by side
            if compare and len(outcomes) > 1 and "outcome" not in group_by:
                group_by.insert(0, "outcome")

        # ---- time
        time_window = baseline = None
        since = None
        if measure == "share" and _one_period_within_another(times, self.vocab.anchor_month):
            # "in 2025, what share of Wandsworth's bicycle theft happened in the summer": a part
            # that is a period is not something a share can hold yet; refused, never summed wrongly
            raise _Refusal(
                "I can't yet work out the share of one period within another: ask for it by month, "
                "e.g. 'bicycle theft in Wandsworth in 2025 by month'."
            )
        if times:
            ordered = sorted(times, key=lambda t: _sort_key(t.window))
            time_window, since = times[0].window, times[0].since
            time_grain_asked = any(g in TIME_GRAINS for g in group_by)
            # "spring 2025 vs spring 2024": two periods with no grain of their own, side by side;
            # "2024 vs 2025" stays one row per year
            # "2024 vs 2025": one row per year; "spring 2025 vs spring 2024", "August 2025 versus
            # August 2024": the two periods side by side, one row each (never their union)
            grain = _grain_of(ordered[0].window)
            contiguous = grain and grain == _grain_of(ordered[-1].window) and _adjacent(ordered)
            side_by_side = len(times) == 2 and measure == "count" and not time_grain_asked and not contiguous
            if len(times) > 1:
                if measure == "change" or side_by_side:
                    baseline, time_window = ordered[0].window, ordered[-1].window
                else:
                    time_window = _union(ordered[0].window, ordered[-1].window)
                    grain = _grain_of(ordered[0].window)
                    if grain and grain not in group_by and not total:
                        group_by.append(grain)
        if (
            measure == "change"
            and len(times) == 1
            and baseline is None
            and time_window.kind == "months"
            and time_window.start is not None
            and time_window.end is not None
            and re.search(r"\s(?:to|-|until|till|through)\s", times[0].text)
            and (time_window.end.year * 12 + time_window.end.month)
            - (time_window.start.year * 12 + time_window.start.month)
            == 1
        ):
            # "MoM change, Nov to Dec 2025": from the first month to the second, not the pair against
            # the two months before
            baseline = TimeWindow("months", time_window.start, time_window.start)
            time_window = TimeWindow("months", time_window.end, time_window.end)
        if measure == "change" and len(times) == 1 and baseline is None and since is None:
            # "is ASB down compared with last year": the named period is the baseline
            i = next((t.i for t in doc if t.idx == times[0].start), None)
            before = words[i - 1] if i else ""
            moved = UP_WORDS | DOWN_WORDS | {"change", "changed", "changes"}
            if (
                before in ("than", "against", "vs", "versus")
                or (
                    before in ("with", "to")
                    and i >= 2
                    and words[i - 2] in ("compared", "comparison", "relative")
                )
                # "is burglary up or down on last year", "robbery up 5% on last year"
                or (before == "on" and i >= 2 and any(w in moved for w in words[max(0, i - 5) : i - 1]))
            ):
                current = _following(time_window)
                if current is not None:
                    time_window, baseline = current, time_window
        if reading.periods:
            # "this month vs the same month last year", "the last 6 months against the 6 months before"
            if time_window is None:
                raise _Refusal(
                    "Compared with which period? Name it, e.g. 'the last 3 months compared with the same "
                    "period last year'."
                )
            related = (
                time_window.year_before() if reading.periods[0] == "year_before" else time_window.previous()
            )
            if related is None or measure not in ("count", "change"):
                raise _Refusal(
                    "I can only compare two complete periods, e.g. 'this month vs the same month last year'."
                )
            baseline = related  # a count stays a count: the two periods side by side
        if measure == "change":
            time_window, baseline = self._change_periods(parts, time_window, since, baseline)

        # ---- time of day, weekends, weekdays
        tod_part = next((p for p in parts if p.label == "TOD"), None)
        tod = tod_part.value if tod_part else None
        if tod in UNFIXED_TIMES_OF_DAY:
            raise _Refusal(
                f"'{tod_part.text}' has no fixed hours, so I can't answer that reliably: name the hours, "
                "e.g. 'between 7am and 10am', or use morning (06–11), afternoon (12–17), evening (18–21) "
                "or night (22–05)."
            )
        if tod_part is not None and id(tod_part) in negated:
            spans = hour_spans(tod)
            if len(spans) != 1:
                raise _Refusal(f"I can't leave out '{tod_part.text}' yet: name the hours to include instead.")
            lo, hi = spans[0]
            tod = hour_range((hi + 1) % 24, (lo - 1) % 24)
        day_part = next((p for p in parts if p.label == "DAYTYPE"), None)
        day_type = day_part.value if day_part else None
        if day_part is not None and id(day_part) in negated:
            day_type = "weekday" if day_type == "weekend" else "weekend"
        weekdays = []
        for p in parts:
            if p.label == "DAYNAME":
                if prev_word(p) in ("by", "per", "each"):
                    continue
                weekdays.append(p.value)
        if weekdays and all(id(p) in negated for p in parts if p.label == "DAYNAME"):
            weekdays = [d for d in WEEKDAYS if d not in weekdays]

        # ---- events and places
        event_venue = None
        if category and venues:
            event_venue = venues[0]
        if event and len(venues) == 1:
            # DESIGN.md: a named venue keeps a named event to the events held there ("crime near
            # Tottenham Hotspur Stadium during NFL games": not the NFL games at Wembley)
            if venues[0] in {e["venue"] for e in v.events_matching(event, None)}:
                event_venue = venues[0]
        london_wide = re.search(
            r"\b(?:london[- ]?wide|(?:across|throughout)\s+(?:the\s+whole\s+of\s+|all\s+of\s+)?london"
            r"|(?:the\s+whole\s+of|all\s+of)\s+london|anywhere\s+in\s+london|citywide|city-wide|pan-london)\b",
            " ".join(words),
        )
        if (event or category) and not (boroughs or bcus or venues) and not london_wide:
            held_at = {e["venue"] for e in v.events_matching(event, category)}
            if len(held_at) == 1:
                venues = [held_at.pop()]
        radius_m = radius or 500

        # ---- share: which filters form the part
        share_part: tuple[str, ...] = ()
        if measure == "share":
            share_part = self._share_part(doc, parts, group_by)
            marker = self._share_marker(doc, parts)
            if reading.hours_at is not None and marker is not None and doc[marker].idx < reading.hours_at:
                # "what percentage of Haringey's violence happened after 9pm": the clock hours are the part
                share_part = tuple(k for k in share_part if k != "time_of_day") + ("time_of_day",)
            if not share_part and group_by:
                share_part = self._own_share_part(doc, parts)
            compared = len(boroughs) > 1 or len(bcus) > 1  # "Ealing vs Hounslow"
            if not share_part and group_by and (rank_parts or compared) and (outcomes or tod or day_type):
                # "which BCU had the lowest proportion of unsolved burglaries", "percentage of vehicle
                # crime left unsolved, Ealing vs Hounslow": each group's own share, as "of its" would say
                share_part = tuple(
                    k
                    for k, val in (("outcomes", outcomes), ("time_of_day", tod), ("day_type", day_type))
                    if val
                )
            when = tuple(
                k for k, val in (("time_of_day", tod), ("day_type", day_type), ("weekdays", weekdays)) if val
            )
            if not share_part and not group_by and when and not outcomes:
                share_part = when  # "share of Camden robbery on weekends": the part is the time
            if not share_part and not group_by:
                if crime and (boroughs or bcus or venues or outcomes):
                    share_part = ("outcomes",) if outcomes else ("crime_types",)
                elif outcomes:
                    share_part = ("outcomes",)
                elif crime:
                    share_part = ("crime_types",)
                elif boroughs:
                    share_part = ("boroughs",)
                else:
                    raise _Refusal(
                        "A share needs a part and a whole, e.g. 'what share of crime in Camden is burglary'."
                    )

        # ---- chart
        chart = None
        if "MAP" in labels and not (
            rank_parts and not any(p.label == "MAP" and p.text != "where" for p in parts)
        ):
            chart = "map"
        for p in parts:
            if p.label == "CHART" and not chart:
                chart = p.value if p.value in ("bar", "line", "table") else None

        if crime and excluded:  # "theft excluding shoplifting": the family without that member
            kept = [t for t in crime if t not in excluded]
            if not kept:  # "drug offences excluding cannabis": the data has no finer category
                raise _Refusal(
                    f"I can't leave out part of {' + '.join(crime)}: the data records it as one category."
                )
            crime = kept
        if (
            compare
            and baseline is None
            and len(times) == 1
            and measure == "count"
            and time_window is not None
        ):
            # "compare robbery in Camden with last year": this period beside the one named
            i = next((t.i for t in doc if t.idx == times[0].start), None)
            if i and words[i - 1] in ("with", "to", "than", "against", "vs", "versus", "v"):
                current = _following(time_window)
                if current is not None:
                    time_window, baseline = current, time_window
        if compare and not (
            group_by
            or baseline is not None
            or measure == "change"
            or len(boroughs) > 1
            or len(bcus) > 1
            or len(venues) > 1
            or len(crime_parts) > 1
        ):
            # "burglary rate in Camden vs London", "compared to the London average": nothing to set it beside
            raise _Refusal(
                "I can't tell what to compare it with: name both sides, e.g. 'burglary in Camden vs Islington' "
                "or 'this year vs last year'."
            )
        if top_n is None and rank_parts and group_by:
            top_n = DEFAULT_PLURAL_TOP
        if "weekday" in group_by and day_type == "weekday" and not any(p.label == "DAYTYPE" for p in parts):
            day_type = None

        # ---- the part of a share when the whole is crime types too ("how much of theft was shoplifting")
        part_types: list[str] = []
        if measure == "share" and "crime_types" in share_part:
            marker = self._share_marker(doc, parts)
            whole = [t for q in crime_parts if marker is None or q.start < marker for t in values(q)]
            part_types = [
                t for q in crime_parts if marker is not None and q.start > marker for t in values(q)
            ]
            if whole and part_types:
                if not set(part_types) <= set(whole):
                    raise _Refusal(
                        f"{' + '.join(dict.fromkeys(part_types))} is not part of {' + '.join(dict.fromkeys(whole))}, "
                        "so it has no share of it."
                    )
                crime = list(dict.fromkeys(whole))
            else:
                part_types = []

        # ---- direction and thresholds on groups
        direction = None
        change_words = [p for p in parts if p.label == "CHANGE"] + [
            t for t in doc if t.lower_ in ("up", "down") and "CHANGE" in labels
        ]
        if measure == "change" and group_by and not rank_parts:
            grains_before = [
                p
                for p in grain_parts
                if p.value in group_by and prev_word(p) not in ("by", "per", "each", "across")
            ]
            for w in change_words:
                text = w.text if isinstance(w, Part) else w.text
                start = w.start if isinstance(w, Part) else w.i
                word = " ".join(text.lower().split())
                if word in UP_WORDS or word in DOWN_WORDS:
                    if any(g.start < start for g in grains_before) or any(q.label == "WHICH" for q in parts):
                        direction = "up" if word in UP_WORDS else "down"
                        break
        if (
            measure == "change"
            and rank_parts
            and any(set(w.text.lower().split()) & DOWN_WORDS for w in change_words if isinstance(w, Part))
        ):
            order = "asc" if order == "desc" else "desc"  # "the largest fall": the most negative change
        having_op = having_value = None
        # "how many boroughs had more than 1,500 burglaries", "the number of months above 200": the
        # count asked for is of the groups themselves
        group_starts = {p.start for p in grain_parts}
        count_groups = bool(group_by) and any(
            (p.label == "COUNT" and p.text.startswith("how many") and p.end in group_starts)
            or (p.label == "GRAIN" and p.start >= 2 and words[p.start - 2 : p.start] == ["number", "of"])
            for p in parts
        )
        if reading.thresholds:
            t = reading.thresholds[0]
            if not group_by:
                raise _Refusal(
                    "A threshold such as 'more than 40' filters groups: ask, for example, 'boroughs with more than "
                    "40 robberies in 2025' or 'months when burglary in Barnet was below 200'."
                )
            if any(p.label == "COUNT" and p.text.startswith("how many") for p in parts) and not count_groups:
                raise _Refusal(
                    "I can count the groups above or below a threshold when the question says which: ask, for "
                    "example, 'how many boroughs had more than 1,500 robberies'."
                )
            if t.percent and measure not in ("share", "change"):
                raise _Refusal(
                    "A percentage threshold needs a share or a change, e.g. 'grew by more than 15%'."
                )
            following = next((tok.i for tok in doc if tok.idx >= t.end), None)
            counted = any(
                p.label in ("CRIME", "ALL")
                and p.start == following
                # "9 robberies per 1,000", "30 ASB incidents per 1,000 residents"
                and not ({"per", "a", "an"} & set(words[p.end : p.end + 3]))
                for p in parts
            )
            if measure == "rate_per_1000" and counted and not t.percent:
                # "boroughs with more than 2,000 robberies ... the highest rate": a count's threshold
                # beside a rate's ranking; one measure per answer, so refused rather than mixed
                raise _Refusal(
                    "That filters on a number of crimes but ranks by a rate: ask them one at a time, e.g. "
                    "'boroughs with more than 2,000 robberies last year', then their rate per 1,000 residents."
                )
            having_op, having_value = t.op, t.value
            if measure == "change" and direction == "down" and t.op in (">", ">="):
                # "fell by more than 10%": a change below -10%
                having_op, having_value = ("<" if t.op == ">" else "<="), -t.value
            if measure == "change" and having_value and (direction is not None):
                direction = None if having_value > 0 and direction == "up" or having_value < 0 else direction
        count_groups = count_groups and (having_op is not None or direction is not None)
        return Intent(
            measure="average_per_" + avg_unit if (measure == "average_per_month" and avg_unit) else measure,
            crime_types=tuple(crime),
            excluded_types=tuple(t for t in excluded if t not in crime),
            outcomes=tuple(outcomes),
            boroughs=tuple(boroughs),
            bcus=tuple(bcus),
            venues=tuple(venues),
            radius_m=radius_m,
            event=event,
            event_category=category,
            event_year=event_year if (event or category) else None,
            event_venue=event_venue,
            time=time_window,
            baseline=baseline,
            time_of_day=tod,
            day_type=day_type,
            weekdays=tuple(dict.fromkeys(weekdays)),
            group_by=tuple(group_by[:3]),
            top_n=top_n,
            order=order,
            share_part=share_part,
            part_crime_types=tuple(dict.fromkeys(part_types)),
            having_op=having_op,
            having_value=having_value,
            direction=direction,
            count_groups=count_groups,
            compare=compare or len(boroughs) > 1 or len(venues) > 1 or len(bcus) > 1,
            chart=chart,
        )

    def _rank_size(self, doc, grain: Part | None, rank_parts: list[Part], plural: bool) -> int:
        """N of 'top N' / 'which 3 streets'; 1 for a singular noun, else a default."""
        spots = [r.end for r in rank_parts]
        if grain is not None:
            spots += [grain.start - 1, grain.start - 2]
        for i in spots:
            if 0 <= i < len(doc):
                w = doc[i].lower_
                if w.isdigit() and 0 < int(w) <= 1000:
                    return int(w)
                if w in NUMBERS and w != "a":
                    return NUMBERS[w]
        return DEFAULT_PLURAL_TOP if plural else 1

    def _change_periods(self, parts, window: TimeWindow | None, since, baseline):
        kind = next((p.value for p in parts if p.label == "CHANGE" and p.value in ("yoy", "mom")), None)
        if baseline is not None and window is not None:
            return window, baseline
        if since is not None:
            current = (
                TimeWindow("rel_year")
                if since.kind in ("rel_year", "months") and _whole_year(since)
                else None
            )
            if since.kind == "rel_year":
                current = TimeWindow("rel_year")
            if current is None:
                current = (
                    TimeWindow("rel_months", n=1)
                    if since.kind in ("months", "rel_months")
                    else TimeWindow("rel_days", n=1)
                )
            return current, since
        if window is not None and window.kind == "months" and window.end and window.start != window.end:
            span_years = (
                window.start.month == 1 and window.end.month == 12 and window.end.year > window.start.year
            )
            if span_years:
                from nlq.timeexpr import year

                return year(window.end.year), year(window.start.year)
            if (
                kind is None
                and window.end.year * 12 + window.end.month - window.start.year * 12 - window.start.month >= 2
            ):
                from nlq.timeexpr import months

                s, e = window.start, window.end
                if not (_whole_year(window)):
                    return months(e.year, e.month, e.year, e.month), months(s.year, s.month, s.year, s.month)
        if window is None:
            window = TimeWindow("rel_months", n=1) if kind == "mom" else TimeWindow("rel_year")
        previous = window.year_before() if kind == "yoy" else window.previous()
        if previous is None:
            raise _Refusal(
                "I can only work out a change between two complete periods, e.g. 'from 2024 to 2025'."
            )
        return window, previous

    def _one_event(self, names: list[str]) -> str:
        """The event the question names: "the NFL Jaguars games" is the Jaguars' NFL games (every
        event matching one name matches the other); two different events ("Taylor Swift and Oasis")
        are refused, never one of them answered as both."""
        names = list(dict.fromkeys(names))
        held = {n: {e["name"] for e in self.vocab.events_matching(n)} for n in names}
        narrowest = min(names, key=lambda n: len(held[n]))
        if all(held[narrowest] <= held[n] for n in names):
            return narrowest
        raise _Refusal(
            f"That names {len(names)} different events ({', '.join(names)}): ask about one at a time, "
            f"e.g. 'crime during {names[0]}'."
        )

    def _own_share_part(self, doc, parts) -> tuple[str, ...]:
        """'the share of each BCU's burglary awaiting court outcome', 'which BCU had the biggest share
        of its robbery in the morning': a share within each group, its part the filters that follow
        the group's own crime ('its', 'their', "BCU's")."""
        words = [t.lower_ for t in doc]
        grains = [p for p in parts if p.label == "GRAIN"]
        owner = next(
            (
                i
                for i, w in enumerate(words)
                if w in ("its", "their")
                or (w in ("'s", "s'", "'") and any(g.end == i for g in grains) and i + 1 < len(words))
            ),
            None,
        )
        if owner is None or any(p.label == "SHARE" and p.start == owner + 1 for p in parts):
            return ()  # "each crime type's share of Barnet's crime": the groups are the parts
        crime_after = next((p for p in parts if p.label in ("CRIME", "ALL") and p.start > owner), None)
        if crime_after is None:
            return ()
        if crime_after.label == "ALL" and any(
            p.label == "CRIME" and p.start > crime_after.end for p in parts
        ):
            return ("crime_types",)  # "the highest proportion of its crime recorded as ASB"
        keys = {"OUTCOME", "TOD", "DAYTYPE", "DAYNAME", "EVENT", "EVENTCAT", "VENUE"}
        after = [p for p in parts if p.start >= crime_after.end and p.label in keys]
        if not after:
            # "the share of violence in each borough's crime": the part is named before the owner
            share = next((p for p in parts if p.label == "SHARE"), None)
            keys = keys | {"CRIME"} if crime_after.label == "ALL" else keys
            after = [
                p for p in parts if share and share.end <= p.start and p.end <= owner and p.label in keys
            ]
        return tuple(dict.fromkeys(SHARE_KEYS[p.label] for p in after))

    def _share_marker(self, doc, parts) -> int | None:
        """Index of the word after a share word that opens its part ('... of robbery *that* happened')."""
        share = next(p for p in parts if p.label == "SHARE")
        words = [t.lower_ for t in doc]
        return next((i for i in range(share.end, len(doc)) if words[i] in PART_MARKERS), None)

    def _share_part(self, doc, parts, group_by) -> tuple[str, ...]:
        share = next(p for p in parts if p.label == "SHARE")
        words = [t.lower_ for t in doc]
        keys = SHARE_KEYS
        if " ".join(share.text.lower().split()).split(" ")[0] in (
            "make",
            "made",
            "makes",
            "making",
            "account",
            "accounts",
            "accounted",
            "accounting",
        ):
            # "did shoplifting make up more than 10% of all crime": the part is what comes before
            own = ("CRIME", "OUTCOME", "TOD", "DAYTYPE", "DAYNAME", "EVENT", "EVENTCAT")
            return tuple(
                dict.fromkeys(keys[p.label] for p in parts if p.end <= share.start and p.label in own)
            )
        marker = next((i for i in range(share.end, len(doc)) if words[i] in PART_MARKERS), None)
        if marker is not None:
            after = [p for p in parts if p.start > marker and p.label in keys]
            if after:
                return tuple(dict.fromkeys(keys[p.label] for p in after))
        before = [p for p in parts if p.end <= share.start and p.label in keys]
        if before and share.start > 0 and words[share.start - 1] in ("a", "as", "the", "'s", "s"):
            following = [w for w in words[share.end : share.end + 3] if w != "the"]
            of_the_total = following[:1] == ["of"] and following[1:2] in (["total"], ["whole"], ["overall"])
            if group_by and ("of" not in words[share.end : share.end + 1] or of_the_total):
                # "outcomes of vehicle crime in Redbridge as percentages", "robbery by hour as a
                # percentage of the total": each group's share of what the question filters, not
                # the filters' share of everything
                return ()
            return tuple(dict.fromkeys(keys[p.label] for p in before))
        return ()


# Times of day with no agreed hours (DESIGN.md defines morning, afternoon, evening and night only):
# refused with a way forward rather than answered on a guess.
UNFIXED_TIMES_OF_DAY = frozenset({"rush hour", "lunchtime"})


class _Refusal(Exception):
    pass


# The parts that name one value of a grain: "with the outcome *offender given a caution*"
GRAIN_VALUES = {
    "outcome": "OUTCOME",
    "borough": "BOROUGH",
    "bcu": "BCU",
    "crime_type": "CRIME",
    "venue": "VENUE",
}


def _names_a_period(doc, grain: Part, times) -> bool:
    """'the years 2024 and 2025', 'the month of May 2025': a year or month grain right before a
    period that starts with a value of its own kind; not 'by month 2025', 'which month of 2025'."""
    end = doc[grain.end - 1].idx + len(doc[grain.end - 1])
    for t in times:
        between = doc.text[end : t.start]
        if between and between.strip() in ("", "of") and t.text.split():
            lead = t.text.split()[0]
            if grain.value == "month":
                return lead in MONTHS
            return re.fullmatch(r"(?:19|20)\d{2}", lead) is not None and between.strip() == ""
    return False


def _names_its_value(grain: Part, parts: list[Part], words: list[str]) -> bool:
    """Whether *grain* labels the value named right after it ("the outcome was unable to
    prosecute suspect", "the borough of Camden"): a filter, not a word left over."""
    label = GRAIN_VALUES.get(grain.value)
    for p in parts:
        if p.label == label and p.start >= grain.end:
            between = words[grain.end : p.start]
            return all(
                w in ("was", "is", "were", "of", "being", "as", "the", "a", "an", ":", "-") for w in between
            )
    return False


def _names_an_event_next(text: str, window, doc, parts: list[Part]) -> bool:
    """Whether an event (or a kind of event) is named right after 'the 3 hours before'."""
    for p in parts:
        if p.label in ("EVENT", "EVENTCAT"):
            between = text[window.end : doc[p.start].idx].split()
            if all(w in ("the", "each", "every", "all", "of", "last", "recent") for w in between):
                return True
    return False


@dataclass(frozen=True)
class Reading:
    """What the pattern finders read before spaCy: periods, a radius, an event's year,
    thresholds, and related periods ('the same month last year' -> 'year_before')."""

    times: list
    radius: int | None
    event_year: int | None
    thresholds: list
    periods: list[str]
    hours_at: int | None = None  # where a clock-time range starts in the text


# "is robbery higher in Hackney than in Tower Hamlets": a comparison of two named sides
COMPARATIVES = frozenset(
    {"higher", "lower", "greater", "bigger", "larger", "smaller", "more", "fewer", "less"}
)


def _one_period_within_another(times, anchor: dt.date) -> bool:
    """True when one of two periods lies inside the other ('summer' within '2025')."""
    if len(times) != 2:
        return False
    spans = []
    for t in times:
        w = t.window.resolved(anchor)
        if w.start is None or w.end is None:
            return False
        spans.append((w.start, w.end))
    (a1, a2), (b1, b2) = spans
    return (a1 <= b1 and b2 <= a2) or (b1 <= a1 and a2 <= b2)


def _is_comparative(tok) -> bool:
    """'higher' ... 'than' / 'or' / 'vs': the question sets two sides beside each other, and is
    answered as a comparison (refused when it names only one side: "higher than the national average")."""
    return tok.lower_ in COMPARATIVES and any(
        t.lower_ in ("than", "or", "vs", "versus") for t in tok.doc[tok.i + 1 :]
    )


def _after_group_word(doc, tok) -> bool:
    """True when *tok* follows 'by'/'per'/'each' (skipping articles): an asked-for grouping."""
    i = tok.i - 1
    while i >= 0 and doc[i].lower_ in ("the", "a", "an", "their", "its"):
        i -= 1
    return i >= 0 and doc[i].lower_ in ("by", "per", "each", "every")


def _without(text: str, doc, unknown) -> str:
    """The question's words (from the unmasked *text*) without the unknown ones and the
    preposition that led to them: 'theft during the regatta last month' -> 'theft last month'."""
    drop = {t.i for t in unknown}
    for t in unknown:
        i = t.i - 1
        while i >= 0 and (doc[i].lower_ in ("the", "a", "an") or i in drop):
            drop.add(i)
            i -= 1
        if i >= 0 and doc[i].lower_ in PLACE_PREPOSITIONS | {
            "during",
            "by",
            "per",
            "near",
            "around",
            "within",
        }:
            drop.add(i)
    kept = "".join(text[t.idx : t.idx + len(t)] + t.whitespace_ for t in doc if t.i not in drop)
    text = " ".join(kept.split())
    return text if any(ch.isalpha() for ch in text) else ""


def _replace_words(question: str, word: str, replacement: str) -> str:
    return re.sub(re.escape(word), replacement, question, count=1, flags=re.I)


def words_of(doc) -> list[str]:
    return [t.lower_ for t in doc]


def _original_case(note: str, question: str) -> str:
    """'southwork → Southwark' with the word as the officer typed it."""
    word, _, rest = note.partition(" → ")
    m = re.search(re.escape(word), question, re.I)
    return f"{m.group(0) if m else word} → {rest}"


def _radius(text: str) -> tuple[int | None, tuple[int, int] | None]:
    m = RADIUS.search(text)
    if not m:
        return None, None
    word = " ".join(m["n"].split())
    n, unit = float(RADIUS_WORDS.get(word, word)), m["u"]
    if unit.startswith("k"):
        n *= 1000
    elif unit.startswith("mi"):
        n *= 1609.344
    elif unit.startswith("y"):
        n *= 0.9144
    metres = int(round(n))
    if not 1 <= metres <= 50_000:
        return None, None
    return metres, (m.start(), m.end())


def _following(w: TimeWindow) -> TimeWindow | None:
    """The period of the same length right after *w*, when the data can hold it ('last year' -> this year)."""
    if w.kind == "rel_year" and w.n == 1 and w.offset < 0:
        return replace(w, offset=w.offset + 1)
    if w.kind in ("rel_months", "rel_days") and w.offset >= w.n:
        return replace(w, offset=w.offset - w.n)
    return None


def _adjacent(ordered: list) -> bool:
    """True when the periods follow on from each other with no gap (2024 then 2025)."""
    for a, b in zip(ordered, ordered[1:], strict=False):
        wa, wb = a.window, b.window
        if not (wa.kind == wb.kind == "months" and wa.end and wb.start):
            return wa.kind == wb.kind == "rel_year" and wb.offset == wa.offset + wa.n
        if (wb.start.year * 12 + wb.start.month) - (wa.end.year * 12 + wa.end.month) != 1:
            return False
    return True


def _whole_year(w: TimeWindow) -> bool:
    return w.kind == "months" and w.start and w.end and w.start.month == 1 and w.end.month == 12


def _sort_key(w: TimeWindow):
    if w.kind in ("months", "days") and w.start:
        return (0, w.start.toordinal(), 0)
    return (1, -w.offset if w.kind != "rel_year" else w.offset, 0)


def _union(a: TimeWindow, b: TimeWindow) -> TimeWindow:
    if a.kind == b.kind == "months" and a.start and b.end:
        return TimeWindow("months", a.start, b.end)
    if a.kind == b.kind == "rel_year":
        return TimeWindow("rel_year", n=b.offset - a.offset + 1, offset=a.offset)
    return b


def _grain_of(w: TimeWindow) -> str | None:
    if _whole_year(w) and w.start.year == w.end.year or w.kind == "rel_year":
        return "year"
    if w.kind == "months" and w.start == w.end:
        return "month"
    return None


def _forms(words: set[str]) -> set[str]:
    """Words plus simple plurals, as spelling targets."""
    out = set()
    for w in words:
        if not w.isalpha() or len(w) < 3:
            continue
        out.add(w)
        out.add(w[:-1] + "ies" if w.endswith("y") else w + "s")
    return out


def _on_its_own(asked: str) -> str:
    """'And how many burglaries in Hackney' -> 'How many burglaries in Hackney'."""
    text = re.sub(r"^(?:(?:and|also|so|but|then|ok|okay|plus)\b[\s,]*)+", "", asked.strip(" ,"), flags=re.I)
    return text[:1].upper() + text[1:]


@functools.cache
def _signal_words() -> frozenset[str]:
    """Words that would change an answer (times of day, days, periods, rankings, measures): the
    context around a question must not hold one the question itself does not ("last fri night -
    how much crime near Soho?" is not a question about all time)."""
    from nlq.pipeline import KEYWORDS

    labels = ("TOD", "DAYTYPE", "DAYNAME", "TOP", "RATE", "SHARE", "CHANGE", "AVERAGE", "COMPARE", "TREND")
    words = {p for label in labels for phrases in KEYWORDS[label].values() for p in phrases if " " not in p}
    words |= set(MONTHS) | set(PERIOD_WORDS.split())
    return frozenset(_singular(w) for w in words - {"shift", "crime", "better", "school"})


# "before my first shift", "car crime", "getting better round my way": not what a question asks for
PERIOD_WORDS = (
    "last this next previous yesterday today tonight week weekend month year quarter summer winter "
    "spring autumn fri mon tue tues wed thu thur thurs"
)


def _signals(text: str) -> set[str]:
    """The signal words in *text*, singular ("Saturday nights" and "a Saturday night" agree)."""
    return {_singular(w) for w in normalise(text).split()} & _signal_words()


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 and not word.endswith("ss") else word


def _keyword_words() -> set[str]:
    from nlq.pipeline import KEYWORDS

    return {
        w for groups in KEYWORDS.values() for phrases in groups.values() for p in phrases for w in p.split()
    }


__all__ = ["Parser", "ParseResult", "TimeMatch", "normalise"]
