"""Back-tests on the Met's published figures (../shared); skipped when that folder is absent."""

from __future__ import annotations

import pytest

from insights.data import RAW

pytestmark = pytest.mark.skipif(
    not (RAW / "recorded-crime-borough-historical.parquet").exists(),
    reason=f"the Met's recorded-crime files are not at {RAW} (../shared is not in this clone)",
)


@pytest.fixture(scope="module")
def boroughs():
    from insights.data import mps_borough_counts

    return mps_borough_counts()


def test_the_borough_series_span_sixteen_years(boroughs):
    assert str(min(boroughs["month"])) == "2010-04-01" and str(max(boroughs["month"])) == "2026-02-01"
    assert boroughs["unit"].nunique() == 32 and boroughs["crime_type"].nunique() == 13


def test_what_changed_beats_seasonal_naive_and_its_interval_covers(boroughs):
    from insights.backtest import what_changed_backtest

    result = what_changed_backtest(boroughs, months=12)
    assert 0.80 <= result.coverage <= 0.97
    assert result.relative_mae < 1.0 and result.mase_model < result.mase_naive
    assert result.flag_share < 0.02  # BH keeps flags rare: a few a month across 416 series
    assert result.untouched_flag_share < 0.02
    assert result.injected_found > 0.2


def test_where_next_beats_last_month_on_real_lsoa_counts():
    from insights.backtest import where_next_backtest
    from insights.data import mps_lsoa_counts

    counts, units = mps_lsoa_counts()
    result = where_next_backtest(counts, units, ["Burglary", "Robbery"], months=2)
    means = result.table.groupby("crime_type")[["hit_model", "hit_last_month", "hit_last_12"]].mean()
    assert (means["hit_model"] > means["hit_last_month"]).all()
    assert (means["hit_model"] > means["hit_last_12"] - 0.02).all()  # ties the 12-month baseline, no worse
    assert 0.85 <= result.table["coverage"].mean() <= 0.99
