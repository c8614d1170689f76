"""Load the hand-kept and derived reference tables from seeds/ into a warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.paths import SEEDS_DIR


def _csv(name: str, seeds: Path) -> str:
    path = seeds / name
    if not path.exists():
        raise FileNotFoundError(f"missing seed file {path}")
    return f"read_csv('{path}', header = true, all_varchar = true)"


def load_reference(con: duckdb.DuckDBPyConnection, seeds: Path = SEEDS_DIR) -> None:
    """Fill boroughs, crime_types, venues, events and lsoas (the tables must exist)."""
    con.execute(
        f"""
        INSERT INTO boroughs
        SELECT borough, borough_code, nullif(bcu, ''), population::INTEGER, area_km2::DOUBLE,
               latitude::DOUBLE, longitude::DOUBLE
        FROM {_csv("boroughs.csv", seeds)} ORDER BY borough;

        INSERT INTO crime_types
        SELECT crime_type, slug, string_split(synonyms, '|') FROM {_csv("crime_types.csv", seeds)}
        ORDER BY crime_type;

        INSERT INTO venues
        SELECT venue, kind, nullif(borough, ''), latitude::DOUBLE, longitude::DOUBLE,
               nullif(capacity, '')::INTEGER,
               CASE WHEN coalesce(aliases, '') = '' THEN []::VARCHAR[] ELSE string_split(aliases, '|') END
        FROM {_csv("venues.csv", seeds)} ORDER BY venue;

        INSERT INTO events
        SELECT event_id, name, venue, starts_at::TIMESTAMP, ends_at::TIMESTAMP,
               nullif(expected_attendance, '')::INTEGER, nullif(category, '')
        FROM {_csv("events.csv", seeds)} ORDER BY starts_at, event_id;

        INSERT INTO lsoas
        SELECT lsoa_code, lsoa_name, borough, latitude::DOUBLE, longitude::DOUBLE, area_km2::DOUBLE
        FROM {_csv("lsoas.csv", seeds)} ORDER BY lsoa_code;
        """
    )
    bad = con.execute(
        "SELECT e.event_id FROM events e ANTI JOIN venues v USING (venue) "
        "UNION ALL SELECT v.venue FROM venues v WHERE v.borough NOT IN (SELECT borough FROM boroughs)"
    ).fetchall()
    if bad:
        raise ValueError(f"seed rows refer to unknown venues or boroughs: {[b for (b,) in bad]}")
