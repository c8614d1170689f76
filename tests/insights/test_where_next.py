"""Where next on the synthetic warehouse: grid cells, the top 5%, intervals, excluded types."""

from __future__ import annotations

import numpy as np

from insights.where_next import EXCLUDED_REASON, POLICE_ACTIVITY_TYPES, forecast, forecastable_types


def test_next_month_per_grid_cell_top_five_percent(small_warehouse):
    from insights.data import warehouse_cells

    counts, cells = warehouse_cells(small_warehouse, "Burglary", cell_m=1000)
    result = forecast(counts, cells, "Burglary")
    assert str(result.month) == "2026-01-01"
    top = result.top
    assert len(top) == round(len(cells) * 0.05)
    assert (top["low"] <= top["expected"]).all() and (top["expected"] <= top["high"] + 1).all()
    assert top["expected"].is_monotonic_decreasing
    assert result.table["expected"].sum() > 0 and np.isfinite(result.table["expected"]).all()
    assert "Drugs and Possession of weapons are left out" in result.excluded_reason


def test_police_activity_types_are_left_out_by_default():
    types = ["Burglary", "Drugs", "Possession of weapons", "Robbery"]
    assert forecastable_types(types) == ["Burglary", "Robbery"]
    assert forecastable_types(types, include_police_activity=True) == types
    assert (
        set(POLICE_ACTIVITY_TYPES) == {"Drugs", "Possession of weapons"} and "police look" in EXCLUDED_REASON
    )
