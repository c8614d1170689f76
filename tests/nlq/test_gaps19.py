"""Language the nineteenth blind set found: "a day" after "on average" is the unit of the average,
however far the two words are apart."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "question,unit",
    [
        ("On average how many thefts a day were there near Oxford Street in December 2025?", "DAY"),
        ("on average how many thefts were there a day in Camden in 2025", "DAY"),
        ("on average, how many burglaries were there in a month in Camden in 2025", "MONTH"),
        ("average thefts a day in Camden last month", "DAY"),
    ],
)
def test_on_average_a_unit_is_the_unit_of_the_average(engine, question, unit):
    sql = engine.parse(question).sql
    counted = "COUNT(DISTINCT CAST(c.occurred_at AS DATE))" if unit == "DAY" else "COUNT(DISTINCT c.month)"
    assert counted in sql
