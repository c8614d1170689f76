"""Synthetic Metropolitan Police street-level crime, Jan 2024 - Dec 2025, calibrated on seeds/.

Vectorised with numpy: volumes per borough x category x month are the real MPS counts
(seeds/calibration.csv), spread over LSOAs by their real volumes (seeds/lsoas.csv) and onto
police.uk-style anonymised map points ("On or near ..."), with hour/weekday profiles and event
uplifts from warehouse/profiles.py. The same seed and scale always give the same rows.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from warehouse import profiles as pf
from warehouse.paths import SEEDS_DIR

MONTHS = pd.date_range("2024-01-01", "2025-12-01", freq="MS")
END = np.datetime64("2026-01-01T00:00:00", "s")
FORCE = "Metropolitan Police Service"
EARTH_M_PER_DEG = 111_320.0
VENUE_POINTS = 10
VENUE_WEIGHT = 2.5  # venues are hotspots: their points draw more of their LSOA's volume
UNDER_INVESTIGATION = "Under investigation"
STREET_REACH_M = 400.0  # how quickly a street's share fades with distance from its anchor


def stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Integers with expectation x (exact for whole numbers)."""
    base = np.floor(x)
    return (base + (rng.random(x.shape) < (x - base))).astype(np.int64)


def haversine_np(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Metres, same formula and radius as the warehouse's haversine_m macro."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * np.arcsin(np.sqrt(a))


class Seeds:
    """The seed tables the generator needs, read once."""

    def __init__(self, seeds: Path = SEEDS_DIR):
        self.lsoas = pd.read_csv(seeds / "lsoas.csv")
        self.calibration = pd.read_csv(seeds / "calibration.csv")
        self.venues = pd.read_csv(seeds / "venues.csv", keep_default_na=False)
        self.events = pd.read_csv(seeds / "events.csv", parse_dates=["starts_at", "ends_at"])
        self.outcomes = pd.read_csv(seeds / "outcome_shares.csv")
        with open(seeds / "streets.csv", newline="") as fh:
            rows = list(csv.DictReader(fh))
        self.streets: dict[tuple[str, str], list[str]] = {}
        for r in rows:
            self.streets.setdefault((r["scope"], r["name"]), []).append(r["street"])


def lsoa_weights(lsoas: pd.DataFrame) -> np.ndarray:
    """LSOA x type sampling weights; ASB (not in MPS counts) follows disorder-type crime."""
    w = np.zeros((len(lsoas), len(pf.CRIME_TYPES)))
    for t, name in enumerate(pf.CRIME_TYPES):
        if name in lsoas:
            w[:, t] = lsoas[name].to_numpy(float)
    col = {n: w[:, i] for i, n in enumerate(pf.CRIME_TYPES)}
    w[:, pf.ASB] = (
        col["Public order"] + col["Criminal damage and arson"] + 0.5 * col["Drugs"] + 0.3 * col["Other theft"]
    )
    return w


def monthly_counts(seeds: Seeds, boroughs: list[str]) -> np.ndarray:
    """borough x type x month expected rows at scale 1 (MPS counts, plus modelled ASB)."""
    cal = seeds.calibration
    b = cal["borough"].map({n: i for i, n in enumerate(boroughs)}).to_numpy()
    t = cal["crime_type"].map({n: i for i, n in enumerate(pf.CRIME_TYPES)}).to_numpy()
    months = [m.strftime("%Y-%m") for m in MONTHS]
    m = cal["month"].map({n: i for i, n in enumerate(months)}).to_numpy()
    counts = np.zeros((len(boroughs), len(pf.CRIME_TYPES), len(months)))
    np.add.at(counts, (b, t, m), cal["count"].to_numpy(float))
    season = 1 + pf.ASB_SUMMER_AMPLITUDE * np.cos(2 * np.pi * (MONTHS.month.to_numpy() - 7) / 12)
    counts[:, pf.ASB, :] = pf.ASB_RATIO * counts.sum(axis=1) * season
    return counts


def make_points(seeds: Seeds, weights: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """police.uk-style anonymised map points: several per LSOA plus extra ones around each venue."""
    lsoas = seeds.lsoas
    total = weights.sum(axis=1)
    k = np.clip(np.round(3 + np.sqrt(total) / 5), 4, 24).astype(int)
    k[total == 0] = 0
    idx = np.repeat(np.arange(len(lsoas)), k)
    lat0, lon0 = lsoas["latitude"].to_numpy()[idx], lsoas["longitude"].to_numpy()[idx]
    sigma = np.clip(450 * np.sqrt(lsoas["area_km2"].to_numpy()), 60, 350)[idx]
    lat, lon = jitter(lat0, lon0, sigma, rng)
    base = rng.lognormal(0.0, 0.8, len(idx))

    is_place = rng.random(len(idx)) < pf.PLACE_SHARE
    place = np.array(pf.PLACES, dtype=object)[rng.integers(0, len(pf.PLACES), len(idx))]
    street = borough_streets(seeds, lsoas["borough"].to_numpy()[idx], lat, lon, rng)
    kind = np.where(is_place, place, "")
    location = np.where(is_place, place, street)

    # Venue points: coordinates within a few hundred metres, named after the venue's streets,
    # filed under the nearest LSOA that has Met crime.
    vlat, vlon, vloc, vidx = [], [], [], []
    active = np.flatnonzero(total > 0)
    clat, clon = lsoas["latitude"].to_numpy()[active], lsoas["longitude"].to_numpy()[active]
    for v in seeds.venues.itertuples():
        n = VENUE_POINTS
        la, lo = jitter(np.full(n, v.latitude), np.full(n, v.longitude), np.full(n, 180.0), rng, cap_m=420)
        d = haversine_np(la[:, None], lo[:, None], clat[None, :], clon[None, :])
        names = np.array(seeds.streets[("venue", v.venue)], dtype=object)
        vlat.append(la)
        vlon.append(lo)
        vloc.append(names[rng.integers(0, len(names), n)])
        vidx.append(active[d.argmin(axis=1)])
    nv = len(seeds.venues) * VENUE_POINTS
    points = pd.DataFrame(
        {
            "lsoa_idx": np.concatenate([idx, *vidx]),
            "latitude": np.round(np.concatenate([lat, *vlat]), 6),
            "longitude": np.round(np.concatenate([lon, *vlon]), 6),
            "location": np.concatenate([location, *vloc]),
            "kind": np.concatenate([kind, np.full(nv, "", dtype=object)]),
            "base": np.concatenate([base, rng.lognormal(0.0, 0.5, nv) * VENUE_WEIGHT]),
        }
    )
    return points.sort_values(["lsoa_idx", "latitude", "longitude"], kind="stable").reset_index(drop=True)


def borough_streets(seeds: Seeds, boroughs: np.ndarray, lat, lon, rng: np.random.Generator) -> np.ndarray:
    """A street name per point: each street runs through one part of its borough, so a street's
    records cluster on the map and an LSOA sees the few streets nearest to it."""
    street = np.empty(len(boroughs), dtype=object)
    for b in np.unique(boroughs):
        sel = np.flatnonzero(boroughs == b)
        names = np.array(seeds.streets[("borough", b)], dtype=object)
        anchor = rng.choice(sel, len(names), replace=len(sel) < len(names))
        # A street that runs past a venue in this borough is anchored there (Oxford Street at Oxford Circus).
        for v in seeds.venues[seeds.venues["borough"] == b].itertuples():
            here = np.argmin(haversine_np(v.latitude, v.longitude, lat[sel], lon[sel]))
            for i, name in enumerate(names):
                if name in seeds.streets[("venue", v.venue)]:
                    anchor[i] = sel[here]
        d = haversine_np(lat[sel, None], lon[sel, None], lat[None, anchor], lon[None, anchor])
        w = np.exp(-(d - d.min(axis=1, keepdims=True)) / STREET_REACH_M)
        c = np.cumsum(w, axis=1)
        pick = (rng.random(len(sel))[:, None] * c[:, -1:] > c).sum(axis=1)
        street[sel] = names[np.minimum(pick, len(names) - 1)]
    return street


def jitter(lat, lon, sigma_m, rng, cap_m: float | None = None):
    """Gaussian scatter in metres around (lat, lon), optionally truncated at cap_m."""
    dy, dx = rng.normal(0, 1, len(lat)) * sigma_m, rng.normal(0, 1, len(lat)) * sigma_m
    if cap_m is not None:
        r = np.hypot(dx, dy)
        f = np.where(r > cap_m, cap_m / np.maximum(r, 1e-9), 1.0)
        dx, dy = dx * f, dy * f
    return lat + dy / EARTH_M_PER_DEG, lon + dx / (EARTH_M_PER_DEG * np.cos(np.radians(lat)))


class PointSampler:
    """Pick a map point inside a given LSOA, weighted per crime type (vectorised)."""

    def __init__(self, points: pd.DataFrame, n_lsoas: int):
        lsoa = points["lsoa_idx"].to_numpy()
        self.start = np.searchsorted(lsoa, np.arange(n_lsoas), side="left")
        self.stop = np.searchsorted(lsoa, np.arange(n_lsoas), side="right")
        base = points["base"].to_numpy()
        kind = points["kind"].to_numpy()
        self.cum = []
        for name in pf.CRIME_TYPES:
            w = base.copy()
            for place, mult in pf.PLACE_AFFINITY.get(name, {}).items():
                w[kind == place] *= mult
            self.cum.append(np.concatenate([[0.0], np.cumsum(w)]))

    def sample(self, t: int, lsoa: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        cum = self.cum[t]
        lo, hi = cum[self.start[lsoa]], cum[self.stop[lsoa]]
        target = lo + rng.random(len(lsoa)) * (hi - lo)
        idx = np.searchsorted(cum, target, side="right") - 1
        return np.clip(idx, self.start[lsoa], self.stop[lsoa] - 1)


class TimeSampler:
    """Timestamps within a month from a crime type's weekday x hour profile."""

    def __init__(self):
        hours = pd.date_range(MONTHS[0], END.astype("datetime64[ns]"), freq="h", inclusive="left")
        self.slot = hours.to_numpy().astype("datetime64[s]")
        month = ((hours.year - 2024) * 12 + hours.month - 1).to_numpy()
        dow, hod = hours.day_of_week.to_numpy(), hours.hour.to_numpy()
        self.cum = []
        for t in range(len(pf.CRIME_TYPES)):
            w = pf.hour_weekday_grid(t)[dow, hod]
            c = np.cumsum(w)
            ends = np.searchsorted(month, np.arange(len(MONTHS)), side="right") - 1
            starts = np.concatenate([[0.0], c[ends[:-1]]])
            within = (c - starts[month]) / (c[ends] - starts)[month]
            self.cum.append(month + within)

    def sample(self, t: int, month: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        idx = np.searchsorted(self.cum[t], month + rng.random(len(month)), side="right")
        idx = np.minimum(idx, len(self.slot) - 1)
        secs = rng.integers(0, 3600, len(month))
        # Recorded times cluster on the hour and half hour, as in real crime reports.
        rounded = rng.random(len(month)) < 0.35
        secs = np.where(rounded, (secs // 1800) * 1800, secs)
        return self.slot[idx] + secs.astype("timedelta64[s]")


def outcome_table(seeds: Seeds) -> tuple[list[str], np.ndarray]:
    """Outcome names and a type x outcome cumulative share matrix (ASB rows get no outcome)."""
    df = seeds.outcomes
    names = sorted(set(df["outcome"]) | {UNDER_INVESTIGATION})
    p = np.zeros((len(pf.CRIME_TYPES), len(names)))
    overall = df.groupby("outcome")["share"].sum()
    for t, name in enumerate(pf.CRIME_TYPES):
        sub = df[df["crime_type"] == name]
        src = sub.set_index("outcome")["share"] if len(sub) else overall
        for o, s in src.items():
            p[t, names.index(o)] = s
    p /= np.maximum(p.sum(axis=1, keepdims=True), 1e-12)
    return names, np.cumsum(p, axis=1)


def generate(
    con: duckdb.DuckDBPyConnection,
    seed: int = 42,
    scale: float = 1.0,
    seeds_dir: Path = SEEDS_DIR,
    step: Callable[[str], None] = lambda _msg: None,
) -> int:
    """Insert the synthetic crimes into con's crimes table; return the row count."""
    rng = np.random.default_rng(seed)
    seeds = Seeds(seeds_dir)
    lsoas = seeds.lsoas
    boroughs = sorted(seeds.calibration["borough"].unique())
    weights = lsoa_weights(lsoas)
    counts = stochastic_round(monthly_counts(seeds, boroughs) * scale, rng)
    points = make_points(seeds, weights, rng)
    step(f"{len(points):,} map points")
    pts = PointSampler(points, len(lsoas))
    times = TimeSampler()
    outcome_names, outcome_cum = outcome_table(seeds)

    lsoa_borough = lsoas["borough"].to_numpy()
    parts: list[tuple[int, np.ndarray, np.ndarray]] = []
    for b, borough in enumerate(boroughs):
        members = np.flatnonzero(lsoa_borough == borough)
        for t in range(len(pf.CRIME_TYPES)):
            n = counts[b, t]
            if n.sum() == 0:
                continue
            month = np.repeat(np.arange(len(MONTHS)), n)
            # A small floor: an LSOA with no recorded offence of this type in 24 months may still see one.
            w = weights[members, t] + 0.05 * weights[members].sum(axis=1).mean() / len(pf.CRIME_TYPES) + 1e-9
            c = np.cumsum(w)
            lsoa = members[np.minimum(np.searchsorted(c, rng.random(len(month)) * c[-1]), len(c) - 1)]
            parts.append((t, pts.sample(t, lsoa, rng), times.sample(t, month, rng)))
    step("base crimes sampled")
    parts += event_rows(seeds, points, scale, rng)
    step("event uplifts sampled")

    type_idx = np.concatenate([np.full(len(p), t, dtype=np.int8) for t, p, _ in parts])
    point_idx = np.concatenate([p for _, p, _ in parts]).astype(np.int32)
    ts = np.concatenate([s for _, _, s in parts])
    del parts
    keep = (ts >= np.datetime64(MONTHS[0], "s")) & (ts < END)
    order = np.flatnonzero(keep)[np.argsort(ts[keep], kind="stable")]
    type_idx, point_idx, ts = type_idx[order], point_idx[order], ts[order]
    outcome = sample_outcomes(type_idx, ts, outcome_names, outcome_cum, rng)
    write_crimes(con, seed, type_idx, point_idx, ts, outcome, points, lsoas, outcome_names)
    step("crimes written")
    return len(ts)


def sample_outcomes(type_idx, ts, names: list[str], cum: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Outcome index per row (-1 = none, for anti-social behaviour)."""
    outcome = np.empty(len(ts), dtype=np.int16)
    for t in range(len(pf.CRIME_TYPES)):
        sel = type_idx == t
        picked = np.searchsorted(cum[t], rng.random(sel.sum()) * cum[t, -1], side="right")
        outcome[sel] = np.minimum(picked, len(names) - 1)
    # Recent months are still open: many cases are under investigation at the "data as of" date.
    months_before_end = (END - ts).astype("timedelta64[D]").astype(np.float32) / 30.4
    open_case = rng.random(len(ts)) < 0.65 * np.exp(-months_before_end / 2.0)
    outcome[open_case] = names.index(UNDER_INVESTIGATION)
    outcome[type_idx == pf.ASB] = -1
    return outcome


ROW_GROUP_ROWS = 122_880  # DuckDB's row group: the unit its zone maps skip


def write_crimes(con, seed, type_idx, point_idx, ts, outcome, points, lsoas, outcome_names) -> None:
    """Insert the (time-sorted) rows month by month, so memory stays flat at any --scale.

    A month that fills several row groups is written in bands of latitude, each by longitude, so
    that a venue's bounding box skips most of the month's row groups (zone maps on latitude and
    longitude); a smaller month stays in time order, one row group holding all of it anyway."""
    pdim = pa.table(
        {
            "p": np.arange(len(points), dtype=np.int32),
            "latitude": points["latitude"].to_numpy(),
            "longitude": points["longitude"].to_numpy(),
            "location": ("On or near " + points["location"]).to_numpy(dtype=str),
            "lsoa_code": lsoas["lsoa_code"].to_numpy()[points["lsoa_idx"]].astype(str),
            "lsoa_name": lsoas["lsoa_name"].to_numpy()[points["lsoa_idx"]].astype(str),
        }
    )
    tdim = pa.table({"t": np.arange(len(pf.CRIME_TYPES), dtype=np.int8), "crime_type": pf.CRIME_TYPES})
    odim = pa.table({"o": np.arange(len(outcome_names), dtype=np.int16), "outcome": outcome_names})
    for name, table in (("gen_points", pdim), ("gen_types", tdim), ("gen_outcomes", odim)):
        con.register(name, table)
    bounds = np.searchsorted(ts, np.append(MONTHS.to_numpy(), END).astype("datetime64[s]"))
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        rows = pa.table(
            {
                "rid": np.arange(lo, hi, dtype=np.int64),
                "t": type_idx[lo:hi],
                "p": point_idx[lo:hi],
                "ts": ts[lo:hi].astype("datetime64[us]"),
                "o": outcome[lo:hi],
            }
        )
        con.register("gen_rows", rows)
        order = "floor(p.latitude * 20), p.longitude, r.rid" if hi - lo > ROW_GROUP_ROWS else "r.rid"
        con.execute(
            f"""
            INSERT INTO crimes
            SELECT CASE WHEN t.crime_type = 'Anti-social behaviour'
                        THEN 'ASB-' || substr(sha256('{seed}/' || r.rid), 1, 24)
                        ELSE sha256('{seed}/' || r.rid) END,
                   date_trunc('month', r.ts)::DATE, r.ts, '{FORCE}', '{FORCE}',
                   p.longitude, p.latitude, p.location, p.lsoa_code, p.lsoa_name,
                   regexp_replace(p.lsoa_name, ' [0-9]{{3}}[A-Z]$', ''),
                   t.crime_type, o.outcome
            FROM gen_rows r
            JOIN gen_points p USING (p)
            JOIN gen_types t USING (t)
            LEFT JOIN gen_outcomes o USING (o)
            ORDER BY {order}
            """
        )
        con.unregister("gen_rows")
    for name in ("gen_points", "gen_types", "gen_outcomes"):
        con.unregister(name)


def event_rows(seeds: Seeds, points: pd.DataFrame, scale: float, rng: np.random.Generator):
    """Extra thefts, robberies, disorder ... within about a kilometre of a venue while its event runs."""
    venues = seeds.venues.set_index("venue")
    plat, plon = points["latitude"].to_numpy(), points["longitude"].to_numpy()
    base = points["base"].to_numpy()
    parts = []
    for ev in seeds.events.itertuples():
        v = venues.loc[ev.venue]
        d = haversine_np(v.latitude, v.longitude, plat, plon)
        near = np.flatnonzero(d <= pf.EVENT_RADIUS_M)
        w = base[near] * np.exp(-d[near] / pf.EVENT_DECAY_M)
        c = np.cumsum(w)
        attendance = 0.0 if pd.isna(ev.expected_attendance) else float(ev.expected_attendance)
        people = min(attendance, pf.EVENT_ATTENDANCE_CAP) / 1000
        start = np.datetime64(ev.starts_at, "s")
        span = (np.datetime64(ev.ends_at, "s") - start).astype(int)
        for name, rate in pf.EVENT_RATES.items():
            n = int(stochastic_round(np.array([rate * people * scale]), rng)[0])
            if n == 0 or len(near) == 0:
                continue
            p = near[np.minimum(np.searchsorted(c, rng.random(n) * c[-1]), len(c) - 1)]
            # Skewed late: crowds are densest as they leave.
            ts = start + (rng.beta(1.5, 1.0, n) * span).astype("timedelta64[s]")
            parts.append((pf.CRIME_TYPES.index(name), p, ts))
    return parts
