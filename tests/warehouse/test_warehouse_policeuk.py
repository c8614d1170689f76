"""The police.uk importer: real City of London Police files, malformed rows, zips, nested folders."""

from __future__ import annotations

import csv
import os
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from tests.shared_data import POLICE_UK_SAMPLE
from warehouse.build import build_warehouse
from warehouse.connect import connect_readonly

CITY = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw" / "police_uk" / "city_of_london_street"
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
GOOD = [
    "a1,2024-01,Metropolitan Police Service,Metropolitan Police Service,-0.1419,51.5152,On or near Oxford Street,"
    "E01004763,Westminster 018A,Robbery,Under investigation,",
    ",2024-01,Metropolitan Police Service,Metropolitan Police Service,,,No Location,,,Anti-social behaviour,,",
    "a2,2024-01,Metropolitan Police Service,Metropolitan Police Service,-0.2,51.9,On or near Main Road,"
    "E01017000,Luton 001A,Burglary,Investigation complete; no suspect identified,",
]


def write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    return path


@pytest.fixture(scope="module")
def city_warehouse(tmp_path_factory) -> Path:
    if not CITY.is_dir():
        pytest.skip("../shared police.uk files are absent")
    out = tmp_path_factory.mktemp("city") / "city.duckdb"
    report = build_warehouse(out, [CITY], progress=False)
    assert report.rejects == []
    return out


def test_city_counts_per_month_and_type_match_the_csv_files(city_warehouse):
    expected: Counter = Counter()
    for f in CITY.glob("*-street.csv"):
        with open(f, newline="") as fh:
            for row in csv.DictReader(fh):
                expected[(row["Month"], row["Crime type"])] += 1
    with connect_readonly(city_warehouse) as con:
        rows = con.execute(
            "SELECT strftime(month, '%Y-%m'), crime_type, count(*) FROM crimes GROUP BY ALL"
        ).fetchall()
    assert Counter({(m, t): n for m, t, n in rows}) == expected
    assert sum(expected.values()) == 35_993


def test_city_rows_keep_missing_locations_and_derive_boroughs(city_warehouse):
    with connect_readonly(city_warehouse) as con:
        no_location, timed, city, asb_ids, outside = con.execute(
            """
            SELECT count(*) FILTER (WHERE longitude IS NULL AND lsoa_code IS NULL),
                   count(occurred_at),
                   count(*) FILTER (WHERE borough = 'City of London'),
                   count(DISTINCT crime_id) FILTER (WHERE crime_type = 'Anti-social behaviour'),
                   count(*) FILTER (WHERE lsoa_code IS NOT NULL AND borough IS NULL)
            FROM crimes
            """
        ).fetchone()
        asb = con.execute(
            "SELECT count(*) FROM crimes WHERE crime_type = 'Anti-social behaviour'"
        ).fetchone()[0]
    assert no_location == 2_813
    assert timed == 0
    assert city == 31_465
    assert asb_ids == asb  # every ASB row gets its own surrogate id
    assert outside > 0  # LSOAs outside London keep their code but get no borough


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory) -> Path:
    """Two real City of London months shipped in tests/fixtures: runs without ../shared."""
    out = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    report = build_warehouse(out, [POLICE_UK_SAMPLE], progress=False)
    assert report.rejects == []  # real files import exactly as downloaded
    return out


def test_sample_counts_per_month_and_type_match_the_csv_files(sample_warehouse):
    expected: Counter = Counter()
    for f in POLICE_UK_SAMPLE.glob("*-street.csv"):
        with open(f, newline="") as fh:
            for row in csv.DictReader(fh):
                expected[(row["Month"], row["Crime type"])] += 1
    with connect_readonly(sample_warehouse) as con:
        rows = con.execute(
            "SELECT strftime(month, '%Y-%m'), crime_type, count(*) FROM crimes GROUP BY ALL"
        ).fetchall()
        asb, asb_ids, city = con.execute(
            """
            SELECT count(*) FILTER (WHERE crime_type = 'Anti-social behaviour'),
                   count(DISTINCT crime_id) FILTER (WHERE crime_type = 'Anti-social behaviour'),
                   count(*) FILTER (WHERE borough = 'City of London')
            FROM crimes
            """
        ).fetchone()
    assert Counter({(m, t): n for m, t, n in rows}) == expected
    assert {m for m, _ in expected} == {"2016-01", "2016-02"}
    assert asb_ids == asb > 0 and city > 0


def test_malformed_rows_are_reported_and_the_rest_load(tmp_path):
    bad = write(
        tmp_path / "in" / "2024-01" / "2024-01-metropolitan-street.csv",
        [
            GOOD[0],
            "x1,2024-01,Metropolitan Police Service,Metropolitan Police Service,-0.1,51.5,On or near X,,,Robbery,,,EXTRA",
            "x2,2024-13,Metropolitan Police Service,Metropolitan Police Service,-0.1,51.5,On or near X,,,Robbery,,",
            "x3,2024-01,Metropolitan Police Service,Metropolitan Police Service,-0.1,51.5,On or near X,,,Wombat theft,,",
            GOOD[1],
            GOOD[2],
        ],
    )
    report = build_warehouse(tmp_path / "w.duckdb", [tmp_path / "in"], progress=False)
    assert [(Path(r.file).name, r.line) for r in report.rejects] == [
        (bad.name, 3),
        (bad.name, 4),
        (bad.name, 5),
    ]
    assert "Wombat" in report.rejects[2].error
    assert report.rows == 3
    with connect_readonly(report.path) as con:
        rows = con.execute("SELECT crime_id, borough, occurred_at FROM crimes ORDER BY crime_id").fetchall()
    assert rows[0][0].startswith("ASB-") and rows[0][1] is None
    assert rows[1:] == [("a1", "Westminster", None), ("a2", None, None)]


def test_unterminated_quote_is_reported_not_silently_dropped(tmp_path):
    write(tmp_path / "2024-02-metropolitan-street.csv", [GOOD[0], 'q1,2024-02,"Metropolitan Police', GOOD[2]])
    report = build_warehouse(
        tmp_path / "w.duckdb", [tmp_path / "2024-02-metropolitan-street.csv"], progress=False
    )
    assert report.rows == 1
    assert report.rejects and report.rejects[0].line == 3


def test_zips_flat_folders_and_several_forces(tmp_path):
    src = tmp_path / "src"
    met = write(src / "2024-01-metropolitan-street.csv", GOOD)
    city = write(src / "2024-01-city-of-london-street.csv", [GOOD[0].replace("a1,", "c1,")])
    other = write(src / "2024-01-metropolitan-outcomes.csv", ["not,a,street,file"])
    download = tmp_path / "download"
    download.mkdir()
    with zipfile.ZipFile(download / "police.zip", "w") as zf:
        zf.write(met, "2024-01/" + met.name)
        zf.write(other, "2024-01/" + other.name)
    shutil.copy(city, download / city.name)
    report = build_warehouse(tmp_path / "w.duckdb", [download], progress=False)
    assert report.rejects == []
    assert report.rows == 4
    with connect_readonly(report.path) as con:
        assert con.execute("SELECT count(DISTINCT crime_id) FROM crimes").fetchone()[0] == 4


def test_a_failed_build_keeps_the_previous_warehouse(tmp_path):
    out = tmp_path / "w.duckdb"
    write(tmp_path / "ok" / "2024-01-metropolitan-street.csv", GOOD)
    build_warehouse(out, [tmp_path / "ok"], progress=False)
    with pytest.raises(FileNotFoundError):
        build_warehouse(out, [tmp_path / "ok" / "nothing-here"], progress=False)
    with pytest.raises(ValueError):
        (tmp_path / "empty").mkdir()
        build_warehouse(out, [tmp_path / "empty"], progress=False)
    with connect_readonly(out) as con:
        assert con.execute("SELECT count(*) FROM crimes").fetchone()[0] == 3
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["w.duckdb"]
    with pytest.raises(duckdb.Error):
        connect_readonly(tmp_path / "missing.duckdb").execute("SELECT 1")


# ---- hardening (issue 10, item 12) -------------------------------------------------------------

SWAPPED_HEADER = HEADER.replace("Longitude,Latitude", "Latitude,Longitude")


def test_columns_are_read_by_header_name_not_position(tmp_path):
    row = GOOD[0].replace("-0.1419,51.5152", "51.5152,-0.1419")  # the file's own order: lat, lon
    path = tmp_path / "2024-01-metropolitan-street.csv"
    path.write_text(f"{SWAPPED_HEADER}\n{row}\n")
    report = build_warehouse(tmp_path / "w.duckdb", [path], progress=False)
    assert report.rejects == [] and report.rows == 1
    with connect_readonly(report.path) as con:
        assert con.execute("SELECT longitude, latitude FROM crimes").fetchone() == (-0.1419, 51.5152)


def test_coordinates_outside_the_uk_are_reported_and_dropped(tmp_path):
    abroad = GOOD[0].replace("a1,", "b1,").replace("-0.1419,51.5152", "51.5152,-0.1419")
    path = write(tmp_path / "2024-01-metropolitan-street.csv", [GOOD[0], abroad])
    report = build_warehouse(tmp_path / "w.duckdb", [path], progress=False)
    assert [(r.line, "outside the UK" in r.error) for r in report.rejects] == [(3, True)]
    assert report.rows == 2  # the crime is kept, without a map position
    with connect_readonly(report.path) as con:
        got = con.execute("SELECT crime_id, longitude, latitude FROM crimes ORDER BY crime_id").fetchall()
    assert got == [("a1", -0.1419, 51.5152), ("b1", None, None)]


def test_a_zero_byte_or_corrupt_zip_is_reported_and_the_rest_imported(tmp_path):
    src = write(tmp_path / "in" / "2024-01-metropolitan-street.csv", GOOD)
    (tmp_path / "in" / "empty.zip").write_bytes(b"")
    (tmp_path / "in" / "corrupt.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    report = build_warehouse(tmp_path / "w.duckdb", [tmp_path / "in"], progress=False)
    assert report.rows == 3
    bad = {Path(r.file).name: r.error for r in report.rejects}
    assert set(bad) == {"empty.zip", "corrupt.zip"} and all("zip" in e for e in bad.values())
    assert src.exists()


def test_same_named_files_are_compared_by_content_and_skips_reported(tmp_path):
    a = write(tmp_path / "a" / "2024-01-metropolitan-street.csv", GOOD)
    write(tmp_path / "b" / "2024-01-metropolitan-street.csv", GOOD)  # the same download twice
    write(tmp_path / "c" / "2024-01-metropolitan-street.csv", [GOOD[0].replace("a1,", "c1,")])
    report = build_warehouse(
        tmp_path / "w.duckdb", [tmp_path / "a", tmp_path / "b", tmp_path / "c"], progress=False
    )
    assert report.rows == 4  # a's three rows and c's different one; b skipped
    notes = {Path(r.file).parent.name: r.error for r in report.rejects}
    assert set(notes) == {"b", "c"}
    assert "skipped" in notes["b"] and str(a) in notes["b"]
    assert "different content" in notes["c"]


def test_empty_csv_files_are_reported(tmp_path):
    write(tmp_path / "in" / "2024-01-metropolitan-street.csv", GOOD)
    (tmp_path / "in" / "2024-02-metropolitan-street.csv").write_text("")
    write(tmp_path / "in" / "2024-03-metropolitan-street.csv", [])
    report = build_warehouse(tmp_path / "w.duckdb", [tmp_path / "in"], progress=False)
    assert report.rows == 3
    assert [(Path(r.file).name, r.line, "empty" in r.error) for r in report.rejects] == [
        ("2024-02-metropolitan-street.csv", 0, True),
        ("2024-03-metropolitan-street.csv", 0, True),
    ]


def test_a_truncated_line_gives_one_plain_message(tmp_path):
    for month in ("01", "02"):
        path = write(tmp_path / "in" / f"2024-{month}-metropolitan-street.csv", GOOD)
        path.write_text(path.read_text()[:-60])  # cut the last row short, as an interrupted download
    report = build_warehouse(tmp_path / "w.duckdb", [tmp_path / "in"], progress=False)
    assert len(report.rejects) == 2
    for r in report.rejects:
        assert r.line == 4 and ";" not in r.error and "truncated" in r.error


def test_zip_bombs_are_refused(tmp_path, monkeypatch):
    from warehouse import policeuk

    monkeypatch.setattr(policeuk, "MAX_EXTRACTED_BYTES", 4 << 20)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2024-01/2024-01-metropolitan-street.csv", HEADER + "\n" + os.urandom(3 << 20).hex())
    found, problems = policeuk.collect([bomb], tmp_path)
    assert found == {} and [(Path(r.file).name, "too much" in r.error) for r in problems] == [
        ("bomb.zip", True)
    ]
    ratio = tmp_path / "ratio.zip"
    with zipfile.ZipFile(ratio, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2024-01/2024-01-metropolitan-street.csv", HEADER + "\n" + "0" * (2 << 20))
    found, problems = policeuk.collect([ratio], tmp_path)
    assert found == {} and [(Path(r.file).name, "compressed" in r.error) for r in problems] == [
        ("ratio.zip", True)
    ]
