"""What changed: the series of an area whose latest count falls outside its expected range.

``what_changed(counts, boroughs, month=None, months=1)`` fits the seasonal baseline
(``insights.baseline``) to every crime type in every borough of the area, for the month (and,
with ``months > 1``, the months before it), and keeps the series that are outside their
prediction interval *and* survive Benjamini–Hochberg false-discovery control across all the
series tested that month: with some 40 series per BCU and 416 across London, a plain 90% interval
would cry wolf several times a month; BH at 5% lets through about one in twenty of the flags
being chance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from insights.baseline import LEVEL, WINDOW, benjamini_hochberg, fit_many
from insights.data import add_months

FDR = 0.05
SPARK_MONTHS = 13


@dataclass(frozen=True)
class Flag:
    borough: str
    crime_type: str
    month: dt.date
    actual: int
    expected: float
    low: int
    high: int
    p_value: float
    q_value: float
    history: tuple[int, ...] = field(default=(), repr=False)  # the last SPARK_MONTHS counts, ending at month
    history_months: tuple[dt.date, ...] = field(default=(), repr=False)

    @property
    def direction(self) -> str:
        return "high" if self.actual > self.high else "low"

    @property
    def change(self) -> float:
        """Actual against expected, as a fraction (+0.6 = 60% above)."""
        return self.actual / self.expected - 1 if self.expected > 0 else float("inf")

    def sentence(self) -> str:
        """'Robbery in Harrow: 61 in December 2025, expected 38 (30–47) — unusually high'."""
        return (
            f"{self.crime_type} in {self.borough}: {self.actual:,} in {self.month:%B %Y}, "
            f"expected {round(self.expected):,} ({self.low:,}–{self.high:,}) — unusually {self.direction}"
        )

    def question(self) -> str:
        """The Ask question that shows this series month by month."""
        return f"{self.crime_type.lower()} in {self.borough} by month in the last 24 months"


def what_changed(
    counts: pd.DataFrame,
    boroughs: list[str] | tuple[str, ...] | None = None,
    month: dt.date | None = None,
    *,
    months: int = 1,
    fdr: float = FDR,
    level: float = LEVEL,
    window: int = WINDOW,
    crime_types: list[str] | None = None,
) -> list[Flag]:
    """Flags for ``boroughs`` (all when None), newest month first, then the strongest evidence.

    ``counts``: the long table of ``insights.data`` (unit = borough). ``month``: the latest month
    to test (default: the last in the data). False-discovery control is per month, across every
    series tested that month.
    """
    frame = counts if boroughs is None else counts[counts["unit"].isin(list(boroughs))]
    if crime_types is not None:
        frame = frame[frame["crime_type"].isin(crime_types)]
    if frame.empty:
        return []
    piv = frame.pivot_table(
        index=["unit", "crime_type"], columns="month", values="count", aggfunc="sum"
    ).fillna(0)
    cols = list(piv.columns)
    y = piv.to_numpy(dtype=float)
    month = month or cols[-1]
    out: list[Flag] = []
    for back in range(months):
        target = add_months(month, -back)
        if target not in cols:
            continue
        t = cols.index(target)
        if t < 2:
            continue
        lo = max(0, t - window)
        fit = fit_many(y[:, lo:t], cols[lo:t], target, actual=y[:, t], level=level, window=window)
        q = benjamini_hochberg(fit["p_value"])
        outside = (y[:, t] > fit["high"]) | (y[:, t] < fit["low"])
        found = []
        for i in np.flatnonzero((q <= fdr) & outside):
            borough, crime_type = piv.index[i]
            start = max(0, t - SPARK_MONTHS + 1)
            found.append(
                Flag(
                    borough=borough,
                    crime_type=crime_type,
                    month=target,
                    actual=int(y[i, t]),
                    expected=float(fit["expected"][i]),
                    low=int(fit["low"][i]),
                    high=int(fit["high"][i]),
                    p_value=float(fit["p_value"][i]),
                    q_value=float(q[i]),
                    history=tuple(int(v) for v in y[i, start : t + 1]),
                    history_months=tuple(cols[start : t + 1]),
                )
            )
        out += sorted(found, key=lambda f: (f.p_value, f.borough, f.crime_type))
    return out
