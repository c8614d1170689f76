"""The expected count of a monthly crime series, with a prediction interval and a tail probability.

The model, and why
------------------
For each series (one area × one crime type) we fit, on the last ``window`` months before the month
in question (four years by default), a **Poisson GLM with a log link** (statsmodels):

    log E[y_t] = log(days in month t) + b0 + b1·t + Σ_k (c_k sin(2πk·m_t/12) + d_k cos(2πk·m_t/12)),  k = 1, 2

- *Days in month* as an offset: a good part of "seasonality" in monthly counts is February
  having 28 days; the offset takes it out exactly instead of spending parameters on it.
- *Two harmonics of month-of-year* rather than eleven month dummies: crime's seasonal swing
  (summer violence and ASB, winter-evening burglary) is smooth; four parameters estimated from
  48 months are far steadier than eleven estimated from four observations each, and still work
  on the 24-month synthetic warehouse, where month dummies would rest on one or two values.
- *A linear trend*, because most Met series drift over years (shoplifting's post-2022 rise).
- *A window of four years*, not all sixteen: recording practice, category definitions and the
  pandemic break long series; a rolling window adapts, and the back-test
  (``insights.backtest``) checks this choice on the real series.

Counts are over-dispersed relative to Poisson (variance grows with the square of the mean for
large series), so the prediction uses a **negative-binomial (NB2)** predictive distribution,
variance ``μ + αμ²``, with α estimated by the method of moments from the Pearson residuals, plus
the uncertainty of the fitted mean itself (delta method on the linear predictor, quasi-Poisson
covariance). The NB is matched to that mean and total variance. The interval is its central
``level`` quantiles; the two-sided tail probability ``p`` is what false-discovery control uses.

A seasonal-naive forecast (the same month last year) is the benchmark the model must beat
(MASE < 1 on held-out months): see ``docs/insights.md`` for the figures on 16 years of real data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

WINDOW = 48
HARMONICS = 2
LEVEL = 0.90
MIN_MONTHS = 6  # fewer than this: no trend, no seasonality (the mean of what there is)


@dataclass(frozen=True)
class Forecast:
    """The model's view of one month of one series."""

    expected: float
    low: int  # interval bounds (integers: counts)
    high: int
    p_value: float | None = None  # two-sided tail probability of the actual count (None without one)
    actual: int | None = None

    @property
    def direction(self) -> str:
        if self.actual is None:
            return ""
        if self.actual > self.high:
            return "high"
        if self.actual < self.low:
            return "low"
        return ""


def days_in(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def design(months: list[dt.date], origin: dt.date, harmonics: int = HARMONICS) -> np.ndarray:
    """Columns: intercept, trend (years from ``origin``), sin/cos of month-of-year."""
    t = np.array([(m.year - origin.year) + (m.month - origin.month) / 12.0 for m in months])
    moy = np.array([m.month for m in months], dtype=float)
    cols = [np.ones_like(t), t]
    for k in range(1, harmonics + 1):
        cols += [np.sin(2 * math.pi * k * moy / 12), np.cos(2 * math.pi * k * moy / 12)]
    return np.column_stack(cols)


def _nb_interval(mean: float, var: float, level: float) -> tuple[object, int, int]:
    """A count distribution with this mean and variance (NB, or Poisson when not over-dispersed)."""
    mean = max(mean, 1e-9)
    if var <= mean * (1 + 1e-9):
        dist = stats.poisson(mean)
    else:
        size = mean * mean / (var - mean)
        dist = stats.nbinom(size, size / (size + mean))
    tail = (1 - level) / 2
    return dist, int(dist.ppf(tail)), int(dist.ppf(1 - tail))


def two_sided_p(dist, actual: int) -> float:
    """2 × the smaller tail probability of ``actual`` (mid-way counts are not penalised twice)."""
    upper = float(dist.sf(actual - 1))  # P(Y >= actual)
    lower = float(dist.cdf(actual))  # P(Y <= actual)
    return min(1.0, 2 * min(upper, lower))


def fit_forecast(
    history: np.ndarray,
    months: list[dt.date],
    target: dt.date,
    *,
    actual: int | None = None,
    level: float = LEVEL,
    window: int = WINDOW,
    harmonics: int = HARMONICS,
) -> Forecast:
    """Forecast ``target`` from ``history`` (counts for ``months``, all before ``target``)."""
    import statsmodels.api as sm

    y = np.asarray(history, dtype=float)[-window:]
    months = list(months)[-window:]
    n = len(y)
    if n == 0:
        raise ValueError("no history to forecast from")
    days = np.array([days_in(m) for m in months], dtype=float)
    if n < MIN_MONTHS or y.sum() == 0:
        rate = (y.sum() + 0.5) / days.sum()
        mean = rate * days_in(target)
        var = mean + mean * mean / max(n, 1) + (y.var() if n > 1 else mean)
        dist, low, high = _nb_interval(mean, var, level)
        p = two_sided_p(dist, actual) if actual is not None else None
        return Forecast(mean, low, high, p, actual)
    h = harmonics if n >= 13 else 0  # seasonal terms need at least a year
    x = design(months, target, h)
    if n < 12 + x.shape[1] // 2:  # too short for a trend as well
        x = np.delete(x, 1, axis=1)
    x0 = design([target], target, h)[0]
    if x.shape[1] != x0.shape[0]:
        x0 = np.delete(x0, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(days)).fit(scale="X2")
    mu = result.fittedvalues
    dof = max(n - x.shape[1], 1)
    alpha = max(0.0, float(np.sum(((y - mu) ** 2 - mu) / np.maximum(mu, 1e-9) ** 2)) / dof)
    eta = float(x0 @ result.params) + math.log(days_in(target))
    s2 = float(x0 @ result.cov_params() @ x0)
    s2 = min(s2, 4.0)  # a runaway trend on a near-empty series
    mean = math.exp(eta + s2 / 2)
    var = mean + alpha * mean * mean + mean * mean * (math.exp(s2) - 1)
    dist, low, high = _nb_interval(mean, var, level)
    p = two_sided_p(dist, actual) if actual is not None else None
    return Forecast(mean, low, high, p, actual)


def fit_many(
    history: np.ndarray,
    months: list[dt.date],
    target: dt.date,
    *,
    actual: np.ndarray | None = None,
    level: float = LEVEL,
    window: int = WINDOW,
    harmonics: int = HARMONICS,
    iterations: int = 25,
) -> dict[str, np.ndarray]:
    """``fit_forecast`` for many series over the same months at once (rows of ``history``).

    The same Poisson GLM, fitted by iteratively reweighted least squares with every series
    sharing the design matrix, so that a month of London (416 series) takes milliseconds; a test
    checks it against statsmodels (``fit_forecast``). Returns arrays ``expected, low, high`` and,
    with ``actual``, ``p_value``.
    """
    y = np.atleast_2d(np.asarray(history, dtype=float))[:, -window:]
    months = list(months)[-window:]
    s_count, n = y.shape
    days = np.array([days_in(m) for m in months], dtype=float)
    offset = np.log(days)
    h = harmonics if n >= 13 else 0
    x = design(months, target, h)
    x0 = design([target], target, h)[0]
    if n < 12 + x.shape[1] // 2:
        x, x0 = np.delete(x, 1, axis=1), np.delete(x0, 1)
    p = x.shape[1]
    if n < max(MIN_MONTHS, p + 1):
        out = [
            fit_forecast(row, months, target, actual=None if actual is None else int(a), level=level)
            for row, a in zip(y, actual if actual is not None else [None] * s_count, strict=True)
        ]
        result = {k: np.array([getattr(f, k) for f in out], dtype=float) for k in ("expected", "low", "high")}
        if actual is not None:
            result["p_value"] = np.array([f.p_value for f in out])
        return result
    empty = y.sum(axis=1) == 0
    yy = np.where(empty[:, None], 0.5 / n, y)  # an all-zero window: a small pseudo-count
    rate = yy.sum(axis=1) / days.sum()
    beta = np.zeros((s_count, p))
    beta[:, 0] = np.log(rate)
    for _ in range(iterations):
        eta = beta @ x.T + offset
        mu = np.exp(np.clip(eta, -30, 30))
        z = eta - offset + (yy - mu) / mu
        xtwx = np.einsum("sn,ni,nj->sij", mu, x, x) + 1e-9 * np.eye(p)
        xtwz = np.einsum("sn,ni,sn->si", mu, x, z)
        new = np.linalg.solve(xtwx, xtwz[..., None])[..., 0]
        done = np.max(np.abs(new - beta)) < 1e-8
        beta = new
        if done:
            break
    mu = np.exp(np.clip(beta @ x.T + offset, -30, 30))
    dof = max(n - p, 1)
    phi = np.maximum(np.sum((yy - mu) ** 2 / mu, axis=1) / dof, 1e-9)  # quasi-Poisson scale
    alpha = np.maximum(0.0, np.sum(((yy - mu) ** 2 - mu) / mu**2, axis=1) / dof)
    xtwx = np.einsum("sn,ni,nj->sij", mu, x, x) + 1e-9 * np.eye(p)
    cov = np.linalg.inv(xtwx) * phi[:, None, None]
    s2 = np.minimum(np.einsum("i,sij,j->s", x0, cov, x0), 4.0)
    eta0 = beta @ x0 + math.log(days_in(target))
    mean = np.exp(eta0 + s2 / 2)
    var = mean + alpha * mean**2 + mean**2 * (np.exp(s2) - 1)
    return _intervals(mean, var, level, actual)


def _intervals(mean, var, level, actual) -> dict[str, np.ndarray]:
    mean = np.maximum(mean, 1e-9)
    extra = np.maximum(var - mean, 1e-9 * mean)
    size = mean * mean / extra
    prob = size / (size + mean)
    tail = (1 - level) / 2
    out = {
        "expected": mean,
        "low": stats.nbinom.ppf(tail, size, prob),
        "high": stats.nbinom.ppf(1 - tail, size, prob),
    }
    if actual is not None:
        a = np.asarray(actual, dtype=float)
        upper = stats.nbinom.sf(a - 1, size, prob)
        lower = stats.nbinom.cdf(a, size, prob)
        out["p_value"] = np.minimum(1.0, 2 * np.minimum(upper, lower))
    return out


def seasonal_naive(history: np.ndarray) -> float:
    """The same month a year earlier (the benchmark a seasonal model has to beat)."""
    return float(history[-12]) if len(history) >= 12 else float(history[-1])


def benjamini_hochberg(p_values: list[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input order.

    >>> [round(float(q), 3) for q in benjamini_hochberg([0.01, 0.04, 0.03, 0.5])]
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out
