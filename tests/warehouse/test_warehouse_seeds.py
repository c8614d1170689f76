"""Reference tables from seeds/: boroughs and BCUs, crime types and synonyms, venues, events."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from warehouse.connect import connect_readonly
from warehouse.paths import REPO_ROOT, borough_outlines_path, state_path, warehouse_path

BCUS = {
    "Central West": {"Westminster", "Kensington and Chelsea", "Hammersmith and Fulham"},
    "Central North": {"Camden", "Islington"},
    "Central South": {"Lambeth", "Southwark"},
    "Central East": {"Hackney", "Tower Hamlets"},
    "North Area": {"Enfield", "Haringey"},
    "North West": {"Barnet", "Brent", "Harrow"},
    "North East": {"Newham", "Waltham Forest"},
    "East Area": {"Barking and Dagenham", "Havering", "Redbridge"},
    "South East": {"Bexley", "Greenwich", "Lewisham"},
    "South Area": {"Bromley", "Croydon", "Sutton"},
    "South West": {"Kingston upon Thames", "Merton", "Richmond upon Thames", "Wandsworth"},
    "West Area": {"Ealing", "Hillingdon", "Hounslow"},
}
DESIGN_SYNONYMS = {
    "violent crime": "Violence and sexual offences",
    "violence": "Violence and sexual offences",
    "assault": "Violence and sexual offences",
    "asb": "Anti-social behaviour",
    "muggings": "Robbery",
    "break-ins": "Burglary",
    "burgled": "Burglary",
    "car crime": "Vehicle crime",
    "bike theft": "Bicycle theft",
    "cycle theft": "Bicycle theft",
    "knife crime": "Possession of weapons",
    "weapons": "Possession of weapons",
    "pickpocketing": "Theft from the person",
    "phone snatching": "Theft from the person",
    "arson": "Criminal damage and arson",
    "drug offences": "Drugs",
}


@pytest.fixture(scope="module")
def con(small_warehouse):
    with connect_readonly(small_warehouse) as c:
        yield c


def test_33_local_authorities_with_codes_and_bcus(con):
    rows = con.execute("SELECT borough, borough_code, bcu, population, area_km2 FROM boroughs").fetchall()
    assert len(rows) == 33
    assert sorted(r[1] for r in rows) == [f"E090000{i:02d}" for i in range(1, 34)]
    by_bcu: dict = {}
    for name, _, bcu, _, _ in rows:
        by_bcu.setdefault(bcu, set()).add(name)
    assert by_bcu.pop(None) == {"City of London"}
    assert by_bcu == BCUS
    assert 8_700_000 < sum(r[3] for r in rows) < 8_900_000  # Census 2021: 8,799,800
    assert 1_550 < sum(r[4] for r in rows) < 1_600  # Greater London is about 1,572 km2


def test_borough_centroids_lie_in_london(con):
    for name, lat, lon in con.execute("SELECT borough, latitude, longitude FROM boroughs").fetchall():
        assert 51.28 < lat < 51.70 and -0.52 < lon < 0.34, name
    westminster = con.execute(
        "SELECT latitude, longitude FROM boroughs WHERE borough = 'Westminster'"
    ).fetchone()
    assert westminster == pytest.approx((51.51, -0.16), abs=0.02)


def test_crime_types_and_design_synonyms(con):
    rows = dict(con.execute("SELECT crime_type, synonyms FROM crime_types").fetchall())
    assert len(rows) == 14
    slugs = dict(con.execute("SELECT crime_type, slug FROM crime_types").fetchall())
    assert slugs["Violence and sexual offences"] == "violent-crime"
    assert slugs["Criminal damage and arson"] == "criminal-damage-arson"
    for word, crime_type in DESIGN_SYNONYMS.items():
        owners = [t for t, syns in rows.items() if word in syns]
        assert owners == [crime_type], word


def test_venues_and_events(con):
    venues = dict(con.execute("SELECT venue, borough FROM venues").fetchall())
    assert len(venues) >= 20
    for v in (
        "Wembley Stadium",
        "The O2",
        "Oxford Circus",
        "Hyde Park",
        "Emirates Stadium",
        "London Stadium",
    ):
        assert v in venues
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] >= 40
    assert con.execute("SELECT count(*) FROM events e ANTI JOIN venues USING (venue)").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM events WHERE ends_at <= starts_at").fetchone()[0] == 0
    years = {y for (y,) in con.execute("SELECT DISTINCT year(starts_at) FROM events").fetchall()}
    assert years == {2024, 2025}


def test_eras_tour_and_carnival_dates(con):
    eras = con.execute(
        "SELECT starts_at FROM events WHERE name LIKE '%Taylor Swift | The Eras Tour%' AND venue = 'Wembley Stadium' "
        "ORDER BY 1"
    ).fetchall()
    days = [d.date() for (d,) in eras]
    assert days == [dt.date(2024, 6, d) for d in (21, 22, 23)] + [
        dt.date(2024, 8, d) for d in (15, 16, 17, 19, 20)
    ]
    carnival = con.execute(
        "SELECT CAST(starts_at AS DATE) FROM events WHERE name ILIKE '%Notting Hill Carnival%' ORDER BY 1"
    ).fetchall()
    assert [d for (d,) in carnival] == [
        dt.date(2024, 8, 25),
        dt.date(2024, 8, 26),
        dt.date(2025, 8, 24),
        dt.date(2025, 8, 25),
    ]


def test_borough_outlines_cover_the_33_authorities(con):
    path = borough_outlines_path()
    assert path.stat().st_size < 300_000
    features = json.loads(path.read_text())["features"]
    names = {f["properties"]["borough"] for f in features}
    assert names == {b for (b,) in con.execute("SELECT borough FROM boroughs").fetchall()}
    for f in features:
        assert f["geometry"]["type"] == "MultiPolygon"
        for polygon in f["geometry"]["coordinates"]:
            assert len(polygon[0]) >= 4 and polygon[0][0] == polygon[0][-1]


def test_paths_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("UB_WAREHOUSE", raising=False)
    monkeypatch.delenv("UB_STATE", raising=False)
    assert warehouse_path() == REPO_ROOT / "data" / "warehouse.duckdb"
    assert state_path() == REPO_ROOT / "data" / "state.sqlite"
    monkeypatch.setenv("UB_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("UB_STATE", "elsewhere/state.sqlite")
    assert warehouse_path() == tmp_path / "w.duckdb"
    assert state_path() == REPO_ROOT / "elsewhere" / "state.sqlite"
