"""Follow-ups (engine.refine) as a table: phrasing x base question -> what must hold of the new Intent.

Bases: a count in a borough, a venue question grouped by hour, a borough trend. Each follow-up is
applied to every base it makes sense for; the answer must run (SQL, no error). Junk and hostile
follow-ups give a reason and keep the previous intent, which must still answer.
"""

import pytest

BASES = {
    "count": "burglaries in Camden last month",
    "venue": "robberies near Oxford Circus in 2025 by hour",
    "trend": "ASB in Hackney by month in 2025",
}
ALL = tuple(BASES)


def _place(borough):
    return lambda i, b: i.boroughs == (borough,) and not i.venues


def _types(*types):
    return lambda i, b: set(i.crime_types) == set(types)


def _grain(g):
    return lambda i, b: g in i.group_by


def _time(label):
    return lambda i, b: i.time is not None and i.time.label() == label


FOLLOW_UPS = [
    # place swaps
    ("what about Hackney?", ALL, _place("Hackney")),
    ("and in Camden", ALL, _place("Camden")),
    ("now Westminster", ALL, _place("Westminster")),
    ("how about Brent", ALL, _place("Brent")),
    (
        "same for Lambeth and Southwark",
        ALL,
        lambda i, b: set(i.boroughs) == {"Lambeth", "Southwark"} and "borough" in i.group_by,
    ),
    ("what about Croydon instead?", ALL, _place("Croydon")),
    ("also Islington", ("count", "trend"), lambda i, b: "Islington" in i.boroughs and len(i.boroughs) == 2),
    ("near Wembley", ALL, lambda i, b: i.venues == ("Wembley Stadium",) and not i.boroughs),
    ("what about King's Cross?", ALL, lambda i, b: i.venues == ("King's Cross",)),
    # type swaps
    ("only robberies", ALL, _types("Robbery")),
    ("just burglary", ALL, _types("Burglary")),
    ("what about knife crime?", ALL, _types("Possession of weapons")),
    ("robbery instead", ALL, _types("Robbery")),
    (
        "excluding ASB",
        ("trend",),
        lambda i, b: "Anti-social behaviour" in i.excluded_types and not i.crime_types,
    ),
    (
        "and shoplifting too",
        ("count", "venue"),
        lambda i, b: "Shoplifting" in i.crime_types and len(i.crime_types) == 2,
    ),
    ("what about bike theft", ALL, _types("Bicycle theft")),
    # grains
    ("by month", ALL, _grain("month")),
    ("break it down by hour", ALL, _grain("hour")),
    ("per borough", ("count", "trend"), lambda i, b: "borough" in i.group_by and not i.boroughs),
    ("split by crime type", ALL, lambda i, b: "crime_type" in i.group_by and not i.crime_types),
    ("by day of week", ALL, _grain("weekday")),
    ("weekly", ALL, _grain("week")),
    ("by outcome", ALL, _grain("outcome")),
    ("weekends vs weekdays", ALL, _grain("day_type")),
    # periods
    ("in 2024", ALL, _time("2024")),
    ("last 6 months", ALL, _time("last 6 months")),
    ("since March", ALL, _time("since Mar 2025")),
    ("for last year", ALL, _time("last year")),
    ("between January and March 2025", ALL, _time("Jan–Mar 2025")),
    ("what about last weekend?", ALL, _time("last weekend")),
    # charts
    ("as a map", ALL, lambda i, b: i.chart == "map"),
    ("show it as a table", ALL, lambda i, b: i.chart == "table"),
    ("as a chart", ALL, lambda i, b: i.chart == "bar"),
    ("as a line chart", ALL, lambda i, b: i.chart == "line"),
    # radius
    ("within 1km instead", ("venue",), lambda i, b: i.radius_m == 1000 and i.venues == b.venues),
    ("make it 250m", ("venue",), lambda i, b: i.radius_m == 250 and i.venues == b.venues),
    ("within half a mile", ("venue",), lambda i, b: i.radius_m == 805),
    # ranking
    ("top 10", ALL, lambda i, b: i.top_n == 10 and i.group_by),
    ("just the top 3", ALL, lambda i, b: i.top_n == 3 and i.group_by),
    ("top 5 boroughs", ALL, lambda i, b: i.top_n == 5 and i.group_by == ("borough",) and not i.boroughs),
    # other filters
    ("at night", ALL, lambda i, b: i.time_of_day == "night"),
    ("in the afternoon", ALL, lambda i, b: i.time_of_day == "afternoon"),
    ("on weekends", ALL, lambda i, b: i.day_type == "weekend"),
    ("as a rate", ("count", "trend"), lambda i, b: i.measure == "rate_per_1000"),
    (
        "no suspect identified",
        ALL,
        lambda i, b: i.outcomes == ("Investigation complete; no suspect identified",),
    ),
    # removing things
    ("all crime", ALL, lambda i, b: not i.crime_types),
    ("all types of crime", ALL, lambda i, b: not i.crime_types),
    ("all of London", ALL, lambda i, b: not (i.boroughs or i.venues or i.bcus)),
    ("everywhere", ALL, lambda i, b: not (i.boroughs or i.venues or i.bcus)),
    ("any time", ALL, lambda i, b: i.time is None),
]

JUNK = [
    "",
    "   ",
    "SELECT * FROM crimes",
    "drop table crimes",
    "'; DROP TABLE crimes; --",
    "x" * 10_000,
    "who did it",
    "blah blah",
    "hmm",
    "by ward",
    "by ethnicity",
    "within 1km instead",  # on a base with no venue
]


def _base(engine, key):
    intent = engine.ask(BASES[key]).intent
    assert intent is not None
    return intent


@pytest.mark.parametrize(
    ("text", "base", "check"),
    [pytest.param(t, b, c, id=f"{b}:{t}") for t, bases, c in FOLLOW_UPS for b in bases],
)
def test_follow_up(engine, text, base, check):
    previous = _base(engine, base)
    reply = engine.refine(previous, text)
    assert reply.error is None, reply.error
    assert reply.sql, text
    assert check(reply.intent, previous), reply.intent.describe()


def test_table_is_large_enough():
    assert len(FOLLOW_UPS) >= 40
    assert sum(len(b) for _, b, _ in FOLLOW_UPS) >= 120


@pytest.mark.parametrize("text", JUNK, ids=lambda t: repr(t[:20]))
@pytest.mark.parametrize("base", ["count", "trend"])
def test_junk_follow_up_gives_reason_and_keeps_intent(engine, text, base):
    previous = _base(engine, base)
    reply = engine.refine(previous, text)
    assert reply.sql is None and reply.error
    assert reply.intent == previous
    again = engine.run(reply.intent)  # the previous question still answers
    assert again.error is None and again.sql


def test_another_place_replaces_a_street_an_lsoa_or_the_askers_position(engine):
    from dataclasses import replace

    street = engine.parse("burglary on Camden High Street").intent
    assert street.streets
    moved = engine.refine(street, "what about Hackney?").intent
    assert moved.boroughs == ("Hackney",) and not moved.streets

    near = replace(engine.parse("crime near me").intent, latitude=51.5074, longitude=-0.1278)
    moved = engine.refine(near, "what about Hackney?").intent
    assert moved.boroughs == ("Hackney",) and not moved.near_me and moved.latitude is None
    wider = engine.refine(near, "within 1km instead").intent
    assert wider.near_me and wider.radius_m == 1000
