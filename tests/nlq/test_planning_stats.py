"""Event-planning statistics on a hand-made warehouse with known counts: extra crimes per event with
their 90% interval, ratios only on a stable baseline, streets and hotspots strictly within the
radius, and the forecast's back-test."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from nlq.planning import (
    MIN_BASELINE_RECORDS,
    extra_interval,
    forecast,
    plan_event,
    poisson_limits,
    rate_text,
    ratio_text,
)

SCHEMA = Path(__file__).resolve().parents[2] / "warehouse" / "schema.sql"
LAT, LON = 51.5, -0.1
EVENT_DAYS = [dt.date(2025, 3, 1), dt.date(2025, 3, 8), dt.date(2025, 3, 15)]  # Saturdays
# Saturdays within ±8 weeks of the events, without an event: 4 Jan – 10 May 2025 less the 3 event days
BASELINE_DAYS = [
    d for d in (dt.date(2025, 1, 4) + dt.timedelta(weeks=k) for k in range(19)) if d not in EVENT_DAYS
]


def _north(metres: float) -> float:
    return LAT + metres / 111_195  # haversine_m's earth radius: 6,371 km → 111.195 km per degree


def haversine_m(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def handmade(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    path = tmp_path_factory.mktemp("handmade") / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text())
    con.execute("INSERT INTO venues VALUES ('Test Arena', 'arena', 'Camden', ?, ?, 1000, [])", [LAT, LON])
    for i, day in enumerate(EVENT_DAYS):
        con.execute(
            "INSERT INTO events VALUES (?, 'Test Show', 'Test Arena', ?, ?, 1000, 'concert')",
            [f"e{i}", dt.datetime.combine(day, dt.time(18)), dt.datetime.combine(day, dt.time(23))],
        )
    rows = []

    def crime(when: dt.datetime, kind: str, metres: float, street: str) -> None:
        n = len(rows)
        rows.append((f"c{n}", when.date().replace(day=1), when, None, None, LON, _north(metres), street,
                     None, None, "Camden", kind, None))  # fmt: skip

    # the span of the data: 1 Jan – 30 Jun 2025 (far away, outside every window)
    crime(dt.datetime(2025, 1, 1, 3), "Burglary", 5_000, "On or near Far Lane")
    crime(dt.datetime(2025, 6, 30, 3), "Burglary", 5_000, "On or near Far Lane")
    # Theft from the person: 10 in event windows (4, 3, 3), none on comparable days
    for day, n in zip(EVENT_DAYS, (4, 3, 3), strict=True):
        for k in range(n):
            crime(
                dt.datetime.combine(day, dt.time(19 + k % 3, 10)),
                "Theft from the person",
                100,
                "On or near Arena Way",
            )
    # Robbery: 6 in event windows (2 each), 32 on comparable days (2 on each of the 16): a stable baseline
    for day in EVENT_DAYS:
        for k in range(2):
            crime(dt.datetime.combine(day, dt.time(21, 5 + k)), "Robbery", 200, "On or near Arena Way")
    for day in BASELINE_DAYS:
        for k in range(2):
            crime(dt.datetime.combine(day, dt.time(20, 5 + k)), "Robbery", 200, "On or near Station Road")
    # Burglary: none in event windows, 4 on comparable days
    for day in BASELINE_DAYS[:4]:
        crime(dt.datetime.combine(day, dt.time(19)), "Burglary", 300, "On or near Station Road")
    # Outside the radius during an event window: never counted
    crime(dt.datetime.combine(EVENT_DAYS[0], dt.time(20)), "Robbery", 600, "On or near Edge Street")
    # A long road whose middle is well outside the radius: one record at 450 m in an event window,
    # five at 900 m outside any window. It is not a street "within 500 m".
    crime(dt.datetime.combine(EVENT_DAYS[1], dt.time(22)), "Drugs", 450, "On or near Long Road")
    for k in range(5):
        crime(dt.datetime(2025, 2, 3 + k, 9), "Drugs", 900, "On or near Long Road")
    con.executemany("INSERT INTO crimes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return con


@pytest.fixture(scope="module")
def report(handmade):
    return plan_event(handmade, "Test Arena", dt.time(18), dt.time(23), radius_m=500)


def test_known_day_counts(report):
    assert report.event_days == 3
    assert report.baseline_days == len(BASELINE_DAYS) == 16


def test_poisson_limits_match_the_garwood_table():
    assert poisson_limits(0) == (0.0, pytest.approx(2.9957, abs=1e-4))
    low, high = poisson_limits(10)  # exact 90%: 5.4254 – 16.9622
    assert low == pytest.approx(5.4254, abs=0.005) and high == pytest.approx(16.9622, abs=0.01)
    low, high = poisson_limits(32)  # exact 90%: 23.2975 – 42.9825
    assert low == pytest.approx(23.2975, abs=0.01) and high == pytest.approx(42.9825, abs=0.01)


def test_extra_crimes_per_event_with_their_interval(report):
    up = report.uplift.set_index("crime_type")
    theft = up.loc["Theft from the person"]
    assert (theft.event_count, theft.baseline_count) == (10, 0)
    assert theft.extra_per_event == pytest.approx(10 / 3, abs=1e-3)
    # MOVER: event rate 10/3 (Poisson 5.4254–16.9622 over 3 days), baseline 0/16 (0–2.9957 over 16)
    low = 10 / 3 - math.sqrt((10 / 3 - 5.4254 / 3) ** 2 + (2.9957 / 16) ** 2)
    high = 10 / 3 + math.sqrt((16.9622 / 3 - 10 / 3) ** 2 + 0.0)
    assert theft.extra_low == pytest.approx(low, abs=0.005)
    assert theft.extra_high == pytest.approx(high, abs=0.005)
    assert extra_interval(10, 3, 0, 16) == (theft.extra_per_event, theft.extra_low, theft.extra_high)
    assert math.isnan(theft.ratio)  # no comparable-day records: no ratio
    assert "fewer than 30 records" in ratio_text(theft)

    robbery = up.loc["Robbery"]
    assert (robbery.event_count, robbery.baseline_count) == (6, 32)  # the 600 m robbery is outside
    assert robbery.extra_per_event == pytest.approx(6 / 3 - 32 / 16, abs=1e-4)
    assert robbery.ratio == pytest.approx((6 / 3) / (32 / 16))  # 32 ≥ 30 records: a stable baseline
    assert robbery.extra_low < 0 < robbery.extra_high
    assert MIN_BASELINE_RECORDS == 30

    burglary = up.loc["Burglary"]
    assert burglary.event_count == 0 and math.isnan(burglary.ratio)
    assert ratio_text(burglary) == "no crimes during events"
    assert burglary.per_baseline_day == pytest.approx(4 / 16)
    assert "0.0" not in report.summary and "×" not in report.summary.split("Expected")[0]
    assert "Theft from the person: +3.3 extra per event" in report.summary


def test_small_rates_are_never_zero_point_zero():
    assert rate_text(0.047) == "about 1 in 21 evenings"
    assert rate_text(0.25) == "0.25" and rate_text(0) == "0"
    for x in (0.001, 0.01, 0.04, 0.06, 0.09):
        assert rate_text(x) not in ("0.0", "0.00", "0")


def test_every_listed_street_and_hotspot_lies_within_the_radius(handmade, report):
    streets = report.streets.set_index("location")
    assert "On or near Arena Way" in streets.index
    assert "On or near Long Road" not in streets.index  # its middle is 900 m away
    assert "On or near Edge Street" not in streets.index
    for street, row in streets.iterrows():
        records = report.hotspots[report.hotspots["location"] == street]
        assert len(records) == row.event_count
        assert all(haversine_m(r.latitude, r.longitude, LAT, LON) <= 500 for r in records.itertuples())
        assert row.middle_m <= 500
    assert all(haversine_m(r.latitude, r.longitude, LAT, LON) <= 500 for r in report.hotspots.itertuples())


def test_forecast_back_test_by_hand(report):
    fc = forecast(report, (LAT, LON))
    # window totals per event day: 4+2, 3+2+1 (Long Road's 450 m record), 3+2
    assert fc.total[0] == pytest.approx(17 / 3)
    loo = [abs(6 - 5.5), abs(6 - 5.5), abs(5 - 6)]
    assert fc.backtest["mae"] == pytest.approx(sum(loo) / 3)
    naive = (32 + 4) / 16
    assert fc.backtest["naive_mae"] == pytest.approx((abs(6 - naive) * 2 + abs(5 - naive)) / 3)
    assert fc.backtest["inside"] == 3 and "inside the 90% range on 3 of 3" in fc.message
    hours = fc.by_hour.groupby("hour")["expected"].sum()
    assert hours.sum() == pytest.approx(17 / 3)
    assert (fc.by_hour["low"] <= fc.by_hour["expected"]).all()
    assert (fc.by_hour["expected"] <= fc.by_hour["high"]).all()
    assert fc.cells["expected"].sum() == pytest.approx(17 / 3)


def test_fewer_than_three_events_says_so(handmade):
    report = plan_event(handmade, "Test Arena", dt.time(18), dt.time(23))
    two = type(report)(**{**report.__dict__, "by_day": report.by_day.head(2)})
    fc = forecast(two)
    assert fc.by_hour.empty and fc.total is None
    assert fc.message.startswith("Fewer than 3 past events")
    assert isinstance(report.by_day, pd.DataFrame)
