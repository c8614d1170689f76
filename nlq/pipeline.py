"""The spaCy pipeline: spacy.blank("en") + lookup lemmatizer + an EntityRuler.

The ruler holds the vocabulary phrases (BOROUGH, BCU, CRIME, OUTCOME, VENUE, EVENT,
EVENTCAT) and the question keywords below. Each pattern is added twice, by lower-case
form and by lemma, so "burglaries" matches "burglary". Entity ids point back at the
phrase so that parse can look the meaning up. No model is downloaded.
"""

from __future__ import annotations

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

from nlq.vocabulary import Vocabulary, normalise_phrase

# label -> value -> phrases. Values are read by nlq.parse.
KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "GRAIN": {
        "hour": (
            "hour",
            "what time",
            "what times",
            "which time",
            "time of night",
            "hour of day",
            "hour of the day",
            "time of day",
            "time of the day",
            "hourly",
            "hour by hour",
        ),
        "weekday": ("day of week", "day of the week", "days of the week", "day of the wk"),
        "day": ("day", "daily", "date", "day by day"),
        "week": ("week", "weekly", "week by week"),
        "month": ("month", "monthly", "month by month", "calendar month"),
        "quarter": ("quarter", "quarterly"),
        "year": ("year", "yearly", "annual", "annually", "year by year"),
        "borough": ("borough", "local authority", "council area", "council", "area"),
        "bcu": ("bcu", "bcus", "command unit", "command units", "basic command unit", "basic command units"),
        "crime_type": (
            "crime type",
            "type",
            "category",
            "type of crime",
            "kind of crime",
            "offence type",
            "crime category",
            "kind",
            "sort of crime",
            "types of offence",
            "offence category",
        ),
        "outcome": ("outcome", "result", "resolution", "outcome category"),
        "location": ("street", "road", "location", "place", "spot"),
        "lsoa": ("lsoa", "lsoas", "neighbourhood", "small area", "lower super output area", "output area"),
        "venue": ("venue", "venues"),
        "day_type": ("day type", "type of day", "kind of day", "weekday or weekend", "weekend or weekday"),
    },
    "TREND": {"month": ("trend", "over time", "time series", "timeline", "trend line")},
    "RATE": {
        "rate": (
            "rate",
            "per 1000",
            "per thousand",
            "per 1000 residents",
            "per thousand residents",
            "per thousand people",
            "per thousand population",
            "per thousand inhabitants",
            "per 1000 of the population",
            "per 1000 of population",
            "per 1000 people",
            "per capita",
            "per 1000 population",
            "per 1000 inhabitants",
            "per head",
            "per 1000 head",
            "crime rate",
            "per resident",
            "per person",
        )
    },
    "SHARE": {
        "share": (
            "percentage",
            "proportion",
            "share",
            "percent",
            "%",
            "fraction",
            "what part",
            "ratio",
            "how much of",
            "what fraction of",
            "make up",
            "made up",
            "makes up",
            "making up",
            "account for",
            "accounts for",
            "accounted for",
            "accounting for",
        )
    },
    "CHANGE": {
        "change": (
            "change",
            "percentage change",
            "percent change",
            "per cent change",
            "percentage increase",
            "percentage decrease",
            "percentage rise",
            "percentage fall",
            "percentage drop",
            "changed",
            "gone up",
            "go up",
            "went up",
            "gone down",
            "go down",
            "went down",
            "increase",
            "increased",
            "decrease",
            "decreased",
            "rise",
            "risen",
            "rose",
            "fall",
            "fallen",
            "fell",
            "drop",
            "dropped",
            "grow",
            "grown",
            "growth",
            "decline",
            "declined",
            "difference",
            "shift",
            "trend up",
            "up or down",
            "got worse",
            "got better",
            "worse",
            "better",
        ),
        "yoy": ("year on year", "year-on-year", "yoy", "annual change", "year over year"),
        "mom": ("month on month", "month-on-month", "mom", "month over month"),
    },
    "AVERAGE": {"average": ("average", "mean", "typical", "on average", "avg")},
    "PER": {"per": ("per", "a", "each", "every")},
    "MAP": {
        "map": (
            "map",
            "on a map",
            "where",
            "hotspot",
            "heatmap",
            "heat map",
            "plot",
            "locations of",
            "show on a map",
            "mapped",
            "points",
        )
    },
    "CHART": {
        "bar": ("bar chart", "bar", "bars", "chart"),
        "line": ("line chart", "line graph", "graph"),
        "table": ("table", "list"),
    },
    "NEAR": {
        "near": (
            "near",
            "around",
            "close to",
            "nearby",
            "in the vicinity of",
            "next to",
            "outside",
            "surrounding",
            "by",
            "at",
            "vicinity",
        )
    },
    "EXCLUDE": {
        "exclude": (
            "excluding",
            "excl",
            "exc",
            "except",
            "except for",
            "not including",
            "other than",
            "apart from",
            "without",
            "but not",
            "minus",
            "not",
            "exclude",
            "excludes",
            "ignoring",
            "leaving out",
            "no",
            "aside from",
            "discounting",
            "besides",
        )
    },
    "COMPARE": {
        "compare": (
            "compare",
            "compared",
            "comparison",
            "vs",
            "versus",
            "v",
            "against",
            "compared with",
            "compared to",
            "relative to",
            "contrast",
        )
    },
    "TOP": {
        "desc": (
            "top",
            "most",
            "highest",
            "worst",
            "biggest",
            "largest",
            "greatest",
            "busiest",
            "most common",
            "most frequent",
            "the most",
            "max",
            "maximum",
            "peak",
            "riskiest",
            "most dangerous",
            "leading",
            "steepest",
            "sharpest",
            "fastest",
        ),
        "asc": (
            "bottom",
            "least",
            "fewest",
            "lowest",
            "safest",
            "quietest",
            "smallest",
            "best",
            "min",
            "minimum",
            "least common",
        ),
    },
    "WHICH": {"which": ("which", "what", "name the", "whichever")},
    "TOD": {
        "morning": ("morning", "mornings", "in the morning"),
        "afternoon": ("afternoon", "afternoons"),
        "evening": ("evening", "evenings", "in the evening"),
        "night": (
            "night",
            "nights",
            "at night",
            "overnight",
            "night time",
            "nighttime",
            "night-time",
            "late at night",
            "after dark",
            "late night",
        ),
        "lunchtime": (
            "lunchtime",
            "lunchtimes",
            "lunch time",
            "lunch",
            "at lunch",
            "over lunch",
            "lunch hour",
        ),
        "rush hour": ("rush hour", "rush hours", "rush-hour", "commuting hours", "commuter hours"),
        # after midnight until the morning (an hour range, as nlq.intent.hour_range writes it)
        "00-05": ("early hours", "small hours", "wee hours", "early hours of the morning"),
    },
    "DAYTYPE": {
        "weekend": ("weekend", "weekends", "saturday and sunday", "saturdays and sundays", "sat and sun"),
        "weekday": (
            "weekday",
            "weekdays",
            "week day",
            "working day",
            "working days",
            "monday to friday",
            "mondays to fridays",
            "workday",
            "workdays",
            "school day",
        ),
    },
    "DAYNAME": {
        d: (d.lower(), d.lower() + "s")
        for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    },
    "TOTAL": {
        "total": (
            "total",
            "in total",
            "altogether",
            "combined",
            "overall",
            "all together",
            "sum",
            "together",
            "taken together",
            "between them",
            "as a whole",
        )
    },
    "COUNT": {
        "count": (
            "how many",
            "number of",
            "count",
            "tally",
            "volume",
            "how much",
            "amount of",
            "level of",
            "levels of",
        )
    },
    "ALL": {
        "all": (
            "crime",
            "crimes",
            "all crime",
            "offence",
            "offences",
            "incident",
            "incidents",
            "everything",
            "recorded crime",
            "reported crime",
            "offending",
            "criminality",
            "all types",
            "all offences",
            "total crime",
            "crime overall",
            "all crimes",
            "any crime",
            "criminal offence",
            "happenings",
        )
    },
}

# Words matched by their exact form only: their lookup lemmas collide with other keywords
# ("worst" and "worse" -> "wrong", "best" and "better" -> "well", "led" -> "lead" as in "leading").
NO_LEMMA = {
    "worst",
    "worse",
    "best",
    "better",
    "leading",
    "mean",
    # superlatives rank; their base words do not ("how safe is Camden" is no ranking)
    "safest",
    "quietest",
    "busiest",
    "riskiest",
    "biggest",
    "largest",
    "highest",
    "lowest",
    "smallest",
    "greatest",
    "fewest",
}

# Stop words that can change what a question asks ("more than", "the same month", "serious"):
# never filler, so a question that uses one no rule understood gets no answer.
MEANINGFUL = {
    "above",
    "after",
    "afterwards",
    "before",
    "below",
    "beyond",
    "bottom",
    "except",
    "few",
    "first",
    "last",
    "least",
    "less",
    "more",
    "most",
    "next",
    "never",
    "none",
    "nor",
    "not",
    "no",
    "nothing",
    "other",
    "others",
    "otherwise",
    "over",
    "same",
    "serious",
    "third",
    "top",
    "under",
    "unless",
    "until",
    "without",
    "eight",
    "eleven",
    "fifteen",
    "fifty",
    "five",
    "forty",
    "four",
    "hundred",
    "nine",
    "one",
    "six",
    "sixty",
    "ten",
    "three",
    "twelve",
    "twenty",
    "two",
}

# Words that carry no meaning for the warehouse; anything else left over is reported.
FILLER = (
    (set(STOP_WORDS) - MEANINGFUL)
    | {
        # asking, and the verbs that lead to an outcome ("ended with a caution", "dealt with by ...")
        "pls",
        "plz",
        "records",
        "entries",
        "instead",
        "takes",
        "taking",
        "wide",
        "code",
        "codes",
        "names",
        "update",
        "ended",
        "ending",
        "led",
        "dealt",
        "issued",
        "passed",
        "resulted",
        "resulting",
        "given",
        "received",
        "break",
        "pattern",
        "patterns",
        "profile",
        "picture",
        "distribution",
        "show",
        "give",
        "list",
        "tell",
        "display",
        "find",
        "get",
        "see",
        "view",
        "want",
        "need",
        "like",
        "please",
        "happened",
        "happen",
        "happens",
        "happening",
        "occurred",
        "occur",
        "occurring",
        "took",
        "place",
        "take",
        "recorded",
        "reported",
        "committed",
        "logged",
        "were",
        "was",
        "there",
        "data",
        "figures",
        "stats",
        "statistics",
        "number",
        "numbers",
        "london",
        "police",
        "met",
        "metropolitan",
        "had",
        "have",
        "has",
        "did",
        "do",
        "does",
        "i",
        "me",
        "us",
        "breakdown",
        "broken",
        "split",
        "across",
        "the",
        "for",
        "in",
        "of",
        "within",
        "during",
        "between",
        "since",
        "from",
        "to",
        "and",
        "or",
        "on",
        "s",
        "'s",
        "?",
        ".",
        ",",
        "!",
        "-",
        "(",
        ")",
        "'",
        '"',
        ":",
        ";",
        "look",
        "looking",
        "doing",
        "looks",
        "compare",
        "record",
        "time",
        "times",
        "period",
        "periods",
        "level",
        "levels",
        "rates",
        "got",
        "gone",
        "go",
        "been",
        "be",
        "is",
        "are",
        "how",
        "what",
        "when",
        "saw",
        "seen",
        "sees",
        "seeing",
        "experience",
        "experiences",
        "experienced",
        "suffer",
        "suffers",
        "suffered",
        "gets",
        "which",
        "type",
        "types",
        "shows",
        "event",
        "events",
        "concert",
        "concerts",
        "match",
        "matches",
        "game",
        "games",
        "gig",
        "gigs",
        "performance",
        "performances",
        "day",
        "days",
        "date",
        "dates",
        "cases",
        "case",
        "crime",
        "whole",
        "entire",
        "city",
        "capital",
        "borough",
        "boroughs",
        "area",
        "areas",
        "nearby",
        "close",
        "radius",
        "metres",
        "meters",
        "m",
        "km",
        "kilometres",
        "kilometers",
        "mile",
        "miles",
        "yard",
        "yards",
        "far",
        "distance",
        "up",
        "down",
        "report",
        "reports",
        "sort",
        "kind",
        "kinds",
        "category",
        "categories",
        "summary",
        "overview",
        "analysis",
        "thanks",
        "compared",
        "vs",
        "versus",
        "also",
        "too",
        "just",
        "only",
        "about",
        "roughly",
        "around",
        "approximately",
        "latest",
        "recent",
        "current",
        "currently",
        "now",
        "ever",
        "total",
        "grouped",
        "group",
        "count",
        "counts",
        "rank",
        "ranked",
        "ranking",
        "order",
        "ordered",
        "sorted",
        "common",
        "frequent",
        "year",
        "month",
        "week",
        "years",
        "months",
        "weeks",
        "quarter",
        "quarters",
    }
    | {
        # courtesy and asides: "Hi, sorry to bother you, would it be possible to ... Many thanks!"
        "hi",
        "hello",
        "hiya",
        "hey",
        "sorry",
        "apologies",
        "bother",
        "possible",
        "possibly",
        "kindly",
        "thank",
        "thanks",
        "cheers",
        "advance",
        "grateful",
        "appreciate",
        "appreciated",
        "wondering",
        "wonder",
        "hope",
        "hoping",
        "sense",
        "makes",
        "know",
        "knowing",
        "trying",
        "try",
        "help",
        "mind",
        "silly",
        "daft",
        "question",
        "questions",
        "team",
        "asked",
        "wants",
        "wanted",
        "sergeant",
        "sarge",
        "inspector",
        "boss",
        "guv",
        "supervisor",
        "manager",
        "colleague",
        "roughly",
        "approximately",
        "really",
        "quite",
        "right",
        "word",
        "exactly",
        "briefly",
        "quickly",
        "quick",
        "able",
        "dont",
        "nt",
        "playing",
        "played",
        "performing",
        "performed",
    }
)


@Language.factory("plural_lemmas")
def plural_lemmas(nlp, name):
    """Plurals the lookup table lacks take the lemma of their singular: 'snatchings' is
    'snatching', so 'phone snatchings' reads as 'phone snatching'."""
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")

    def component(doc):
        for t in doc:
            if t.lemma_ == t.lower_:
                t.lemma_ = plural_lemma(t.lower_, table)
        return doc

    return component


def plural_lemma(word: str, table) -> str:
    """*word*'s lemma by its singular when the table knows only the singular form.

    >>> plural_lemma("snatchings", {"snatching": "snatch"})
    'snatch'
    >>> plural_lemma("bus", {"bu": "x"}), plural_lemma("news", {})
    ('bus', 'news')
    """
    if table is None or len(word) < 6 or not word.endswith("s") or word.endswith("ss"):
        return word
    singular = word[:-1]
    return table.get(singular, word) if singular in table else word


def build_nlp(vocab: Vocabulary):
    """A blank English pipeline with the lookup lemmatizer and an EntityRuler fed from *vocab*."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "phrase_matcher_attr": None})
    # initialize() clears an EntityRuler's patterns: initialise first, then add them.
    nlp.initialize()
    nlp.add_pipe("plural_lemmas", before="entity_ruler")  # after initialize(): it reads the loaded table
    patterns = []
    seen = set()

    def add(label: str, phrase: str, ident: str) -> None:
        doc = nlp.make_doc(phrase)
        lower = [{"LOWER": t.lower_} for t in doc]
        # Lemmas only for content words: lookup lemmas of function words collide ("were" -> "be").
        lemmas = [
            {"LOWER": t.lower_}
            if t.lower_ in STOP_WORDS or t.lower_ in NO_LEMMA or len(t) < 3
            else {"LEMMA": lemma(nlp, t.lower_)}
            for t in doc
        ]
        for pat in (lower, lemmas):
            key = (label, ident, repr(pat))
            if key not in seen:
                seen.add(key)
                patterns.append({"label": label, "pattern": pat, "id": ident})

    for phrase, (label, _values) in vocab.phrases.items():
        add(label, phrase, phrase)
    for label, groups in KEYWORDS.items():
        for value, phrases in groups.items():
            for p in phrases:
                add(label, normalise_phrase(p) if p != "%" else p, value)
    # kinds of venue from the data ('stadium', 'arena', 'town centre'): "crime near each stadium"
    for kind in sorted({str(info.get("kind") or "") for info in vocab.venues.values()} - {""}):
        k = normalise_phrase(kind)
        for form in dict.fromkeys((k, k + "s", k[:-2] + "a" if k.endswith("um") else k + "s")):
            add("VENUEKIND", form, kind)
    ruler.add_patterns(patterns)
    return nlp


def lemma(nlp, word: str) -> str:
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return table.get(word, plural_lemma(word, table))


def english_words(nlp) -> set[str]:
    """Known English word forms (from the lookup tables), used to avoid 'correcting' real words."""
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    words = set(table.keys()) if hasattr(table, "keys") else set()
    words |= set(table.values()) if hasattr(table, "values") else set()
    return {w for w in words if isinstance(w, str)}
