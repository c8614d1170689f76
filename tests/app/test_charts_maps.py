"""Figures and maps built from long-form answers."""

import json

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


def test_map_over_london_has_density_points_and_context():
    outlines = {"type": "FeatureCollection", "features": []}
    boroughs = pd.DataFrame({"borough": ["Hackney"], "latitude": [51.55], "longitude": [-0.06]})
    deck = maps.deck(fakes.map_reply().frame, outlines=outlines, boroughs=boroughs)
    layers = _layers(deck)
    assert {"borough-outlines", "borough-names", "density", "points"} <= set(layers)
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
