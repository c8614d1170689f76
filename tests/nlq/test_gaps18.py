"""Language and readings the eighteenth blind set found: a change "from Nov to Dec", a count's
threshold beside a rate's ranking (refused), each group's own share when groups are ranked or
compared, and wordings of outcomes ("left unsolved", "end as", "the offender was given a caution",
"per 1k pop", "counting months with none")."""

from __future__ import annotations

import pytest

from tests.nlq.readings import assert_same_reading


def test_a_change_from_one_month_to_the_next(engine):
    sql = engine.parse("MoM change in burglary London-wide, Nov to Dec 2025").sql
    assert "FILTER(WHERE c.month = CAST('2025-12-01' AS DATE)) AS current" in sql
    assert "FILTER(WHERE c.month = CAST('2025-11-01' AS DATE)) AS previous" in sql


def test_a_count_threshold_beside_a_rate_ranking_is_refused(engine):
    parsed = engine.parse(
        "boroughs with more than 2000 robberies last year, which 2 have the highest robbery rate"
    )
    assert parsed.sql is None and "ranks by a rate" in parsed.error


@pytest.mark.parametrize(
    "question",
    [
        "boroughs above 9 robberies per 1000 last yr",
        "boroughs with more than 30 ASB incidents per 1,000 residents",
    ],
)
def test_a_rate_threshold_is_still_a_rate(engine, question):
    assert "per_1000" in engine.parse(question).sql


@pytest.mark.parametrize(
    "question",
    [
        "Which BCU had the lowest proportion of unsolved burglarys in 2025?",
        "percentage of vehicle crime left unsolved, Ealing vs Hounslow, 2025",
    ],
)
def test_ranked_or_compared_groups_each_have_their_own_share(engine, question):
    sql = engine.parse(question).sql
    assert (
        "COUNT(*) FILTER(WHERE c.last_outcome_category = 'Investigation complete; no suspect identified') / COUNT(*)"
        in sql
    )


def test_a_share_by_group_without_ranking_is_still_each_groups_part_of_the_whole(engine):
    sql = engine.parse("share of unsolved burglary by BCU in 2025").sql
    assert "100.0 * COUNT(*) / SUM(COUNT(*)) OVER () AS share_pct" in sql


@pytest.mark.parametrize(
    "question,plain",
    [
        (
            "shoplifting where the offender was given a caution, by BCU, 2025",
            "shoplifting offender given a caution by BCU 2025",
        ),
        (
            "which borough had the highest percentage of its robberies end as unable to prosecute suspect in 2025",
            "which borough had the highest percentage of its robberies ended with unable to prosecute suspect in 2025",
        ),
        ("violence per 1k pop by BCU, 2025", "violence per 1000 population by BCU 2025"),
        (
            "Average monthly bicycle theft in Camden in 2025, counting months with none",
            "average monthly bicycle theft in Camden in 2025",
        ),
    ],
)
def test_outcome_and_rate_wordings(engine, question, plain):
    assert_same_reading(engine, question, plain)
