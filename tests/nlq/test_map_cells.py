"""Map answers aggregated in the warehouse: hexagonal cells above MAP_POINTS_MAX records, points below."""

import math

import pytest

from nlq.sql import MAP_COLUMNS, MAP_POINTS_MAX


@pytest.fixture(scope="module")
def london(engine):
    return engine.ask("crime last year as a map")


def test_a_big_map_answer_is_cells_with_counts_top_types_and_lsoas(london):
    frame = london.frame
    assert london.error is None
    assert tuple(frame.columns) == MAP_COLUMNS
    assert london.rows_scanned > MAP_POINTS_MAX
    assert len(frame) < 5_000 and len(frame) < london.rows_scanned / 3
    assert int(frame["crimes"].sum()) == london.rows_scanned  # every record is in exactly one cell
    assert frame["cell_m"].notna().all() and frame["cell_m"].iloc[0] >= 20
    top = frame.iloc[0]
    assert top["crimes"] == frame["crimes"].max()  # largest cell first
    assert top["top_types"].startswith(f"{top['crime_type']} ")
    assert top["lsoa_names"]


def test_cells_are_hexagons_each_record_in_its_nearest_centre(london, con):
    """Centres sit on the hexagonal lattice: neighbouring centres are sqrt(3)·s apart or more."""
    frame = london.frame
    size = frame["cell_m"].iloc[0]
    xs = frame["longitude"] * 111_195 * math.cos(math.radians(51.5))
    ys = frame["latitude"] * 111_195
    steps_down = (ys / (1.5 * size)).round(6)
    assert (steps_down - steps_down.round()).abs().max() < 1e-3  # rows every 1.5·s
    row = frame.assign(x=xs, y=ys).sort_values(["y", "x"]).head(50)
    first = row[row["y"] == row["y"].iloc[0]]["x"].diff().dropna()
    assert ((first / (math.sqrt(3) * size)).round(3) % 1 == 0).all()


def test_a_small_map_answer_is_the_records_themselves(engine):
    reply = engine.ask("map of robberies in Westminster last month")
    frame = reply.frame
    assert tuple(frame.columns) == MAP_COLUMNS
    assert 0 < len(frame) <= MAP_POINTS_MAX
    assert (frame["crimes"] == 1).all() and frame["cell_m"].isna().all()
    assert frame["location"].str.startswith("On or near").all()


def test_the_map_sql_is_one_guarded_statement_built_the_same_every_time(engine):
    a = engine.parse("crime last year as a map").sql
    assert a == engine.parse("crime last year as a map").sql
    assert a.startswith("WITH m AS (") and "UNION ALL" in a
