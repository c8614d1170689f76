# ruff: noqa: F811 (pytest fixtures imported from tests.accounts.conftest)
"""The "Where next" map tile on the supervisor overview (AppTest) and its map layer."""

from __future__ import annotations

import json

import pandas as pd

from app import maps
from insights.where_next import POLICE_ACTIVITY_TYPES, area_forecast, top_count
from tests.accounts.conftest import env, signed_in, state_backend, store  # noqa: F401 (fixtures)


def _deck(at, layer_id: str = "where-next") -> dict:
    for chart in at.get("deck_gl_json_chart"):
        spec = json.loads(chart.proto.json)
        if any(layer.get("id") == layer_id for layer in spec["layers"]):
            return spec
    raise AssertionError(f"no map with a {layer_id!r} layer")


def _layer(spec: dict, layer_id: str) -> dict:
    return next(layer for layer in spec["layers"] if layer["id"] == layer_id)


def test_the_overview_maps_the_top_five_percent_with_the_excluded_types_explained(
    env, store, small_warehouse
):  # noqa: F811
    at = signed_in("supervisor", "dashboards")
    assert not at.exception
    texts = [m.value for m in at.main.markdown]
    assert ":material/explore: **Where next · North West BCU**" in texts
    excluded = next(t for t in texts if "ub-where-next-excluded" in t)
    assert "Not forecast: Drugs and Possession of weapons." in excluded and "where police" in excluded
    picker = at.selectbox(key="where-next-type")
    assert picker.value == "Burglary" and not set(POLICE_ACTIVITY_TYPES) & set(picker.options)
    expected = area_forecast(small_warehouse, "Burglary", ("Barnet", "Brent", "Harrow"), "lsoa")
    polygons = _layer(_deck(at), "where-next")["data"]
    assert len(polygons) == top_count(len(expected.table)) == len(expected.top)
    first = polygons[0]
    top = expected.top.iloc[0]
    assert first["title"] == f"#1 · {top['name']}"
    assert f"expected {top['expected']:.1f} (90% interval {top['low']}–{top['high']})" in first["detail"]
    assert any("top 5%" in c.value and "January 2026" in c.value for c in at.caption)


def test_another_type_and_grid_cells(env, store, small_warehouse):  # noqa: F811
    at = signed_in("supervisor", "dashboards")
    at.selectbox(key="where-next-type").select("Robbery").run()
    at.radio(key="where-next-unit").set_value("cell").run()
    assert not at.exception
    polygons = _layer(_deck(at), "where-next")["data"]
    expected = area_forecast(small_warehouse, "Robbery", ("Barnet", "Brent", "Harrow"), "cell")
    assert len(polygons) == len(expected.top)
    assert polygons[0]["detail"].startswith("Robbery, January 2026: expected")
    assert all(len(p["polygon"]) == 4 for p in polygons)  # 500 m squares


def test_lsoas_are_drawn_as_their_outlines_and_coloured_by_expected_count():
    top = pd.DataFrame(
        {
            "unit": ["E01000001", "E01000002"],
            "name": ["City of London 001A", "No Such LSOA 999Z"],
            "borough": ["City of London"] * 2,
            "latitude": [51.518, 51.52],
            "longitude": [-0.0968, -0.09],
            "expected": [9.6, 1.2],
            "low": [4, 0],
            "high": [16, 4],
            "rank": [1, 2],
        }
    )
    areas = maps.forecast_areas(top, "Burglary", "January 2026", "lsoa")
    assert len(areas.iloc[0]["polygon"]) > 4  # the real outline
    assert len(areas.iloc[1]["polygon"]) == 4  # no outline known: a small square at its centre
    assert areas.iloc[0]["fill"] != areas.iloc[1]["fill"]
    legend = maps.forecast_legend(top)
    assert legend.title == "Expected next month" and len(legend.classes) >= 2
