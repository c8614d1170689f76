"""Figures and maps built from long-form answers."""

import json
from pathlib import Path

import numpy as np
import pandas as pd

from app import charts, maps
from tests.app import fakes


def test_shape_finds_time_series_and_value():
    s = charts.shape(fakes.line_reply().frame)
    assert (s.time, s.series, s.value) == ("month", "borough", "crimes")
    s = charts.shape(fakes.bar_reply().frame)
    assert (s.time, s.category, s.value) == (None, "borough", "crimes")
    assert charts.shape(pd.DataFrame({"hour": [0, 1], "crimes": [3, 4]})).time == "hour"


def test_multi_series_line_has_one_trace_per_place_and_fills_gaps():
    frame = fakes.line_reply().frame
    frame = frame[~((frame["borough"] == "Camden") & (frame.index % 4 == 0))]  # missing months
    fig = charts.line_figure(frame)
    assert [t.name for t in fig.data] == ["Camden", "Islington"]
    assert all(len(t.y) == 24 and None not in t.y for t in fig.data)


def test_hour_line_covers_the_whole_day_and_weekdays_read_monday_first():
    fig = charts.line_figure(pd.DataFrame({"hour": [8, 9], "crimes": [3, 4]}))
    assert list(fig.data[0].x) == list(range(24)) and fig.data[0].y[0] == 0
    fig = charts.bar_figure(pd.DataFrame({"weekday": ["Sunday", "Monday"], "crimes": [1, 2]}))
    assert list(fig.data[0].x)[0] == "Monday"


def test_ranking_bars_keep_the_answer_order():
    fig = charts.bar_figure(fakes.bar_reply().frame)
    assert list(fig.data[0].y) == ["Westminster", "Camden", "Hackney"]
    assert fig.layout.yaxis.autorange == "reversed"


def _layers(deck):
    return {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}


def test_a_small_map_is_points_over_context_with_no_density_layer_hiding_them():
    outlines = {"type": "FeatureCollection", "features": []}
    boroughs = pd.DataFrame({"borough": ["Hackney"], "latitude": [51.55], "longitude": [-0.06]})
    deck = maps.deck(fakes.map_reply().frame, outlines=outlines, boroughs=boroughs)
    layers = _layers(deck)
    assert {"borough-outlines", "borough-names", "points"} <= set(layers)
    assert "density" not in layers and "cells" not in layers
    view = json.loads(deck.to_json())["initialViewState"]
    assert 51.4 < view["latitude"] < 51.7 and -0.3 < view["longitude"] < 0.1
    assert 10 <= view["zoom"] <= 15
    assert json.loads(deck.to_json())["mapStyle"] == "__MAP_STYLE__"  # pydeck: no basemap


def test_near_venue_map_is_centred_on_the_venue_with_its_radius():
    deck = maps.deck(
        fakes.map_reply("Oxford Circus").frame, venues=[("Oxford Circus", 51.5152, -0.1418)], radius_m=500
    )
    layers = _layers(deck)
    assert layers["radius"]["getRadius"] == 500.0 and layers["radius"]["radiusUnits"] == "meters"
    assert layers["venue-name"]["data"][0]["title"] == "Oxford Circus"
    view = json.loads(deck.to_json())["initialViewState"]
    assert (view["latitude"], view["longitude"], view["zoom"]) == (51.5152, -0.1418, 14.0)


def test_points_are_json_safe_with_tooltip_text():
    pts = maps.points(fakes.map_reply().frame)
    assert list(pts.columns) == ["lat", "lon", "title", "detail"]
    assert pts.loc[0, "title"] == "Bicycle theft" and "Mare Street" in pts.loc[0, "detail"]
    json.dumps(pts.to_dict("records"))


def test_bar_value_labels_fit_inside_the_chart():
    frame = pd.DataFrame({"borough": ["Merton", "Havering", "Hackney"], "change": [52.7, 3.6, -4.0]})
    xaxis = charts.bar_figure(frame).layout.xaxis
    low, high = xaxis.range
    assert high > 52.7 * 1.1 and low < -4.0  # room for "52.7" and "-4.0" outside their bars
    assert xaxis.autorange is False


def test_plan_charts_share_the_legend_and_label_fitting():
    from types import SimpleNamespace

    from app import briefing

    report = SimpleNamespace(
        by_hour=pd.DataFrame(
            {"hour": [22, 23, 0], "per_event_day": [5.0, 3.0, 1.0], "per_baseline_day": [1.0] * 3}
        )
    )
    fig = briefing.hour_figure(report)
    assert fig.layout.showlegend and fig.layout.legend.orientation == "h" and fig.layout.legend.y > 1
    assert fig.layout.margin.autoexpand  # the legend pushes the top margin instead of being cut off
    streets = briefing._hbar(["On or near A Road", "On or near B Street"], [23, 12], "Crimes")
    assert streets.layout.xaxis.range[1] > 23


def test_a_few_months_get_one_tick_each():
    frame = pd.DataFrame({"month": pd.to_datetime(["2025-12-01"]), "crimes": [225]})
    xaxis = charts.line_figure(frame).layout.xaxis
    assert xaxis.tickmode == "array" and len(xaxis.tickvals) == 1


def cell_frame(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    counts = np.sort(rng.integers(1, 600, n))[::-1]
    return pd.DataFrame(
        {
            "latitude": 51.46 + rng.uniform(0, 0.04, n),
            "longitude": -0.12 + rng.uniform(0, 0.05, n),
            "crimes": counts,
            "crime_type": "Burglary",
            "top_types": [f"Burglary {c} · Robbery 1" for c in counts],
            "lsoa_names": "Lambeth 001A, Lambeth 002B and 3 more",
            "location": None,
            "month": None,
            "occurred_at": None,
            "borough": None,
            "cell_m": 100.0,
        }
    )


def test_a_cell_map_draws_hexagons_coloured_by_count_with_a_tooltip():
    deck = maps.deck(cell_frame())
    layers = _layers(deck)
    cells = layers["cells"]
    assert cells["@@type"] == "ColumnLayer" and cells["diskResolution"] == 6 and cells["radius"] == 100.0
    assert "points" not in layers
    first = cells["data"][0]
    assert first["title"].endswith("crimes") and "Lambeth 001A" in first["detail"]
    assert "Burglary" in first["detail"] and len(first["fill"]) == 4


def test_the_legend_has_increasing_classes_up_to_the_largest_cell():
    frame = cell_frame()
    legend = maps.legend(frame)
    assert legend.title == "Crimes per cell" and 2 <= len(legend.classes) <= 5
    assert legend.classes[0][1].startswith("1–")
    assert legend.classes[-1][1].endswith(f"{frame['crimes'].max():,}")
    assert maps.legend(fakes.map_reply().frame) is None  # points: no legend


def test_the_map_says_what_it_shows():
    frame = cell_frame()
    text = maps.summary(frame)
    assert text.startswith(f"{int(frame['crimes'].sum()):,} records in 40 cells")
    assert "173 m across" in text
    assert maps.summary(fakes.map_reply().frame) == "300 records, one dot each."
    assert "busiest cell" in maps.text_alternative(frame)


def test_a_borough_map_is_fitted_to_the_borough_and_shows_its_lsoas():
    outlines = json.loads(Path("seeds/borough_outlines.geojson").read_text())
    deck = maps.deck(cell_frame(), outlines=outlines, areas=("Lambeth",))
    spec = json.loads(deck.to_json())
    view = spec["initialViewState"]
    assert 51.42 < view["latitude"] < 51.5 and -0.15 < view["longitude"] < -0.08
    assert 10.8 < view["zoom"] < 13.5
    names = {f["properties"]["name"] for f in _layers(deck)["lsoa-outlines"]["data"]["features"]}
    assert "Lambeth 002A" in names and not any(n.startswith("Barnet") for n in names)


def test_a_london_wide_map_has_no_lsoa_outlines():
    outlines = json.loads(Path("seeds/borough_outlines.geojson").read_text())
    frame = cell_frame()
    frame["latitude"] = np.linspace(51.3, 51.68, len(frame))
    frame["longitude"] = np.linspace(-0.5, 0.3, len(frame))
    deck = maps.deck(frame, outlines=outlines)
    assert "lsoa-outlines" not in _layers(deck)
    assert json.loads(deck.to_json())["initialViewState"]["zoom"] < 11


def test_lsoa_outlines_decode_to_london():
    shapes = maps._lsoa_shapes()
    assert len(shapes) == 4994
    name, borough, rings, (w, s, e, n) = shapes[0]
    assert name == "City of London 001A" and -0.11 < w < e < -0.08 and 51.51 < s < n < 51.53


def test_a_four_digit_bar_label_keeps_its_room_on_a_phone():
    # "1,672" beside a bar that fills a 390 px chart needs about a fifth of the axis beyond it
    frame = pd.DataFrame({"borough": ["Hackney", "Tower Hamlets"], "crimes": [1672, 1308]})
    low, high = charts.bar_figure(frame).layout.xaxis.range
    assert high >= 1672 * 1.2 and low == 0
