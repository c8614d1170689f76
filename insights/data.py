"""Monthly count series for the insights: from the warehouse, or from the Met's published figures.

Every loader returns a *complete* long table (a row for every unit × crime type × month, zeros
filled) with the columns ``unit, crime_type, month, count``; ``month`` is the first day of the
month as a ``datetime.date``.

- ``warehouse_counts(path)``: borough × crime type × month from the ``crimes`` table.
- ``warehouse_cells(path, crime_type, cell_m)``: grid cell × month for one crime type.
- ``warehouse_lsoas(path, crime_type)``: LSOA × month for one crime type, with the LSOAs.
- ``mps_borough_counts(raw)``: the Met's recorded crime by borough × police.uk category × month,
  April 2010 – February 2026 (London Datastore, OGL v2.0), read from ``../shared`` at run time.
- ``mps_lsoa_counts(raw)``: the same by LSOA (2021 codes), February 2024 – February 2026.
- ``bcu_boroughs()``: BCU -> its boroughs, from ``seeds/boroughs.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.paths import REPO_ROOT

RAW = REPO_ROOT.parent / "shared" / "data" / "raw" / "mps_london_datastore"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
COLUMNS = ["unit", "crime_type", "month", "count"]
CREDIT = (
    "Metropolitan Police Service recorded crime, London Datastore, Open Government Licence v2.0 "
    "(MPS categories mapped onto police.uk ones; fraud excluded, as on police.uk)"
)


def _seeds_file(name: str) -> Path:
    here = SEEDS / name
    if here.exists():
        return here
    from importlib.resources import files  # installed as warehouse.seeds

    return Path(str(files("warehouse.seeds") / name))


@lru_cache(maxsize=1)
def bcu_boroughs() -> dict[str, tuple[str, ...]]:
    """{BCU: (boroughs...)} from seeds/boroughs.csv (City of London has no BCU)."""
    out: dict[str, list[str]] = {}
    with open(_seeds_file("boroughs.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["bcu"]:
                out.setdefault(row["bcu"], []).append(row["borough"])
    return {k: tuple(sorted(v)) for k, v in sorted(out.items())}


def complete(frame: pd.DataFrame, months: list[dt.date] | None = None) -> pd.DataFrame:
    """Fill in zero rows so that every unit × crime type has every month (sorted)."""
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame = frame.copy()
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    if months is None:
        first, last = min(frame["month"]), max(frame["month"])
        months = month_range(first, last)
    index = pd.MultiIndex.from_product(
        [sorted(frame["unit"].unique()), sorted(frame["crime_type"].unique()), months], names=COLUMNS[:3]
    )
    out = frame.groupby(COLUMNS[:3])["count"].sum().reindex(index, fill_value=0).reset_index()
    out["count"] = out["count"].astype("int64")
    return out


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every first-of-month from ``first`` to ``last`` inclusive."""
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def add_months(month: dt.date, n: int) -> dt.date:
    y, m = divmod(month.year * 12 + month.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


# ---- the warehouse ------------------------------------------------------------------------------------


def _connect(path) -> duckdb.DuckDBPyConnection:
    from warehouse.connect import connect_readonly

    return connect_readonly(path)


def warehouse_counts(path, con=None) -> pd.DataFrame:
    """Borough × crime type × month counts from the warehouse (rows without a borough left out)."""
    own = con is None
    con = con or _connect(path)
    try:
        frame = con.execute(
            "SELECT borough AS unit, crime_type, month, count(*) AS count FROM crimes "
            "WHERE borough IS NOT NULL GROUP BY ALL"
        ).df()
        first, last = con.execute("SELECT min(month), max(month) FROM crimes").fetchone()
    finally:
        if own:
            con.close()
    if first is None:
        return pd.DataFrame(columns=COLUMNS)
    return complete(frame, month_range(first, last))


def cell_size_deg(cell_m: float, latitude: float = 51.5) -> tuple[float, float]:
    """(latitude step, longitude step) in degrees of a square cell of ``cell_m`` metres."""
    dlat = cell_m / 111_320.0
    return dlat, dlat / math.cos(math.radians(latitude))


def warehouse_cells(
    path, crime_type: str, cell_m: float = 500.0, con=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Grid cell × month counts of one crime type, and the cells (id, centre, borough, area).

    The cells are every square of ``cell_m`` metres that holds at least one record of any type
    over the whole span (the area crime is recorded in); a cell id is ``"row:col"``.
    """
    dlat, dlon = cell_size_deg(cell_m)
    own = con is None
    con = con or _connect(path)
    cell = f"floor(latitude / {dlat})::BIGINT AS r, floor(longitude / {dlon})::BIGINT AS c"
    try:
        cells = con.execute(
            f"SELECT r, c, mode(borough) AS borough FROM (SELECT {cell}, borough FROM crimes "
            "WHERE latitude IS NOT NULL) GROUP BY ALL"
        ).df()
        counts = con.execute(
            f"SELECT r, c, month, count(*) AS count FROM (SELECT {cell}, month FROM crimes "
            "WHERE latitude IS NOT NULL AND crime_type = ?) GROUP BY ALL",
            [crime_type],
        ).df()
        first, last = con.execute("SELECT min(month), max(month) FROM crimes").fetchone()
    finally:
        if own:
            con.close()
    for f in (cells, counts):
        f["unit"] = f["r"].astype(str) + ":" + f["c"].astype(str)
    cells["latitude"] = (cells["r"] + 0.5) * dlat
    cells["longitude"] = (cells["c"] + 0.5) * dlon
    cells["area_km2"] = (cell_m / 1000.0) ** 2
    cells["name"] = "cell " + cells["unit"]
    counts["crime_type"] = crime_type
    frame = counts[COLUMNS]
    months = month_range(first, last)
    units = sorted(cells["unit"])
    index = pd.MultiIndex.from_product([units, [crime_type], months], names=COLUMNS[:3])
    frame = frame.assign(month=pd.to_datetime(frame["month"]).dt.date)
    frame = frame.groupby(COLUMNS[:3])["count"].sum().reindex(index, fill_value=0).reset_index()
    return frame, cells[["unit", "name", "borough", "latitude", "longitude", "area_km2"]]


def lsoa_units() -> pd.DataFrame:
    """Every LSOA of seeds/lsoas.csv: unit (code), name, borough, centre, area."""
    lsoas = pd.read_csv(
        _seeds_file("lsoas.csv"),
        usecols=["lsoa_code", "lsoa_name", "borough", "latitude", "longitude", "area_km2"],
    )
    return lsoas.rename(columns={"lsoa_code": "unit", "lsoa_name": "name"})


def warehouse_lsoas(path, crime_type: str, con=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """LSOA × month counts of one crime type (complete), and the LSOAs the warehouse has records in."""
    own = con is None
    con = con or _connect(path)
    try:
        counts = con.execute(
            "SELECT lsoa_code AS unit, month, count(*) AS count FROM crimes "
            "WHERE lsoa_code IS NOT NULL AND crime_type = ? GROUP BY ALL",
            [crime_type],
        ).df()
        present = {u for (u,) in con.execute("SELECT DISTINCT lsoa_code FROM crimes").fetchall()}
        first, last = con.execute("SELECT min(month), max(month) FROM crimes").fetchone()
    finally:
        if own:
            con.close()
    units = lsoa_units()
    units = units[units["unit"].isin(present)].reset_index(drop=True)
    index = pd.MultiIndex.from_product(
        [sorted(units["unit"]), [crime_type], month_range(first, last)], names=COLUMNS[:3]
    )
    counts = counts.assign(crime_type=crime_type, month=pd.to_datetime(counts["month"]).dt.date)
    frame = counts.groupby(COLUMNS[:3])["count"].sum().reindex(index, fill_value=0).reset_index()
    return frame, units


# ---- the Met's published figures (../shared, never committed) -------------------------------------------


def _long(path: Path, area: str, major: str, minor: str, con) -> str:
    from warehouse.derive_seeds import category_sql

    cols = [c for (c,) in con.execute(f"SELECT name FROM parquet_schema('{path}')").fetchall() if c.isdigit()]
    quoted = ", ".join(f'"{m}"' for m in cols)
    return (
        f"SELECT {area} AS unit, {category_sql(major, minor)} AS crime_type, month, n "
        f"FROM (UNPIVOT (SELECT {major}, {minor}, {area}, {quoted} FROM '{path}') "
        f"ON {quoted} INTO NAME month VALUE n)"
    )


def _finish(con, sql: str) -> pd.DataFrame:
    frame = con.execute(
        f"""SELECT unit, crime_type, make_date(substr(month, 1, 4)::INT, substr(month, 5, 2)::INT, 1) AS month,
                   sum(coalesce(n, 0))::BIGINT AS count
            FROM ({sql}) WHERE crime_type IS NOT NULL GROUP BY ALL"""
    ).df()
    return complete(frame)


def mps_borough_counts(raw: Path | str = RAW) -> pd.DataFrame:
    """Borough × police.uk category × month, April 2010 – February 2026 (historical + current files)."""
    raw = Path(raw)
    con = duckdb.connect()
    boroughs = [b for v in bcu_boroughs().values() for b in v]
    try:
        sql = " UNION ALL ".join(
            _long(raw / name, "boroughname", "majortext", "minortext", con)
            for name in ("recorded-crime-borough-historical.parquet", "recorded-crime-borough.parquet")
        )
        frame = _finish(con, sql)
    finally:
        con.close()
    return frame[frame["unit"].isin(boroughs)].reset_index(drop=True)


def mps_lsoa_counts(raw: Path | str = RAW) -> tuple[pd.DataFrame, pd.DataFrame]:
    """LSOA × police.uk category × month (Feb 2024 – Feb 2026), and the LSOAs (name, borough, centre, area)."""
    raw = Path(raw)
    con = duckdb.connect()
    try:
        frame = _finish(
            con,
            _long(raw / "recorded-crime-lsoa.parquet", "lsoa_code", "major_category", "minor_category", con),
        )
    finally:
        con.close()
    lsoas = lsoa_units()
    frame = frame[frame["unit"].isin(set(lsoas["unit"]))].reset_index(drop=True)
    return frame, lsoas[lsoas["unit"].isin(set(frame["unit"]))].reset_index(drop=True)
