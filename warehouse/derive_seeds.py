"""Regenerate the derived seed files from the raw public data in ../shared/data/raw.

usage: python -m warehouse.derive_seeds [--raw ../shared/data/raw]

Writes compact figures only (never the downloaded files themselves):
  seeds/calibration.csv        borough x police.uk category x month offence counts (MPS, OGL v2.0)
  seeds/lsoas.csv              LSOA centroids (ONS, OGL v3.0) and per-category volume weights (MPS)
  seeds/outcome_shares.csv     outcome mix per category (City of London Police street files, OGL v3.0)
  seeds/borough_outlines.geojson  simplified borough outlines (ONS, OGL v3.0)
  seeds/lsoa_outlines.csv         simplified LSOA 2021 outlines (ONS, OGL v3.0) as encoded polylines
and fills the derived area / centroid columns of the hand-kept seeds/boroughs.csv.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path

import duckdb

from warehouse.paths import REPO_ROOT

SEEDS = REPO_ROOT / "seeds"
DEFAULT_RAW = REPO_ROOT.parent / "shared" / "data" / "raw"
MONTHS = [f"{y}{m:02d}" for y in (2024, 2025) for m in range(1, 13)]

# MPS minor categories (London Datastore) -> police.uk categories.
MINOR_TO_POLICE_UK = {
    "ARSON": "Criminal damage and arson",
    "CRIMINAL DAMAGE": "Criminal damage and arson",
    "BICYCLE THEFT": "Bicycle theft",
    "OTHER THEFT": "Other theft",
    "SHOPLIFTING": "Shoplifting",
    "THEFT FROM THE PERSON": "Theft from the person",
}
MAJOR_TO_POLICE_UK = {
    "ARSON AND CRIMINAL DAMAGE": "Criminal damage and arson",
    "BURGLARY": "Burglary",
    "DRUG OFFENCES": "Drugs",
    "MISCELLANEOUS CRIMES AGAINST SOCIETY": "Other crime",
    "POSSESSION OF WEAPONS": "Possession of weapons",
    "PUBLIC ORDER OFFENCES": "Public order",
    "ROBBERY": "Robbery",
    "SEXUAL OFFENCES": "Violence and sexual offences",
    "VEHICLE OFFENCES": "Vehicle crime",
    "VIOLENCE AGAINST THE PERSON": "Violence and sexual offences",
}
# Weight columns of seeds/lsoas.csv, one per category the MPS counts cover.
WEIGHT_TYPES = sorted(set(MAJOR_TO_POLICE_UK.values()) | set(MINOR_TO_POLICE_UK.values()))


def category_sql(major: str, minor: str) -> str:
    """A SQL CASE mapping MPS major/minor text columns to police.uk categories (NULL = not in police.uk)."""
    whens = [f"WHEN {minor} = '{k}' THEN '{v}'" for k, v in MINOR_TO_POLICE_UK.items()]
    whens += [f"WHEN {major} = '{k}' THEN '{v}'" for k, v in MAJOR_TO_POLICE_UK.items()]
    return "CASE " + " ".join(whens) + " END"


def derive_calibration(con: duckdb.DuckDBPyConnection, mps: Path, geo: Path) -> int:
    """Borough x category x month counts, 2024-01..2025-12 (recent file plus the historical one for Jan-Feb 2024)."""
    recent = mps / "recorded-crime-borough.parquet"
    hist = mps / "recorded-crime-borough-historical.parquet"
    cat = category_sql("majortext", "minortext")
    recent_months = [m for m in MONTHS if m >= "202403"]
    hist_months = [m for m in MONTHS if m < "202403"]

    def long(path: Path, months: list[str]) -> str:
        cols = ", ".join(f'"{m}"' for m in months)
        return (
            f"SELECT boroughname AS borough, {cat} AS crime_type, month, n "
            f"FROM (UNPIVOT (SELECT majortext, minortext, boroughname, {cols} FROM '{path}') "
            f"ON {cols} INTO NAME month VALUE n)"
        )

    rows = con.execute(
        f"""
        SELECT borough, crime_type, substr(month, 1, 4) || '-' || substr(month, 5, 2) AS month,
               sum(n)::INTEGER AS count
        FROM ({long(recent, recent_months)} UNION ALL {long(hist, hist_months)})
        WHERE crime_type IS NOT NULL AND borough IN (SELECT LAD22NM FROM '{geo / "london_lsoa21_lookup_centroids.csv"}')
        GROUP BY ALL ORDER BY borough, crime_type, month
        """
    ).fetchall()
    write_csv(SEEDS / "calibration.csv", ["borough", "crime_type", "month", "count"], rows)
    return len(rows)


def derive_lsoas(con: duckdb.DuckDBPyConnection, mps: Path, geo: Path) -> int:
    """LSOA centroids with 24-month offence totals per category as sampling weights."""
    path = mps / "recorded-crime-lsoa.parquet"
    cols = [c for (c,) in con.execute(f"SELECT name FROM parquet_schema('{path}')").fetchall()]
    months = [c for c in cols if c.isdigit()][:24]
    total = " + ".join(f'coalesce("{m}", 0)' for m in months)
    cat = category_sql("major_category", "minor_category")
    pivot = ", ".join(
        f"coalesce(sum(n) FILTER (WHERE crime_type = '{t}'), 0)::INTEGER AS \"{t}\"" for t in WEIGHT_TYPES
    )
    rows = con.execute(
        f"""
        WITH w AS (SELECT lsoa_code, {cat} AS crime_type, {total} AS n FROM '{path}')
        SELECT g.LSOA21CD, g.LSOA21NM, g.LAD22NM, round(g.centroid_lat, 6), round(g.centroid_lon, 6),
               g.area_km2, {pivot}
        FROM '{geo / "london_lsoa21_lookup_centroids.csv"}' g LEFT JOIN w ON w.lsoa_code = g.LSOA21CD
        GROUP BY ALL ORDER BY g.LSOA21CD
        """
    ).fetchall()
    header = ["lsoa_code", "lsoa_name", "borough", "latitude", "longitude", "area_km2", *WEIGHT_TYPES]
    write_csv(SEEDS / "lsoas.csv", header, rows)
    return len(rows)


def derive_outcomes(con: duckdb.DuckDBPyConnection, street_dir: Path) -> int:
    """Share of each last-outcome category per crime type in the real City of London Police files."""
    rows = con.execute(
        f"""
        WITH r AS (
            SELECT "Crime type" AS crime_type, "Last outcome category" AS outcome
            FROM read_csv('{street_dir}/*-street.csv', all_varchar = true, union_by_name = true)
            WHERE "Month" >= '2023-05' AND outcome IS NOT NULL AND outcome <> ''
        )
        SELECT crime_type, outcome, round(count(*) / sum(count(*)) OVER (PARTITION BY crime_type), 4)
        FROM r GROUP BY crime_type, outcome HAVING count(*) >= 3 ORDER BY crime_type, 3 DESC, outcome
        """
    ).fetchall()
    write_csv(SEEDS / "outcome_shares.csv", ["crime_type", "outcome", "share"], rows)
    return len(rows)


def ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Area (km2) and centroid (lon, lat) of a lon/lat ring, on a local equirectangular projection."""
    lat0 = math.radians(sum(p[1] for p in ring) / len(ring))
    kx, ky = 111.320 * math.cos(lat0), 110.574
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return abs(a) * kx * ky, cx / (6 * a), cy / (6 * a)


def simplify(ring: list[list[float]], tol: float) -> list[list[float]]:
    """Douglas-Peucker on a closed ring (degrees)."""
    if len(ring) < 5:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        i, j = stack.pop()
        (x0, y0), (x1, y1) = ring[i], ring[j]
        dx, dy = x1 - x0, y1 - y0
        norm = math.hypot(dx, dy)
        best, idx = 0.0, -1
        for k in range(i + 1, j):
            px, py = ring[k][0] - x0, ring[k][1] - y0
            # distance to the chord, or to its start when the chord is a closed ring's seam
            d = abs(dy * px - dx * py) / norm if norm else math.hypot(px, py)
            if d > best:
                best, idx = d, k
        if best > tol:
            keep[idx] = True
            stack += [(i, idx), (idx, j)]
    out = [[round(p[0], 5), round(p[1], 5)] for p, k in zip(ring, keep, strict=True) if k]
    return out if len(out) >= 4 else ring


def derive_boroughs(geo: Path) -> int:
    """Fill area_km2 and centroid in seeds/boroughs.csv; write simplified outlines."""
    features = json.loads((geo / "london_boroughs_lad22_gen20.geojson").read_text())["features"]
    shape = {}
    for f in features:
        rings = (
            [f["geometry"]["coordinates"]]
            if f["geometry"]["type"] == "Polygon"
            else f["geometry"]["coordinates"]
        )
        parts = [ring_area_centroid(poly[0]) for poly in rings]
        area = sum(p[0] for p in parts)
        lon = sum(p[0] * p[1] for p in parts) / area
        lat = sum(p[0] * p[2] for p in parts) / area
        shape[f["properties"]["LAD22CD"]] = (round(area, 2), round(lat, 6), round(lon, 6))
        f["geometry"]["coordinates"] = [[simplify(r, 0.0002) for r in poly] for poly in rings]
        f["geometry"]["type"] = "MultiPolygon"
    with open(SEEDS / "boroughs.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["area_km2"], r["latitude"], r["longitude"] = shape[r["borough_code"]]
    write_csv(SEEDS / "boroughs.csv", list(rows[0]), [list(r.values()) for r in rows])
    for f in features:
        name = f["properties"].pop("LAD22NM")
        f["properties"] = {"borough": name, "borough_code": f["properties"]["LAD22CD"]}
    out = {"type": "FeatureCollection", "features": features}
    (SEEDS / "borough_outlines.geojson").write_text(json.dumps(out, separators=(",", ":")))
    return len(rows)


def bng_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """British National Grid (OSGB36, EPSG:27700) to WGS84 (lon, lat): the inverse transverse
    Mercator on the Airy 1830 ellipsoid, then the OS's 7-parameter Helmert (about 5 m)."""
    a, b = 6377563.396, 6356256.909
    f0, lat0, lon0, n0, e0 = 0.9996012717, math.radians(49), math.radians(-2), -100000.0, 400000.0
    e2 = 1 - (b * b) / (a * a)
    n = (a - b) / (a + b)
    lat, m = lat0, 0.0
    while True:
        lat = (northing - n0 - m) / (a * f0) + lat
        d, s_ = lat - lat0, lat + lat0
        m = (
            b
            * f0
            * (
                (1 + n + 5 / 4 * n**2 + 5 / 4 * n**3) * d
                - (3 * n + 3 * n**2 + 21 / 8 * n**3) * math.sin(d) * math.cos(s_)
                + (15 / 8 * n**2 + 15 / 8 * n**3) * math.sin(2 * d) * math.cos(2 * s_)
                - 35 / 24 * n**3 * math.sin(3 * d) * math.cos(3 * s_)
            )
        )
        if abs(northing - n0 - m) < 1e-5:
            break
    sin, cos, tan = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * f0 / math.sqrt(1 - e2 * sin * sin)
    rho = a * f0 * (1 - e2) / (1 - e2 * sin * sin) ** 1.5
    eta2 = nu / rho - 1
    de = easting - e0
    vii = tan / (2 * rho * nu)
    viii = tan / (24 * rho * nu**3) * (5 + 3 * tan**2 + eta2 - 9 * tan**2 * eta2)
    ix = tan / (720 * rho * nu**5) * (61 + 90 * tan**2 + 45 * tan**4)
    x = 1 / (cos * nu)
    xi = 1 / (cos * 6 * nu**3) * (nu / rho + 2 * tan**2)
    xii = 1 / (cos * 120 * nu**5) * (5 + 28 * tan**2 + 24 * tan**4)
    xiia = 1 / (cos * 5040 * nu**7) * (61 + 662 * tan**2 + 1320 * tan**4 + 720 * tan**6)
    phi = lat - vii * de**2 + viii * de**4 - ix * de**6
    lam = lon0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    # OSGB36 geodetic -> cartesian -> Helmert -> WGS84 cartesian -> geodetic
    sp, cp = math.sin(phi), math.cos(phi)
    nu = a / math.sqrt(1 - e2 * sp * sp)
    x1, y1, z1 = nu * cp * math.cos(lam), nu * cp * math.sin(lam), (1 - e2) * nu * sp
    tx, ty, tz, scale = 446.448, -125.157, 542.060, -20.4894e-6
    rx, ry, rz = (math.radians(v / 3600) for v in (0.1502, 0.2470, 0.8421))
    x2 = tx + (1 + scale) * x1 - rz * y1 + ry * z1
    y2 = ty + rz * x1 + (1 + scale) * y1 - rx * z1
    z2 = tz - ry * x1 + rx * y1 + (1 + scale) * z1
    a2, b2 = 6378137.0, 6356752.3141
    e22 = 1 - (b2 * b2) / (a2 * a2)
    p = math.hypot(x2, y2)
    phi = math.atan2(z2, p * (1 - e22))
    for _ in range(10):
        nu = a2 / math.sqrt(1 - e22 * math.sin(phi) ** 2)
        phi = math.atan2(z2 + e22 * nu * math.sin(phi), p)
    return math.degrees(math.atan2(y2, x2)), math.degrees(phi)


def encode_polyline(points: list[tuple[float, float]], precision: int = 5) -> str:
    """Google's encoded-polyline text for (lon, lat) points (stored lat first, as the format has it)."""
    out, last = [], (0, 0)
    for lon, lat in points:
        now = (round(lat * 10**precision), round(lon * 10**precision))
        for value in (now[0] - last[0], now[1] - last[1]):
            value = ~(value << 1) if value < 0 else value << 1
            while value >= 0x20:
                out.append(chr((0x20 | (value & 0x1F)) + 63))
                value >>= 5
            out.append(chr(value + 63))
        last = now
    return "".join(out)


def derive_lsoa_outlines(geo: Path, tolerance_m: float = 15.0) -> int:
    """seeds/lsoa_outlines.csv: the 4,994 LSOA 2021 outlines, simplified (Douglas-Peucker,
    *tolerance_m* metres on the grid), reprojected to WGS84 and stored as encoded polylines
    (1e-5 degrees), one outer ring per part, parts separated by a space."""
    rows = []
    with open(geo / "london-2021-lsoa-trunc.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            wkt = row["geometry"]
            parts = []
            for poly in wkt.split(")), ((") if wkt.startswith("MULTIPOLYGON") else [wkt]:
                outer = poly.replace("MULTIPOLYGON", "").replace("POLYGON", "").strip(" ()").split("), (")[0]
                ring = simplify([[float(v) for v in pair.split()] for pair in outer.split(",")], tolerance_m)
                parts.append(encode_polyline([bng_to_wgs84(e, n) for e, n in ring]))
            rows.append([row["LSOA21CD"], row["LSOA21NM"], row["LAD22NM"], " ".join(parts)])
    write_csv(SEEDS / "lsoa_outlines.csv", ["lsoa_code", "lsoa_name", "borough", "outline"], rows)
    return len(rows)


def write_csv(path: Path, header: list[str], rows: list) -> None:
    """Write ``rows`` under ``header`` with Unix line endings."""
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=DEFAULT_RAW)
    raw = ap.parse_args(argv).raw
    con = duckdb.connect()
    mps, geo = raw / "mps_london_datastore", raw / "geography"
    print("calibration rows:", derive_calibration(con, mps, geo))
    print("lsoas:", derive_lsoas(con, mps, geo))
    print("outcome shares:", derive_outcomes(con, raw / "police_uk" / "city_of_london_street"))
    print("boroughs:", derive_boroughs(geo))
    print("lsoa outlines:", derive_lsoa_outlines(geo))


if __name__ == "__main__":
    main()
