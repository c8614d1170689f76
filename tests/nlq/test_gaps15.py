"""Language the fifteenth blind set found missing: numbers as words in thresholds, "nr" for near,
"last summer", "drop" as a noun, "criminal" as an adjective, and a share whose part is named
before the group's own crime ("the share of violence in each borough's crime")."""

from __future__ import annotations

import pytest

from nlq.numbers import number_words_to_digits
from nlq.parse import normalise
from nlq.refusal import refuse_reason


@pytest.mark.parametrize(
    "text,digits",
    [
        ("over two thousand burglaries", "over 2000 burglaries"),
        ("more than forty thousand crimes", "more than 40000 crimes"),
        ("at least a hundred and fifty robberies", "at least 150 robberies"),
        ("fewer than twelve", "fewer than 12"),
        ("under five hundred", "under 500"),
        ("more than 3 thousand", "more than 3000"),
        ("one million two hundred thousand and five", "1200005"),
        ("top twenty-five streets", "top 25 streets"),
        ("thirty six lsoas", "36 lsoas"),
        # place names and other words keep their words
        ("robbery near seven sisters", "robbery near seven sisters"),
        ("crime on forty lane", "crime on forty lane"),
        ("nine elms", "nine elms"),
        ("rate per thousand residents", "rate per thousand residents"),
        ("top three boroughs", "top three boroughs"),
        ("twenty twenty five", "twenty twenty five"),  # not one well-formed number
        ("five five", "five five"),
    ],
)
def test_number_words(text, digits):
    assert number_words_to_digits(text) == digits


@pytest.mark.parametrize(
    "question,normalised",
    [
        ("phone snatching nr oxford circus", "phone snatching near oxford circus"),
        ("crime nr. kings cross", "crime near kings cross"),
        ("nr of robberies in camden", "number of robberies in camden"),
    ],
)
def test_nr_is_near_or_number(question, normalised):
    assert normalise(question) == normalised


@pytest.mark.parametrize(
    "question",
    [
        "Which three boroughs had the biggest drop in vehicle crime from 2024 to 2025?",
        "was there a drop in crime in Camden last year",
        "boroughs with a 10% drop in crime",
        "criminal damge bromley by day of week",
    ],
)
def test_nouns_and_adjectives_are_not_refused(question):
    assert refuse_reason(question) is None


@pytest.mark.parametrize(
    "question",
    [
        "drop the crime records for Camden",
        "drop all crime in Camden",
        "delete crime records in camden",
        "list the criminal in Camden",
        "which criminals are in Camden",
    ],
)
def test_writes_and_people_are_still_refused(question):
    assert refuse_reason(question) is not None


@pytest.mark.parametrize(
    "question,first,last",
    [
        ("burglary last summer", "2025-06-01", "2025-08-01"),
        ("burglary last winter", "2024-12-01", "2025-02-01"),
        ("burglary over the winter", "2024-12-01", "2025-02-01"),  # whole winters only, not Dec 2025 alone
        ("burglary in the past autumn", "2025-09-01", "2025-11-01"),
    ],
)
def test_a_season_without_a_year_is_the_latest_whole_one(engine, question, first, last):
    sql = engine.ask(question).sql
    assert f"BETWEEN CAST('{first}' AS DATE) AND CAST('{last}' AS DATE)" in sql, sql


@pytest.mark.parametrize(
    "question,part",
    [
        (
            "share of violence and sexual offences in each borough's crime in 2025",
            "Violence and sexual offences",
        ),
        ("share of robbery in each BCU's crime", "Robbery"),
    ],
)
def test_a_share_named_before_each_groups_own_crime(engine, question, part):
    sql = engine.ask(question).sql
    assert f"COUNT(*) FILTER(WHERE c.crime_type = '{part}') / COUNT(*)" in sql, sql
    assert "OVER () AS share_pct" not in sql


def test_a_threshold_in_words_is_the_same_as_in_digits(engine):
    words = engine.ask("which boroughs had over two thousand burglaries last year")
    digits = engine.ask("which boroughs had more than 2000 burglaries last year")
    assert words.sql == digits.sql


@pytest.mark.parametrize(
    "question",
    [
        "burglary in winter 2025",  # December 2025 is the data's last month
        "burglary in winter 2023",  # January 2024 its first
        "burglary from november 2025 to march 2026",
        "burglary since 2023",
        "burglary in Camden since 2019",  # the total of 2024-25 would read as six years' worth
        "burglary in the last 30 months",  # of 24
    ],
)
def test_a_period_the_data_covers_only_in_part_is_said_not_counted(engine, question):
    reply = engine.ask(question)
    assert reply.sql is None and "only partly there" in reply.error, reply.error


@pytest.mark.parametrize(
    "question", ["burglary this year", "burglary in the last 24 months", "burglary in 2025"]
)
def test_periods_within_the_data_are_answered(engine, question):
    assert engine.ask(question).error is None
