"""What-changed questions: which phrasings are read as one, what they keep, what they refuse."""

from __future__ import annotations

import io
import json

import pytest

from nlq import Engine, Intent
from nlq.what_changed import split


@pytest.fixture(scope="module")
def engine(small_warehouse):
    return Engine.open(str(small_warehouse))


@pytest.mark.parametrize(
    "question, reading",
    [
        ("what changed in Camden last month", "What changed · Camden · December 2025 · all crime types"),
        (
            "anything unusual in North West this month",
            "What changed · North West BCU · December 2025 · all crime types",
        ),
        ("what's unusual in Hackney", "What changed · Hackney · December 2025 · all crime types"),
        ("whats unusual in Hackney?", "What changed · Hackney · December 2025 · all crime types"),
        ("any spikes in Lambeth last month", "What changed · Lambeth · December 2025 · all crime types"),
        ("What has changed in Westminster", "What changed · Westminster · December 2025 · all crime types"),
        ("anomalies in Camden", "What changed · Camden · December 2025 · all crime types"),
        ("is there anything odd in Brent", "What changed · Brent · December 2025 · all crime types"),
        (
            "what changed in Camden in November 2025",
            "What changed · Camden · November 2025 · all crime types",
        ),
        ("anything unusual in burglary in Camden", "What changed · Camden · December 2025 · Burglary"),
        (
            "any unusual spikes in robbery in the last 3 months",
            "What changed · all London · October – December 2025 · Robbery",
        ),
        ("what changed", "What changed · all London · December 2025 · all crime types"),
        (
            "what changed in Camden this year",
            "What changed · Camden · January – December 2025 · all crime types",
        ),
    ],
)
def test_what_changed_phrasings_are_read_with_their_area_months_and_types(engine, question, reading):
    parsed = engine.parse(question)
    assert parsed.intent is not None, parsed.error
    assert parsed.intent.insight == "what_changed"
    assert parsed.intent.describe(engine.data_as_of) == reading


@pytest.mark.parametrize(
    "question, measure",
    [
        ("how has ASB changed in Hackney since last year", "change"),
        ("what changed in Camden from 2024 to 2025", "change"),  # two periods: a change, as before
        ("change in burglary in Bromley between 2024 and 2025", "change"),
        ("burglary in Camden last month", "count"),
    ],
)
def test_change_and_count_questions_are_not_taken_for_what_changed(engine, question, measure):
    intent = engine.parse(question).intent
    assert intent is not None and intent.insight is None and intent.measure == measure


@pytest.mark.parametrize(
    "question, reason",
    [
        ("anything unusual near the O2", "can't take “within 500 m of The O2”"),
        ("what changed in Camden at night", "can't take “night (22:00–05:59)”"),
        ("what changed in Camden yesterday", "works month by month"),
        ("what changed in my BCU", "which BCU is yours"),
        ("any spikes in the top 5 boroughs", "can't take"),
    ],
)
def test_what_changed_refuses_what_the_method_cannot_take(engine, question, reason):
    parsed = engine.parse(question)
    assert parsed.intent is None and reason in parsed.error


def test_unknown_words_are_reported_with_the_reading_without_them(engine):
    parsed = engine.parse("what changed in Camden during the regatta")
    assert parsed.intent is None and parsed.unknown
    assert parsed.without.startswith("what changed") and "regatta" not in parsed.without


def test_split_keeps_the_phrase_and_the_rest():
    assert split("what changed in camden last month") == ("what changed", "camden last month")
    assert split("how has robbery changed in camden") is None
    assert split("what time do most robberies happen") is None


def test_the_intent_round_trips_and_rejects_an_unknown_insight(engine):
    intent = engine.parse("what changed in Camden last month").intent
    assert Intent.from_dict(intent.to_dict()) == intent
    with pytest.raises(ValueError):
        Intent.from_dict({**intent.to_dict(), "insight": "horoscope"})


def test_the_sql_is_the_monthly_counts_compared(engine):
    parsed = engine.parse("anything unusual in burglary in Camden last month")
    sql = parsed.sql
    assert "GROUP BY c.borough, c.crime_type, c.month" in sql and "'Burglary'" in sql
    assert (
        "CAST('2024-01-01' AS DATE) AND CAST('2025-12-01' AS DATE)" in sql
    )  # 48 months back, to the data's start


def test_jsonl_gives_no_sql_and_says_it_is_an_insight(small_warehouse):
    from nlq.cli import main

    out = io.StringIO()
    questions = "what changed in Camden last month\nburglary in Camden\nanything unusual near the O2\n"
    main(["ask", "--jsonl", "--warehouse", str(small_warehouse)], stdin=io.StringIO(questions), stdout=out)
    changed, plain, refused = (json.loads(line) for line in out.getvalue().splitlines())
    assert changed["sql"] is None and changed["error"] is None and changed["insight"] == "what_changed"
    assert changed["reading"] == "What changed · Camden · December 2025 · all crime types"
    assert changed["insight_sql"].startswith("SELECT c.borough AS borough")
    assert plain["sql"] and "insight" not in plain
    assert refused["sql"] is None and "can't take" in refused["error"]


def test_the_cli_says_what_changed_in_words_not_as_an_empty_table(small_warehouse):
    from nlq.cli import main

    out = io.StringIO()
    main(["ask", "what changed in Camden last month", "--warehouse", str(small_warehouse)], stdout=out)
    text = out.getvalue()
    assert "(no rows)" not in text
    assert "Nothing unusual in Camden" in text or "expected" in text
