"""pydeck maps for answers: density plus points, the venue and its radius, over borough outlines.

No map tiles can be fetched offline, so geographic context comes from our own layers:
borough outlines and names. A base map is added only when a style is configured.
"""

from __future__ import annotations

import math

import pandas as pd
import pydeck as pdk

LONDON = (51.5072, -0.1276)
POINT_FIELDS = ("crime_type", "location", "occurred_at", "month", "last_outcome_category", "borough")
TOOLTIP = {
    "html": "<b>{title}</b><br/>{detail}",
    "style": {"backgroundColor": "#1f2937", "color": "white", "fontSize": "13px"},
}


def _coords(frame: pd.DataFrame) -> tuple[str, str] | None:
    for lat, lon in (("latitude", "longitude"), ("lat", "lon"), ("lat", "lng")):
        if lat in frame.columns and lon in frame.columns:
            return lat, lon
    return None


def _when(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    stamp = pd.Timestamp(value)
    if stamp.hour or stamp.minute:
        return stamp.strftime("%a %d %b %Y, %H:%M")
    return stamp.strftime("%B %Y")


def points(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain JSON-safe points with a tooltip title and detail line."""
    coords = _coords(frame)
    if coords is None:
        return pd.DataFrame(columns=["lat", "lon", "title", "detail"])
    lat, lon = coords
    data = frame[frame[lat].notna() & frame[lon].notna()]
    title = data["crime_type"].astype(str) if "crime_type" in data else pd.Series("Crime", index=data.index)
    parts = []
    if "location" in data:
        parts.append(data["location"].fillna("").astype(str))
    when = "occurred_at" if "occurred_at" in data else "month" if "month" in data else None
    if when:
        parts.append(data[when].map(_when))
    if "last_outcome_category" in data:
        parts.append(data["last_outcome_category"].fillna("").astype(str))
    detail = pd.Series("", index=data.index)
    for part in parts:
        detail = detail.str.cat(part, sep="<br/>") if detail.str.len().any() else part
    return pd.DataFrame(
        {"lat": data[lat].astype(float), "lon": data[lon].astype(float), "title": title, "detail": detail}
    ).reset_index(drop=True)


def view_over(
    pts: pd.DataFrame, venues: list[tuple[str, float, float]], radius_m: float | None
) -> pdk.ViewState:
    """Initial view: on the venue (zoom ~14) or fitted to the bulk of the points (London ~10)."""
    if len(venues) == 1:
        radius = radius_m or 500
        zoom = 14.0 if radius <= 700 else 13.0 if radius <= 1500 else 12.0
        return pdk.ViewState(latitude=venues[0][1], longitude=venues[0][2], zoom=zoom)
    if pts.empty:
        return pdk.ViewState(latitude=LONDON[0], longitude=LONDON[1], zoom=9.6)
    lat_lo, lat_hi = pts["lat"].quantile([0.02, 0.98])
    lon_lo, lon_hi = pts["lon"].quantile([0.02, 0.98])
    centre = ((lat_lo + lat_hi) / 2, (lon_lo + lon_hi) / 2)
    # Fit the span into roughly a 900 x 480 px map (deck.gl: 512 px world at zoom 0);
    # latitude degrees stretch by 1/cos(lat) in Mercator.
    lon_span = max(lon_hi - lon_lo, 0.01)
    lat_span = max((lat_hi - lat_lo) / math.cos(math.radians(centre[0])), 0.01)
    zoom = min(math.log2(900 * 360 / (512 * lon_span)), math.log2(480 * 360 / (512 * lat_span))) - 0.2
    return pdk.ViewState(latitude=centre[0], longitude=centre[1], zoom=max(9.3, min(15.0, zoom)))


def outline_layer(outlines: dict | None) -> list[pdk.Layer]:
    """Borough outlines, drawn first so that the map reads as London without any tiles."""
    if not outlines:
        return []
    return [
        pdk.Layer(
            "GeoJsonLayer",
            data=outlines,
            id="borough-outlines",
            stroked=True,
            filled=True,
            get_fill_color=[236, 240, 245, 255],
            get_line_color=[120, 130, 145, 200],
            line_width_min_pixels=1,
            pickable=False,
        )
    ]


def _layer(kind: str, data, layer_id: str, **props) -> pdk.Layer:
    """A layer over data with ``lat``/``lon`` columns."""
    return pdk.Layer(kind, data=data, id=layer_id, get_position=["lon", "lat"], **props)


# Bold white-outlined labels stay legible over both the outlines and the data.
_LABEL_STYLE = {
    "font_family": "'Helvetica, Arial, sans-serif'",
    "font_weight": 700,
    "outline_color": [255, 255, 255, 255],
    "font_settings": {"sdf": True},
}


def name_layer(boroughs: pd.DataFrame | None) -> list[pdk.Layer]:
    """Borough names at their centroids, drawn above the data so they stay readable."""
    if boroughs is None or boroughs.empty or not {"borough", "latitude", "longitude"} <= set(boroughs):
        return []
    names = boroughs[["borough", "latitude", "longitude"]].rename(
        columns={"latitude": "lat", "longitude": "lon"}
    )
    return [
        _layer(
            "TextLayer",
            names,
            "borough-names",
            get_text="borough",
            get_size=14,
            size_units="'pixels'",
            get_color=[55, 65, 81, 255],
            outline_width=2,
            pickable=False,
            **_LABEL_STYLE,
        )
    ]


def density_layer(pts: pd.DataFrame, metres_per_pixel: float) -> list[pdk.Layer]:
    """Hexagons about 28 px across at the initial zoom; none for fewer than 20 points."""
    if len(pts) < 20:
        return []
    return [
        _layer(
            "HexagonLayer",
            pts,
            "density",
            radius=max(20, round(14 * metres_per_pixel)),
            coverage=0.95,
            extruded=False,
            opacity=0.45,
            color_range=[
                [255, 237, 160],
                [254, 217, 118],
                [254, 178, 76],
                [253, 141, 60],
                [240, 59, 32],
                [189, 0, 38],
            ],
            pickable=False,
        )
    ]


def point_layer(pts: pd.DataFrame) -> pdk.Layer:
    """One small dot per crime, with a tooltip."""
    return _layer(
        "ScatterplotLayer",
        pts,
        "points",
        get_radius=3,
        radius_units="'pixels'",
        get_fill_color=[31, 78, 156, 170],
        get_line_color=[255, 255, 255, 200],
        stroked=True,
        line_width_min_pixels=0.5,
        pickable=True,
    )


def venue_layers(venues: list[tuple[str, float, float]], radius_m: float | None) -> list[pdk.Layer]:
    """Each venue as a marker with its name, and the search radius around it when one is set."""
    if not venues:
        return []
    marker = pd.DataFrame(
        [
            {"lat": lat, "lon": lon, "title": name, "detail": f"within {int(radius_m or 500):,} m"}
            for name, lat, lon in venues
        ]
    )
    layers = []
    if radius_m:
        layers.append(
            _layer(
                "ScatterplotLayer",
                marker,
                "radius",
                get_radius=float(radius_m),
                radius_units="'meters'",
                filled=False,
                stroked=True,
                get_line_color=[209, 73, 91, 230],
                line_width_min_pixels=2.5,
                pickable=False,
            )
        )
    layers.append(
        _layer(
            "ScatterplotLayer",
            marker,
            "venue",
            get_radius=10,
            radius_min_pixels=8,
            get_fill_color=[209, 73, 91, 255],
            get_line_color=[255, 255, 255, 255],
            stroked=True,
            line_width_min_pixels=2,
            pickable=True,
        )
    )
    layers.append(
        _layer(
            "TextLayer",
            marker,
            "venue-name",
            get_text="title",
            get_size=16,
            get_color=[150, 30, 45, 255],
            get_pixel_offset=[0, -22],
            outline_width=3,
            **_LABEL_STYLE,
        )
    )
    return layers


def deck(
    frame: pd.DataFrame,
    *,
    venues: list[tuple[str, float, float]] | None = None,
    radius_m: float | None = None,
    outlines: dict | None = None,
    boroughs: pd.DataFrame | None = None,
    map_style: str | None = None,
) -> pdk.Deck:
    """The map for an answer: density hexagons, points with tooltips, venues and their radius."""
    pts = points(frame)
    view = view_over(pts, venues or [], radius_m)
    metres_per_pixel = 78_272 * math.cos(math.radians(view.latitude)) / 2**view.zoom
    layers = [
        *outline_layer(outlines),
        *density_layer(pts, metres_per_pixel),
        point_layer(pts),
        *name_layer(boroughs),
        *venue_layers(venues or [], radius_m),
    ]
    if map_style:
        return pdk.Deck(layers=layers, initial_view_state=view, map_style=map_style, tooltip=TOOLTIP)
    # map_provider=None with no map_style: no basemap, and Streamlit does not fetch its default one.
    return pdk.Deck(layers=layers, initial_view_state=view, map_provider=None, tooltip=TOOLTIP)
