"""Where next: next month's expected count per small area (LSOA, or grid cell) for one crime type.

The model, and why
------------------
Small areas have small counts (a median LSOA sees about one burglary a month), so each area's
own history is noisy and a per-area seasonal model would over-fit. We use **empirical-Bayes
smoothing** of each area's recent rate:

- the area's recent rate is an exponentially weighted mean of its last ``history`` months
  (half-life ``half_life`` months: recent months count more, one odd month does not decide);
- it is shrunk towards the mean rate of its borough with a prior worth ``prior_months`` months
  (a gamma prior; areas with little history lean on their borough);
- the London-wide level for the month ahead comes from the seasonal baseline of
  ``insights.baseline`` fitted to the summed series, so the forecast knows that, say, December
  burglary runs high; areas share it in proportion to their smoothed rates.

The interval is the negative-binomial predictive of that gamma–Poisson model (its central 90%).
The back-test (``insights.backtest.where_next_backtest``) compares the top 5% with two baselines:
last month's top 5% and the last 12 months' top 5%.

Crime types driven by police activity rather than by victims' reports are left out by default:
recorded drugs and weapons offences mostly measure where officers stop and search, so
forecasting them sends officers back where they already look and the records follow them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from insights.baseline import LEVEL, fit_many
from insights.data import add_months

POLICE_ACTIVITY_TYPES = ("Drugs", "Possession of weapons")
EXCLUDED_REASON = (
    "Drugs and Possession of weapons are left out: their records mostly measure where police "
    "look (stop and search, patrols), not where victims report crime, so forecasting them "
    "would send officers back where they already look and feed the records that sent them."
)
TOP_SHARE = 0.05
HALF_LIFE = 3.0
PRIOR_MONTHS = 2.0
HISTORY = 12


@dataclass
class WhereNext:
    crime_type: str
    month: dt.date  # the month forecast
    table: pd.DataFrame  # every unit: unit, name, borough, expected, low, high, rank, top
    top_share: float
    excluded_reason: str | None = None

    @property
    def top(self) -> pd.DataFrame:
        return self.table[self.table["top"]].reset_index(drop=True)


def smoothed_rates(
    y: np.ndarray, boroughs: np.ndarray, *, half_life: float = HALF_LIFE, prior_months: float = PRIOR_MONTHS
) -> tuple[np.ndarray, np.ndarray, float]:
    """(posterior shape, posterior rate, weighted exposure) per unit from ``y`` (units × months)."""
    n = y.shape[1]
    w = 0.5 ** (np.arange(n)[::-1] / half_life)
    s = y @ w
    exposure = float(w.sum())
    own = s / exposure
    prior = pd.Series(own).groupby(boroughs).transform("mean").to_numpy()
    shape = prior_months * prior + s
    rate = prior_months + exposure
    return shape, np.full(len(s), rate), exposure


def forecast(
    counts: pd.DataFrame,
    units: pd.DataFrame,
    crime_type: str,
    month: dt.date | None = None,
    *,
    top_share: float = TOP_SHARE,
    level: float = LEVEL,
    half_life: float = HALF_LIFE,
    prior_months: float = PRIOR_MONTHS,
    history: int = HISTORY,
) -> WhereNext:
    """Forecast ``month`` (default: the month after the data) for every unit of ``units``.

    ``counts``: long table (unit, crime_type, month, count), complete; ``units``: unit, name,
    borough, latitude, longitude, area_km2. Only months before ``month`` are used.
    """
    frame = counts[counts["crime_type"] == crime_type]
    piv = frame.pivot_table(index="unit", columns="month", values="count", aggfunc="sum")
    piv = piv.reindex(units["unit"]).fillna(0)
    cols = list(piv.columns)
    month = month or add_months(max(cols), 1)
    past = [c for c in cols if c < month]
    if not past:
        raise ValueError("no months before the one to forecast")
    y_all = piv[past].to_numpy(dtype=float)
    y = y_all[:, -history:]
    boroughs = units["borough"].fillna("").to_numpy()
    shape, rate, _ = smoothed_rates(y, boroughs, half_life=half_life, prior_months=prior_months)
    mean_rate = shape / rate
    total = y_all.sum(axis=0)
    level_fit = fit_many(total[None, :], past, month, level=level)["expected"][0]
    scale = level_fit / max(mean_rate.sum(), 1e-9)
    expected = mean_rate * scale
    # gamma(shape, rate/scale) mixed with Poisson: NB(shape, p = rate / (rate + scale))
    prob = rate / (rate + scale)
    tail = (1 - level) / 2
    shape = np.maximum(shape, 1e-6)
    low = stats.nbinom.ppf(tail, shape, prob)
    high = stats.nbinom.ppf(1 - tail, shape, prob)
    table = units.reset_index(drop=True).copy()
    table["expected"], table["low"], table["high"] = expected, low.astype(int), high.astype(int)
    table["rank"] = rank_units(expected, table["unit"].to_numpy())
    table["top"] = table["rank"] <= top_count(len(table), top_share)
    table = table.sort_values("rank").reset_index(drop=True)
    reason = EXCLUDED_REASON if crime_type not in POLICE_ACTIVITY_TYPES else None
    return WhereNext(crime_type, month, table, top_share, reason)


def top_count(n: int, share: float = TOP_SHARE) -> int:
    return max(1, int(round(n * share)))


def rank_units(score: np.ndarray, names: np.ndarray) -> np.ndarray:
    """1 = highest score; ties broken by name, ascending."""
    order = np.lexsort((names, -np.asarray(score, dtype=float)))
    ranks = np.empty(len(order), dtype=int)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


def forecastable_types(crime_types, include_police_activity: bool = False) -> list[str]:
    """The crime types offered by default (police-activity types left out unless asked for)."""
    return [t for t in crime_types if include_police_activity or t not in POLICE_ACTIVITY_TYPES]


UNITS = {"lsoa": "LSOA", "cell": "500 m grid cell"}
CELL_M = 500.0


def area_forecast(path, crime_type: str, boroughs=None, unit: str = "lsoa", con=None) -> WhereNext:
    """Next month's forecast for the warehouse at ``path``, over the LSOAs (or 500 m cells) of
    ``boroughs`` (all London when None): the top 5% is of the units in that area."""
    from insights.data import warehouse_cells, warehouse_lsoas

    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}: one of {', '.join(UNITS)}")
    if unit == "cell":
        counts, units = warehouse_cells(path, crime_type, CELL_M, con=con)
    else:
        counts, units = warehouse_lsoas(path, crime_type, con=con)
    if boroughs:
        units = units[units["borough"].isin(list(boroughs))].reset_index(drop=True)
        counts = counts[counts["unit"].isin(set(units["unit"]))]
    if units.empty:
        raise ValueError("no areas with records there")
    return forecast(counts, units, crime_type)
