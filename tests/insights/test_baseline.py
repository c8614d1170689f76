"""The seasonal baseline: the batched fit agrees with statsmodels, intervals cover, BH adjusts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from insights.baseline import benjamini_hochberg, fit_forecast, fit_many
from insights.data import month_range

MONTHS = month_range(dt.date(2020, 1, 1), dt.date(2025, 12, 1))


def _seasonal(rng, level: float, n: int = len(MONTHS), trend: float = 0.0) -> np.ndarray:
    moy = np.array([m.month for m in MONTHS[:n]])
    mean = level * np.exp(0.25 * np.sin(2 * np.pi * moy / 12) + trend * np.arange(n) / 12)
    return rng.poisson(mean)


def test_the_batched_fit_is_the_statsmodels_glm():
    rng = np.random.default_rng(1)
    y = np.array([_seasonal(rng, level) for level in (3, 40, 900)])
    target = dt.date(2026, 1, 1)
    batch = fit_many(y, MONTHS, target, actual=y[:, -1])
    for i, row in enumerate(y):
        one = fit_forecast(row, MONTHS, target, actual=int(row[-1]))
        assert batch["expected"][i] == pytest.approx(one.expected, rel=1e-6)
        assert (batch["low"][i], batch["high"][i]) == (one.low, one.high)
        assert batch["p_value"][i] == pytest.approx(one.p_value, rel=1e-6)


def test_intervals_cover_about_90_percent_of_simulated_months():
    rng = np.random.default_rng(2)
    y = np.array([_seasonal(rng, level, trend=0.05) for level in rng.uniform(5, 300, 400)])
    fit = fit_many(y[:, :-1], MONTHS[:-1], MONTHS[-1], actual=y[:, -1])
    inside = ((y[:, -1] >= fit["low"]) & (y[:, -1] <= fit["high"])).mean()
    assert 0.85 <= inside <= 0.97


def test_short_or_empty_series_still_get_an_interval():
    fit = fit_many(
        np.array([[0] * 8, [5, 6, 4, 7, 5, 6, 5, 4]]), MONTHS[:8], MONTHS[8], actual=np.array([0, 30])
    )
    assert fit["low"][0] == 0 and fit["high"][0] <= 2
    assert fit["p_value"][1] < 0.001


def test_benjamini_hochberg_is_monotone_and_bounded():
    p = np.array([0.001, 0.2, 0.01, 0.04, 0.9])
    q = benjamini_hochberg(p)
    assert list(q) == pytest.approx([0.005, 0.25, 0.025, 0.04 * 5 / 3, 0.9])
    assert all(q >= p)
