"""Intent: plain English, chips, JSON round trip, editing; refine follow-ups."""

import datetime as dt
import json

import pytest

from nlq import Intent
from nlq.refine import refine
from nlq.timeexpr import TimeWindow, months


def test_describe_and_chips():
    i = Intent(
        crime_types=("Robbery",),
        boroughs=("Westminster",),
        group_by=("hour",),
        time=months(2025, 12, 2025, 12),
    )
    assert i.describe() == "Robbery · Westminster · by hour · Dec 2025"
    chips = {c.key: c for c in i.chips()}
    assert chips["boroughs"].sql == "c.borough = 'Westminster'"
    assert "hour" in chips["group_by"].sql.lower()


def test_relative_window_shows_anchor():
    i = Intent(time=TimeWindow("rel_months", n=1))
    assert i.describe(dt.date(2025, 12, 1)).endswith("last month (Dec 2025)")


def test_json_round_trip(engine):
    for q in [
        "robbery near the O2 during the Eras Tour by hour",
        "year on year change in burglary by borough",
        "what share of crime in Camden is ASB",
        "top 3 streets for robbery in Soho at weekends last month",
    ]:
        intent = engine.parse(q).intent
        again = Intent.from_dict(json.loads(json.dumps(intent.to_dict())))
        assert again == intent


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [],
        {"measure": "drop"},
        {"nope": 1},
        {"group_by": ["borough; drop"]},
        {"top_n": "5"},
        {"time": {"kind": "months"}},
        {"boroughs": "Camden"},
        {"radius_m": 10**9},
        {"chart": "pie"},
    ],
)
def test_from_dict_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        Intent.from_dict(bad)


def test_without_and_editing():
    i = Intent(
        crime_types=("Robbery",),
        boroughs=("Camden",),
        venues=("Soho",),
        radius_m=300,
        top_n=3,
        group_by=("location",),
    )
    assert i.without("crime_types").crime_types == ()
    assert i.without("venues").radius_m == 500
    assert i.without("top_n").top_n is None
    assert i.with_chart("map").chart == "map"
    assert i.with_area(borough="Hackney") == i  # a venue question keeps its place
    assert Intent().with_area(bcu="North West").bcus == ("North West",)
    p = Intent().with_period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert p.time == months(2024, 1, 2024, 12)
    r = i.retarget(venue="The O2", start=dt.date(2024, 6, 21), end=dt.date(2024, 6, 23))
    assert r.venues == ("The O2",) and r.time.kind == "days"


@pytest.mark.parametrize(
    "text,check",
    [
        ("what about Hackney?", lambda i: i.boroughs == ("Hackney",)),
        ("only robberies", lambda i: i.crime_types == ("Robbery",)),
        ("by month", lambda i: i.group_by == ("month",)),
        ("as a map", lambda i: i.chart == "map"),
        ("in 2024", lambda i: i.time == months(2024, 1, 2024, 12)),
        ("excluding ASB", lambda i: i.excluded_types == ("Anti-social behaviour",)),
        ("and Islington too", lambda i: i.boroughs == ("Camden", "Islington") and "borough" in i.group_by),
        ("at night", lambda i: i.time_of_day == "night"),
    ],
)
def test_refine(engine, text, check):
    previous = engine.parse("burglary in Camden last year").intent
    new = refine(previous, text, engine.vocabulary, engine.parser)
    assert isinstance(new, Intent), new
    assert check(new), new
    assert previous.boroughs == ("Camden",)  # pure: the previous intent is untouched


def test_refine_nonsense_gives_reason(engine):
    previous = engine.parse("burglary in Camden").intent
    assert isinstance(refine(previous, "blorp", engine.vocabulary, engine.parser), str)
    reply = engine.refine(previous, "what about Hackney?")
    assert reply.error is None and reply.intent.boroughs == ("Hackney",)


def test_thresholds_directions_and_share_parts_round_trip_through_json():
    import json

    from nlq.intent import Intent
    from nlq.timeexpr import year

    intents = [
        Intent(crime_types=("Robbery",), group_by=("borough",), having_op=">", having_value=1500.0),
        Intent(
            measure="change", group_by=("crime_type",), time=year(2025), baseline=year(2024), direction="up"
        ),
        Intent(
            measure="share",
            crime_types=("Other theft", "Shoplifting"),
            part_crime_types=("Shoplifting",),
            share_part=("crime_types",),
        ),
        Intent(measure="share", share_part=("time_of_day",), time_of_day="evening", group_by=("bcu",)),
    ]
    for intent in intents:
        assert Intent.from_dict(json.loads(json.dumps(intent.to_dict()))) == intent


@pytest.mark.parametrize(
    "fields",
    [
        {"having_op": ">"},
        {"having_op": "!=", "having_value": 3},
        {"having_value": 3},
        {"direction": "up"},
        {"having_op": ">", "having_value": "1; DROP TABLE crimes"},
        {"crime_types": ["Robbery"], "part_crime_types": ["Burglary"], "measure": "share"},
    ],
)
def test_bad_thresholds_directions_and_parts_are_rejected(fields):
    from nlq.intent import Intent

    with pytest.raises(ValueError):
        Intent.from_dict(fields)
