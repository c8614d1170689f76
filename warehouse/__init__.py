"""The Utility Belt warehouse: a DuckDB file following shared/contract/warehouse.sql.

- `python -m warehouse build` (warehouse.build.build_warehouse) writes it atomically, from the
  synthetic London generator (warehouse.synthetic) or data.police.uk files (warehouse.policeuk),
  plus reference tables from seeds/ (warehouse.seeds).
- Everything else reads it through warehouse.connect.connect_readonly; paths come from warehouse.paths.
"""
