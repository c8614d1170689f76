"""'Near me': which phrasings read as the asker's location, the SQL once located, and no
answer (never London-wide) without a location."""

from __future__ import annotations

import io
import json
import math

import pytest

from nlq import Intent, near_me
from nlq.cli import main

POINT = (51.5123, -0.1402)  # Regent Street, by Oxford Circus


@pytest.mark.parametrize(
    "question, reading",
    [
        ("crime near me last month", "All crime · within 500 m of your location · last month"),
        ("what happened around here this week", "All crime · within 500 m of your location · last 7 days"),
        ("robberies within 300 m of me", "Robbery · within 300 m of your location"),
        ("burglary close to my location", "Burglary · within 500 m of your location"),
        ("crime within 1 km of where I am by hour", "All crime · within 1 km of your location · by hour"),
        (
            "bike theft near my current position in 2025",
            "Bicycle theft · within 500 m of your location · 2025",
        ),
        ("robbery nearby last month", "Robbery · within 500 m of your location · last month"),
        ("asb near here as a map", "Anti-social behaviour · within 500 m of your location · as a map"),
    ],
)
def test_near_me_is_read_as_the_askers_location(engine, question, reading):
    parsed = engine.parse(question)
    assert parsed.intent is not None, parsed.error
    assert parsed.intent.near_me
    assert parsed.intent.latitude is None  # the point is never in the question
    assert parsed.sql is None  # no SQL until the asker's location is known
    assert parsed.intent.describe().startswith(reading.split(" · last")[0])
    assert reading.split(" · ")[-1] in parsed.intent.describe()


@pytest.mark.parametrize(
    "question",
    ["show me burglary in Camden", "give me robberies by month", "crime in Hackney last month"],
)
def test_me_without_a_place_word_is_not_near_me(engine, question):
    parsed = engine.parse(question)
    assert parsed.intent is not None and not parsed.intent.near_me


def test_near_me_and_a_venue_is_two_places_and_no_answer(engine):
    parsed = engine.parse("robbery near me near Wembley Stadium")
    assert parsed.intent is None and parsed.sql is None
    assert "two places" in parsed.error


@pytest.mark.parametrize(
    "question, venue, radius",
    [
        ("robberies near me im at kings cross last 3 mths", "King's Cross", 500),
        ("robberies within 300 m of me, I'm at Wembley Stadium", "Wembley Stadium", 300),
    ],
)
def test_saying_where_you_are_means_that_place(engine, question, venue, radius):
    parsed = engine.parse(question)
    assert parsed.intent is not None, parsed.error
    assert not parsed.intent.near_me and parsed.intent.venues == (venue,) and parsed.intent.radius_m == radius
    assert parsed.sql


def test_an_unknown_word_beside_near_me_still_means_no_answer(engine):
    parsed = engine.parse("crime near me during the regatta")
    assert parsed.intent is None and parsed.unknown


def test_without_a_location_there_is_no_sql_and_places_are_offered(engine):
    reply = engine.ask("robberies within 300 m of me last month")
    assert reply.sql is None and reply.frame is None
    assert reply.needs_location
    assert "Allow location" in reply.error and "all of London" in reply.error
    assert reply.suggestions and all("within 300 m of " in s and " me" not in s for s in reply.suggestions)
    assert engine.parse(reply.suggestions[0]).sql  # each offered place is a question that answers


def test_located_the_sql_is_a_box_and_haversine_around_the_point(engine):
    reply = engine.ask("robberies within 300 m of me last month", location=POINT)
    assert reply.error is None, reply.error
    sql = reply.sql.lower()
    assert "haversine_m(c.latitude, c.longitude, 51.5123, -0.1402) <= 300" in sql
    assert "c.latitude between" in sql and "c.longitude between" in sql
    assert "crime_type = 'robbery'" in sql
    label = reply.intent.describe()
    assert "within 300 m of your location (51.5123, \u22120.1402)" in label


def test_located_count_matches_a_direct_distance_count(engine):
    reply = engine.ask("crime near me in 2025", location=POINT)
    assert reply.error is None, reply.error
    lat, lon = POINT
    expected = engine.con.execute(
        "SELECT count(*) FROM crimes WHERE year(month) = 2025"
        " AND haversine_m(latitude, longitude, ?, ?) <= 500",
        [lat, lon],
    ).fetchone()[0]
    assert expected > 0
    assert int(reply.frame.iat[0, 0]) == expected
    london = engine.ask("crime in 2025")
    assert int(london.frame.iat[0, 0]) > expected  # not London-wide


@pytest.mark.parametrize(
    "location", [(91.0, 0.0), (0.0, 181.0), (math.nan, 0.0), ("51.5", "-0.1"), (True, 0.0)]
)
def test_a_bad_location_is_refused(engine, location):
    reply = engine.ask("crime near me", location=location)
    assert reply.sql is None and reply.frame is None and "can't be used" in reply.error


def test_a_location_does_not_change_other_questions(engine):
    plain = engine.ask("burglary in Camden last month")
    located = engine.ask("burglary in Camden last month", location=POINT)
    assert located.sql == plain.sql


def test_the_command_line_has_no_location_so_no_sql(small_warehouse):
    out = io.StringIO()
    main(
        ["ask", "--jsonl", "--warehouse", str(small_warehouse)],
        io.StringIO("crime near me last month\n"),
        out,
    )
    record = json.loads(out.getvalue())
    assert record["sql"] is None and "Allow location" in record["error"]


def test_the_intent_round_trips_and_validates_its_point():
    intent = near_me.locate(Intent(near_me=True, radius_m=300), *POINT)
    assert Intent.from_dict(json.loads(json.dumps(intent.to_dict()))) == intent
    for bad in (
        {"near_me": True, "latitude": 95.0, "longitude": 0.0},
        {"near_me": True, "latitude": 51.5},
        {"near_me": False, "latitude": 51.5, "longitude": 0.1},
        {"near_me": "yes"},
        {"near_me": True, "latitude": "51.5", "longitude": "0.1"},
        {"near_me": True, "venues": ["Wembley Stadium"]},
    ):
        with pytest.raises(ValueError):
            Intent.from_dict(bad)


def test_removing_the_chip_forgets_the_point():
    intent = near_me.locate(Intent(near_me=True, radius_m=300), *POINT).without("near_me")
    assert not intent.near_me and intent.latitude is None and intent.radius_m == 500


def test_rounded_keeps_three_decimals():
    intent = near_me.rounded(near_me.locate(Intent(near_me=True), 51.51234, -0.14027))
    assert (intent.latitude, intent.longitude) == (51.512, -0.14)
