"""The built warehouse has exactly the contract's tables, columns, types and macro."""

from __future__ import annotations

import duckdb
import pytest

from tests import shared_data
from warehouse.connect import connect_readonly

COLUMNS = """
    SELECT table_name, column_name, data_type, is_nullable
    FROM information_schema.columns WHERE table_schema = 'main'
"""


def contract() -> str:
    """shared/contract/warehouse.sql (or its copy in tests/fixtures)."""
    return shared_data.shared_or_copy("contract/warehouse.sql").read_text()


def contract_columns() -> set[tuple]:
    con = duckdb.connect()
    con.execute(contract())
    return set(con.execute(COLUMNS).fetchall())


def test_every_contract_column_exists_with_its_type(small_warehouse):
    expected = contract_columns()
    with connect_readonly(small_warehouse) as con:
        built = set(con.execute(COLUMNS).fetchall())
    assert expected - built == set()


def test_contract_column_order_is_kept(small_warehouse):
    contract_columns()
    order = (
        "SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name, ordinal_position"
    )
    ref = duckdb.connect()
    ref.execute(contract())
    with connect_readonly(small_warehouse) as con:
        got = con.execute(order).fetchall()
    for table in {t for t, _ in ref.execute(order).fetchall()}:
        want = [c for t, c in ref.execute(order).fetchall() if t == table]
        assert [c for t, c in got if t == table][: len(want)] == want


def test_primary_keys_match_the_contract(small_warehouse):
    sql = "SELECT table_name, constraint_text FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
    ref = duckdb.connect()
    ref.execute(contract())
    with connect_readonly(small_warehouse) as con:
        assert set(ref.execute(sql).fetchall()) <= set(con.execute(sql).fetchall())


def test_haversine_macro_agrees_with_the_contract(small_warehouse):
    ref = duckdb.connect()
    ref.execute(contract())
    args = "51.5560, -0.2796, 51.5152, -0.1419"  # Wembley Stadium to Oxford Circus
    want = ref.execute(f"SELECT haversine_m({args})").fetchone()[0]
    with connect_readonly(small_warehouse) as con:
        got = con.execute(f"SELECT haversine_m({args})").fetchone()[0]
    assert got == pytest.approx(want, abs=1e-6)
    assert 10_400 < got < 10_700


def test_readonly_connection_blocks_writes_and_files(small_warehouse):
    with connect_readonly(small_warehouse) as con:
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM crimes")
        with pytest.raises(duckdb.Error):
            con.execute("SELECT * FROM read_csv('/etc/passwd')")
