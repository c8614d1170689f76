"""Event planning: uplift around past events at a venue, against comparable days."""

import datetime as dt

import pandas as pd
import pytest

from nlq.guard import check_sql
from nlq.planning import PARTS, PlanReport, plan_event, window_hours


@pytest.fixture(scope="module")
def wembley(con):
    return plan_event(con, "Wembley Stadium", dt.time(18, 0), dt.time(23, 30), radius_m=500)


def test_wembley_evenings_show_theft_from_the_person_uplift(wembley):
    assert isinstance(wembley, PlanReport)
    assert wembley.event_days >= 5 and wembley.baseline_days > wembley.event_days
    theft = wembley.uplift.set_index("crime_type").loc["Theft from the person"]
    assert theft["extra_low"] > 0 and theft["extra_per_event"] > 0
    assert theft["per_event_day"] > theft["per_baseline_day"]
    assert "Theft from the person" in wembley.summary


def test_parts_agree_with_each_other(wembley):
    total = int(wembley.uplift["event_count"].sum())
    assert total == len(wembley.hotspots) == int(wembley.by_day["event_count"].sum())
    assert total == int(wembley.by_hour["event_count"].sum())
    assert total == int(wembley.outcomes["event_count"].sum())
    assert wembley.outcomes["share"].sum() == pytest.approx(100.0)
    assert len(wembley.by_day) == wembley.event_days
    assert wembley.by_hour["hour"].tolist() == [18, 19, 20, 21, 22, 23]
    assert wembley.uplift["extra_per_event"].is_monotonic_decreasing
    assert len(wembley.streets) <= 10 and wembley.streets["event_count"].is_monotonic_decreasing
    assert (wembley.streets["middle_m"] <= wembley.radius_m).all()


def test_hotspots_are_near_the_venue_and_inside_event_windows(con, wembley):
    lat, lon = con.execute(
        "SELECT latitude, longitude FROM venues WHERE venue = 'Wembley Stadium'"
    ).fetchone()
    spots = wembley.hotspots
    assert set(spots.columns) >= {"latitude", "longitude", "crime_type", "location", "occurred_at"}
    assert (abs(spots["latitude"] - lat) < 0.0046).all() and (abs(spots["longitude"] - lon) < 0.0075).all()
    days = set(pd.to_datetime(wembley.by_day["day"]).dt.date)
    times = pd.to_datetime(spots["occurred_at"])
    assert set(times.dt.date) <= days
    assert ((times.dt.hour * 60 + times.dt.minute) >= 18 * 60).all()
    assert ((times.dt.hour * 60 + times.dt.minute) < 23 * 60 + 30).all()


def test_every_part_exposes_guard_clean_sql(wembley):
    assert set(wembley.sql) == set(PARTS)
    for text in wembley.sql.values():
        assert check_sql(text)
        assert "'Wembley Stadium'" in text


def test_window_crossing_midnight(con):
    report = plan_event(con, "wembley stadium", dt.time(22, 0), dt.time(2, 0))
    assert report.venue == "Wembley Stadium"
    assert report.by_hour["hour"].tolist() == [22, 23, 0, 1] == window_hours(dt.time(22), dt.time(2))
    days = set(pd.to_datetime(report.by_day["day"]).dt.date)
    for t in pd.to_datetime(report.hotspots["occurred_at"]):
        if t.hour >= 22:
            assert t.date() in days
        else:
            assert t.hour < 2 and (t - pd.Timedelta(days=1)).date() in days
    assert report.summary.splitlines()[0].startswith("All past events at Wembley Stadium, 22:00–02:00")


def test_event_name_and_categories_narrow_the_report(con, wembley):
    report = plan_event(
        con,
        "Wembley Stadium",
        dt.time(18),
        dt.time(23, 30),
        event_name="eras tour",
        categories=["theft from the person"],
    )
    assert report.event_name == "Taylor Swift | The Eras Tour"
    assert report.categories == ["Theft from the person"]
    assert 1 <= report.event_days <= wembley.event_days
    assert set(report.uplift["crime_type"]) <= {"Theft from the person"}
    assert "Taylor Swift | The Eras Tour at Wembley Stadium" in report.summary


def test_events_of_one_kind(con):
    report = plan_event(con, "Wembley Stadium", dt.time(18), dt.time(23, 30), event_category="concert")
    assert report.learned_from == "concert events" and report.event_category == "concert"
    assert report.summary.startswith("Past concert events at Wembley Stadium")
    with pytest.raises(ValueError, match="no past concert events at The O2"):
        plan_event(con, "The O2", dt.time(18), dt.time(23, 30), event_category="concert")


def test_unknown_venue_suggests_close_matches(con):
    with pytest.raises(ValueError, match="unknown venue 'Wembly Stadum'; did you mean: .*Wembley Stadium"):
        plan_event(con, "Wembly Stadum", dt.time(18), dt.time(23))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"venue": "Wembley'; DROP TABLE crimes; --"}, "unknown venue"),
        ({"venue": ""}, "unknown venue"),
        ({"event_name": "Glastonbury"}, "unknown event at Wembley Stadium"),
        ({"categories": ["Jaywalking"]}, "unknown crime type"),
        ({"end_time": dt.time(18)}, "time window is empty"),
        ({"radius_m": 0}, "radius"),
        ({"radius_m": 50_000}, "radius"),
    ],
)
def test_bad_requests_get_a_clear_value_error(con, kwargs, message):
    args = {"venue": "Wembley Stadium", "start_time": dt.time(18), "end_time": dt.time(23), **kwargs}
    with pytest.raises(ValueError, match=message):
        plan_event(con, **args)


def test_an_engine_can_stand_in_for_the_connection(engine, wembley):
    report = plan_event(engine, "Wembley Stadium", dt.time(18, 0), dt.time(23, 30))
    assert report.uplift.equals(wembley.uplift)
