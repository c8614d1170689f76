"""Rolling-origin back-tests of the insights on real series.

- ``what_changed_backtest(counts, months=36)``: for each of the last ``months`` months t, fit on
  the months before t and predict t, for every borough × crime type series. Reports the 90%
  interval's coverage, MASE against the seasonal-naive forecast (same month last year), flags
  per month under Benjamini–Hochberg, and, with known anomalies injected into a copy of the
  held-out months, the share of them found and the flag rate among untouched series (an upper
  bound on the false-flag rate: real changes count as false there).
- ``where_next_backtest(counts, areas, months=6)``: see ``insights.where_next``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from insights.baseline import LEVEL, WINDOW, benjamini_hochberg, fit_many

FDR = 0.05


@dataclass
class ChangedBacktest:
    months: int
    series: int
    coverage: float
    mase_model: float  # mean over series of MAE / in-sample seasonal-naive MAE
    mase_naive: float
    relative_mae: float  # model MAE / seasonal-naive MAE, pooled over all held-out points
    flags_per_month: float
    flag_share: float  # flags / series tested
    injected_found: float  # share of injected anomalies flagged
    untouched_flag_share: float  # flags among series with nothing injected
    per_type: pd.DataFrame

    def lines(self) -> list[str]:
        return [
            f"held-out months: {self.months} · series: {self.series} (borough × crime type)",
            f"90% interval coverage: {self.coverage:.1%} (goal 85–95%)",
            f"MASE (scale: in-sample seasonal-naive MAE): model {self.mase_model:.3f} · seasonal naive {self.mase_naive:.3f}",
            f"MAE model / MAE seasonal naive on the same held-out months: {self.relative_mae:.3f} (goal < 1)",
            f"flags per month at FDR {FDR:.0%} over all series: {self.flags_per_month:.1f} ({self.flag_share:.1%} of series)",
            f"injected +60% anomalies (2% of series each month) found: {self.injected_found:.1%}; "
            f"flag rate among untouched series: {self.untouched_flag_share:.2%}",
        ]


def _matrix(counts: pd.DataFrame) -> tuple[pd.Index, list[dt.date], np.ndarray]:
    piv = counts.pivot_table(index=["unit", "crime_type"], columns="month", values="count", aggfunc="sum")
    piv = piv.fillna(0).sort_index()
    return piv.index, list(piv.columns), piv.to_numpy(dtype=float)


def what_changed_backtest(
    counts: pd.DataFrame,
    months: int = 36,
    *,
    level: float = LEVEL,
    window: int = WINDOW,
    harmonics: int = 2,
    fdr: float = FDR,
    uplift: float = 0.6,
    inject_share: float = 0.02,
    seed: int = 15,
) -> ChangedBacktest:
    index, cols, y = _matrix(counts)
    rng = np.random.default_rng(seed)
    n_series = y.shape[0]
    inside, err_m, err_n, scale, flags, found, injected, untouched_flags, untouched = ([] for _ in range(9))
    types = np.array([t for _, t in index])
    for t in range(len(cols) - months, len(cols)):
        hist = y[:, max(0, t - window) : t]
        actual = y[:, t]
        fit = fit_many(
            hist,
            cols[max(0, t - window) : t],
            cols[t],
            actual=actual,
            level=level,
            window=window,
            harmonics=harmonics,
        )
        inside.append((actual >= fit["low"]) & (actual <= fit["high"]))
        err_m.append(np.abs(actual - fit["expected"]))
        err_n.append(np.abs(actual - y[:, t - 12]))
        diffs = np.abs(hist[:, 12:] - hist[:, :-12])
        scale.append(diffs.mean(axis=1))
        flags.append(benjamini_hochberg(fit["p_value"]) <= fdr)
        # the same month with known anomalies injected into a random 2% of series
        hit = rng.random(n_series) < inject_share
        bumped = np.where(hit, np.round(actual * (1 + uplift)), actual)
        fit2 = fit_many(
            hist,
            cols[max(0, t - window) : t],
            cols[t],
            actual=bumped,
            level=level,
            window=window,
            harmonics=harmonics,
        )
        flagged = (benjamini_hochberg(fit2["p_value"]) <= fdr) & (bumped > fit2["high"])
        found.append(flagged[hit & (actual >= 10)])
        injected.append(hit & (actual >= 10))
        untouched_flags.append(flagged[~hit])
        untouched.append(~hit)
    inside = np.array(inside)
    err_m, err_n, scale = np.array(err_m), np.array(err_n), np.array(scale)
    ok = scale.mean(axis=0) > 0
    mase_m = (err_m.mean(axis=0)[ok] / scale.mean(axis=0)[ok]).mean()
    mase_n = (err_n.mean(axis=0)[ok] / scale.mean(axis=0)[ok]).mean()
    flags = np.array(flags)
    per_type = (
        pd.DataFrame(
            {
                "crime_type": np.repeat(types[None, :], months, axis=0).ravel(),
                "inside": inside.ravel(),
                "err_model": err_m.ravel(),
                "err_naive": err_n.ravel(),
                "flag": flags.ravel(),
            }
        )
        .groupby("crime_type")
        .agg(
            coverage=("inside", "mean"),
            mae_model=("err_model", "mean"),
            mae_naive=("err_naive", "mean"),
            flags=("flag", "mean"),
        )
    )
    per_type["relative_mae"] = per_type["mae_model"] / per_type["mae_naive"]
    found_all = np.concatenate(found)
    untouched_all = np.concatenate(untouched_flags)
    return ChangedBacktest(
        months=months,
        series=n_series,
        coverage=float(inside.mean()),
        mase_model=float(mase_m),
        mase_naive=float(mase_n),
        relative_mae=float(err_m.sum() / err_n.sum()),
        flags_per_month=float(flags.sum(axis=1).mean()),
        flag_share=float(flags.mean()),
        injected_found=float(found_all.mean()) if len(found_all) else float("nan"),
        untouched_flag_share=float(untouched_all.mean()),
        per_type=per_type,
    )


# ---- where next -------------------------------------------------------------------------------------


@dataclass
class WhereNextBacktest:
    table: pd.DataFrame  # crime_type, month, hit rates and PAI of the model and both baselines, coverage
    stability: pd.DataFrame  # crime_type, month, Jaccard overlap with the previous month's top set
    fairness: pd.DataFrame  # borough, share of selected LSOAs, share of crime


def _hit(top: np.ndarray, actual: np.ndarray, area: np.ndarray) -> tuple[float, float]:
    hit = actual[top].sum() / max(actual.sum(), 1)
    share = area[top].sum() / area.sum()
    return float(hit), float(hit / share) if share else float("nan")


def where_next_backtest(
    counts: pd.DataFrame, units: pd.DataFrame, crime_types: list[str], months: int = 6, **options
) -> WhereNextBacktest:
    """For each of the last ``months`` months: forecast it from the months before, then score the
    top 5% by hit rate (share of that month's crimes inside) and PAI (hit rate ÷ area share),
    against last month's top 5% and the last 12 months' top 5%."""
    from insights.where_next import forecast, rank_units, top_count

    rows, stable, selected = [], [], []
    units = units.reset_index(drop=True)
    area = units["area_km2"].to_numpy(dtype=float)
    names = units["unit"].to_numpy()
    k = top_count(len(units))
    for crime_type in crime_types:
        piv = counts[counts["crime_type"] == crime_type].pivot_table(
            index="unit", columns="month", values="count", aggfunc="sum"
        )
        piv = piv.reindex(units["unit"]).fillna(0)
        cols = list(piv.columns)
        y = piv.to_numpy(dtype=float)
        previous = None
        for t in range(len(cols) - months, len(cols)):
            result = forecast(counts, units, crime_type, cols[t], **options)
            by_unit = result.table.set_index("unit").loc[names]
            model_top = by_unit["top"].to_numpy()
            actual = y[:, t]
            last_top = rank_units(y[:, t - 1], names) <= k
            year_top = rank_units(y[:, max(0, t - 12) : t].sum(axis=1), names) <= k
            inside = (actual >= by_unit["low"].to_numpy()) & (actual <= by_unit["high"].to_numpy())
            hm, pm = _hit(model_top, actual, area)
            hl, pl = _hit(last_top, actual, area)
            hy, py = _hit(year_top, actual, area)
            rows.append(
                {
                    "crime_type": crime_type,
                    "month": cols[t],
                    "hit_model": hm,
                    "hit_last_month": hl,
                    "hit_last_12": hy,
                    "pai_model": pm,
                    "pai_last_month": pl,
                    "pai_last_12": py,
                    "coverage": float(inside.mean()),
                }
            )
            if previous is not None:
                stable.append(
                    {
                        "crime_type": crime_type,
                        "month": cols[t],
                        "jaccard": float((model_top & previous).sum() / (model_top | previous).sum()),
                    }
                )
            previous = model_top
            selected.append(
                pd.DataFrame(
                    {
                        "borough": units["borough"],
                        "selected": model_top.astype(int),
                        "crime": y[:, max(0, t - 12) : t].sum(axis=1),
                    }
                )
            )
    allsel = pd.concat(selected).groupby("borough")[["selected", "crime"]].sum()
    fairness = pd.DataFrame(
        {
            "share_of_selected": allsel["selected"] / allsel["selected"].sum(),
            "share_of_crime": allsel["crime"] / allsel["crime"].sum(),
        }
    )
    fairness["ratio"] = fairness["share_of_selected"] / fairness["share_of_crime"]
    return WhereNextBacktest(
        pd.DataFrame(rows), pd.DataFrame(stable), fairness.sort_values("ratio", ascending=False)
    )
