"""Language the twentieth blind set found: a chatty message read as its asking part when the context
around it names nothing the question leaves out and restricts nothing; "year-to-date"; "through
2025" as all of 2025; "going by" a measure; "while the event was running"."""

from __future__ import annotations

import pytest

from tests.nlq.readings import assert_same_reading


@pytest.mark.parametrize(
    "message,plain",
    [
        (
            "Hi, I've just started as a special constable in Hackney and I'm putting a patrol plan together. "
            "Could you tell me how many burglaries there were in Hackney last month, so I know what I'm walking into?",
            "burglaries in Hackney last month",
        ),
        (
            "My sergeant says bike theft is a real headache in Islington. Just so I've got the numbers straight "
            "before my first shift, how many bike thefts were recorded in Islington over the last six months?",
            "bicycle theft in Islington in the last 6 months",
        ),
        (
            "A reporter wants to know the worst borough for robbery in 2025 - which one is it?",
            "the borough with the most robbery in 2025",
        ),
        (
            "Sorry, one more for my briefing pack: of the robberies in Hackney last year, how many are still "
            "under investigation?",
            "robberies in Hackney last year still under investigation",
        ),
    ],
)
def test_the_asking_part_of_a_chatty_message_is_read(engine, message, plain):
    assert_same_reading(engine, message, plain)
    assert "as context" in engine.parse(message).notes[0]


@pytest.mark.parametrize(
    "message",
    [
        # the context names a place the question only points at ("there")
        "I'm planning a few walkabouts in Westminster and wondered which five streets there had the most theft last month?",
        # the context restricts: left out, it would give a wrong number
        "I only care about incidents in the evening. How many robberies were there in Camden last month?",
    ],
)
def test_context_that_could_change_the_answer_is_not_left_out(engine, message):
    parsed = engine.parse(message)
    assert parsed.sql is None and parsed.error


def test_two_questions_in_one_message_are_refused_and_offered_one_at_a_time(engine):
    parsed = engine.parse(
        "How many robberies in Camden last month? And how many burglaries in Hackney in 2025?"
    )
    assert parsed.sql is None and "2 questions in one" in parsed.error
    assert parsed.suggestions == [
        "How many robberies in Camden last month",
        "How many burglaries in Hackney in 2025",
    ]


@pytest.mark.parametrize(
    "question,plain",
    [
        ("Year-to-date shoplifting in Camden", "shoplifting in Camden year to date"),
        ("shoplifting in Croydon month by month through 2025", "shoplifting in Croydon by month in 2025"),
        ("robbery in Camden from 2024 through 2025", "robbery in Camden from 2024 to 2025"),
        (
            "the three safest boroughs in 2025 going by crime rate",
            "the three boroughs with the lowest crime rate in 2025",
        ),
        (
            "how many crimes within 1km of the London Eye while the fireworks event was running in 2024",
            "crimes within 1 km of the London Eye during the fireworks event in 2024",
        ),
    ],
)
def test_wordings(engine, question, plain):
    assert_same_reading(engine, question, plain)
