"""What changed on the synthetic warehouse: a known anomaly is flagged, an unchanged series is not."""

from __future__ import annotations

import datetime as dt

from insights import Flag, what_changed
from insights.data import bcu_boroughs


def _bump(counts, borough, crime_type, month, factor):
    out = counts.copy()
    rows = (out["unit"] == borough) & (out["crime_type"] == crime_type) & (out["month"] == month)
    out.loc[rows, "count"] = (out.loc[rows, "count"] * factor).round().astype("int64")
    return out


def test_an_injected_rise_is_flagged_and_the_rest_are_not(counts):
    latest = max(counts["month"])
    boroughs = bcu_boroughs()["North West"]
    before = {(f.borough, f.crime_type) for f in what_changed(counts, boroughs, latest)}
    bumped = _bump(counts, "Barnet", "Burglary", latest, 1.6)
    flags = what_changed(bumped, boroughs, latest)
    found = [f for f in flags if (f.borough, f.crime_type) == ("Barnet", "Burglary")]
    assert found and found[0].direction == "high" and found[0].actual > found[0].high
    assert ("Barnet", "Burglary") not in before
    assert not [
        f for f in flags if f.borough == "Harrow" or f.crime_type == "Robbery"
    ]  # unchanged: not flagged


def test_an_injected_fall_is_flagged_low(counts):
    latest = max(counts["month"])
    bumped = _bump(counts, "Camden", "Theft from the person", latest, 0.4)
    flags = what_changed(bumped, ["Camden"], latest)
    assert [(f.crime_type, f.direction) for f in flags if f.crime_type == "Theft from the person"] == [
        ("Theft from the person", "low")
    ]


def test_flags_are_newest_first_with_a_history_for_the_sparkline(counts):
    latest = max(counts["month"])
    earlier = (
        dt.date(latest.year, latest.month - 1, 1) if latest.month > 1 else dt.date(latest.year - 1, 12, 1)
    )
    bumped = _bump(
        _bump(counts, "Camden", "Shoplifting", earlier, 2.5), "Westminster", "Shoplifting", latest, 2.0
    )
    flags = what_changed(bumped, ["Camden", "Westminster"], latest, months=2)
    months = [f.month for f in flags]
    assert months == sorted(months, reverse=True) and {latest, earlier} <= set(months)
    flag = next(f for f in flags if f.borough == "Westminster" and f.crime_type == "Shoplifting")
    assert flag.history[-1] == flag.actual and flag.history_months[-1] == latest and len(flag.history) == 13


def test_a_flag_says_its_numbers_in_one_sentence():
    flag = Flag("Harrow", "Robbery", dt.date(2025, 12, 1), 61, 38.4, 30, 47, 0.001, 0.01)
    assert flag.sentence() == "Robbery in Harrow: 61 in December 2025, expected 38 (30–47) — unusually high"
    assert flag.question() == "robbery in Harrow by month in the last 24 months"
