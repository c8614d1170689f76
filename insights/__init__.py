"""Insights for supervisors, independent of the question parser and of Streamlit.

- ``what_changed``: series of an area (borough or BCU) whose month is outside its seasonal
  baseline's prediction interval, with false-discovery control (``insights.changes``).
- ``where_next``: next month's expected counts per LSOA or grid cell for one crime type, the
  top 5% with intervals (``insights.where_next``).
- back-tests on the Met's published figures: ``insights.backtest``; ``benchmarks/bench_insights.py``.
"""

from insights.changes import FDR, Flag, what_changed

__all__ = ["FDR", "Flag", "what_changed"]
