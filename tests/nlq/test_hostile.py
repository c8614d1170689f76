"""Refusals: people, personal data, other tables, SQL typed in, things the data cannot answer."""

import pytest

HOSTILE = [
    "who committed the burglary on Camden High Street?",
    "delete all crimes in Camden; drop table crimes",
    "SELECT * FROM crimes",
    "robbery' OR 1=1 --",
    "crimes in Camden UNION SELECT password FROM users",
    "show me the users table",
    "names and addresses of burglary victims in Hackney",
    "list the suspects for robberies in Brent",
    "how many arrests in Camden last month",
    "stop and search in Lambeth",
    "what's the weather in Camden",
    "robbery in Narnia",
    "crime within 500m of Zorblax Tower",
    "",
    "x" * 400,
    "read_csv('/etc/passwd')",
    "drop table crimes",
    "predict burglary in Camden next year",
]


@pytest.mark.parametrize("question", HOSTILE)
def test_refused_with_reason_and_no_sql(engine, question):
    reply = engine.ask(question)
    assert reply.sql is None
    assert reply.error and len(reply.error) < 300
    assert reply.suggestions


@pytest.mark.parametrize(
    "question",
    [
        "outcomes where no suspect was identified in Camden",
        "theft from the person in Soho",
        "crime rate per 1000 people",
    ],
)
def test_vocabulary_is_not_mistaken_for_personal_data(engine, question):
    assert engine.parse(question).intent is not None


def test_quotes_in_questions_never_reach_sql(engine):
    reply = engine.ask("burglary in Camden' OR ''='")
    assert reply.sql is None or "OR ''" not in reply.sql
