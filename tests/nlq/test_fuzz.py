"""Fuzzing the question → SQL path: every input gives guard-clean SQL or a reason, never an exception.

The SQL is checked with the guard, not executed (that would make the run slow).
"""

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlq.guard import check_sql

FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PHRASES = [
    "how many",
    "crimes",
    "crime",
    "robberies",
    "burglary",
    "knife crime",
    "ASB",
    "muggings",
    "bike theft",
    "in",
    "near",
    "within 2km of",
    "within 300 m of",
    "during",
    "by hour",
    "by borough",
    "by month",
    "by day of week",
    "monthly trend",
    "top 5",
    "bottom 3",
    "least",
    "most",
    "last month",
    "last year",
    "this year",
    "past 6 months",
    "since September 2024",
    "in 2024",
    "in 2025",
    "on 21 June 2024",
    "rate per 1,000 residents",
    "share",
    "percentage",
    "year on year change",
    "excluding",
    "not",
    "at night",
    "in the morning",
    "at weekends",
    "on weekdays",
    "on Fridays",
    "unsolved",
    "under investigation",
    "map of",
    "average monthly",
    "compare",
    "vs",
    "and",
    "or",
    "?",
    ",",
    "what about",
    "show me",
    "streets",
    "LSOA",
    "BCU",
    "Central West",
    "0",
    "-1",
    "999999999999",
]
SQL_BITS = [
    "SELECT * FROM crimes",
    "'; DROP TABLE crimes; --",
    "DELETE FROM crimes",
    "1=1",
    "OR 1=1",
    "UNION SELECT * FROM read_csv('/etc/passwd')",
    "/*",
    "*/",
    "--",
    ";",
    "ATTACH 'x.db'",
    "COPY crimes TO '/tmp/x'",
    "PRAGMA database_list",
    "getenv('HOME')",
    "\\x00",
    "%s",
    "{0}",
    "$1",
    "?",
    '"crimes"',
    "`crimes`",
    "' OR ''='",
    "EXEC xp_cmdshell",
    "<script>alert(1)</script>",
]
JUNK = st.text(alphabet=st.characters(), min_size=1, max_size=12)


@pytest.fixture(scope="module")
def engine(small_warehouse):
    try:
        from nlq import Engine
    except ImportError:
        pytest.skip("nlq.Engine is not available yet")
    return Engine.open(small_warehouse)


@pytest.fixture(scope="module")
def vocabulary_words(small_warehouse):
    con = duckdb.connect(str(small_warehouse), read_only=True)
    try:
        words = [
            r[0]
            for r in con.execute(
                "SELECT borough FROM boroughs UNION ALL SELECT bcu FROM boroughs "
                "UNION ALL SELECT crime_type FROM crime_types "
                "UNION ALL SELECT venue FROM venues UNION ALL SELECT name FROM events"
            ).fetchall()
            if r[0]
        ]
        words += [r[0] for r in con.execute("SELECT DISTINCT unnest(synonyms) FROM crime_types").fetchall()]
    finally:
        con.close()
    return sorted(set(words))


def check(engine, text: str) -> None:
    """The engine's answer to `text` is guard-clean SQL or a non-empty reason."""
    parsed = engine.parse(text)
    if hasattr(parsed, "describe"):  # an Intent
        sql = engine.sql_for(parsed)
        assert isinstance(sql, str) and sql.strip(), f"no SQL for {text!r}"
        check_sql(sql)  # raises GuardError if the engine built something the guard refuses
    else:
        reason = getattr(parsed, "error", None)
        assert isinstance(reason, str) and reason.strip(), (
            f"neither SQL nor a reason for {text!r}: {parsed!r}"
        )


@settings(FUZZ, max_examples=1500)
@given(text=st.text(alphabet=st.characters(), max_size=200))
def test_any_unicode_text(engine, text):
    check(engine, text)


@settings(FUZZ, max_examples=60)
@given(piece=st.text(alphabet=st.characters(), min_size=1, max_size=40), size=st.integers(2_000, 10_000))
def test_very_long_input(engine, piece, size):
    check(engine, (piece * (size // len(piece) + 1))[:size])


@settings(FUZZ, max_examples=800)
@given(parts=st.lists(st.one_of(st.sampled_from(SQL_BITS), st.sampled_from(PHRASES), JUNK), max_size=12))
def test_sql_fragments_mixed_with_question_words(engine, parts):
    check(engine, " ".join(parts))


@settings(FUZZ, max_examples=1500)
@given(data=st.data())
def test_vocabulary_words_mixed_with_junk(engine, vocabulary_words, data):
    words = st.one_of(st.sampled_from(vocabulary_words), st.sampled_from(PHRASES), JUNK)
    parts = data.draw(st.lists(words, min_size=1, max_size=10))
    separator = data.draw(st.sampled_from([" ", "  ", ", ", "\t", "\n", "", "🚓"]))
    check(engine, separator.join(parts))


@pytest.mark.parametrize(
    "text",
    ["", " ", "\x00", "\n\r\t", "🚓" * 500, "a" * 10_000, "crimes " * 2_000, "\u202e\u200b\ufeff", "\ud800"],
)
def test_awkward_inputs(engine, text):
    check(engine, text)
