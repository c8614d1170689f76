"""pydeck maps for answers: hexagonal cells (or points when few), the venue and its radius,
over borough outlines and, when zoomed in, faint LSOA outlines.

The warehouse does the aggregation (nlq.sql._points): a big answer arrives as cells with
counts, top types and LSOA names; a small one as the records themselves. No map tiles can be
fetched offline, so geographic context comes from our own layers: borough outlines and names,
LSOA outlines (seeds/lsoa_outlines.csv), venues. A base map is added only when a style is set.
"""

from __future__ import annotations

import csv
import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pydeck as pdk

LONDON = (51.5072, -0.1276)
LSOA_OUTLINES = Path(__file__).resolve().parents[1] / "seeds" / "lsoa_outlines.csv"
# Yellow to red (ColorBrewer YlOrRd, 5 classes): crimes per cell, light to dark.
CELL_COLOURS = ([255, 237, 160], [254, 178, 76], [253, 141, 60], [240, 59, 32], [189, 0, 38])
LSOA_ZOOM = 11.0  # LSOA outlines only from this zoom in (a borough or closer)
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


def _fit(
    west: float, south: float, east: float, north: float, width_px: int, height_px: int
) -> pdk.ViewState:
    """The view that shows these bounds on a map of this size (deck.gl: 512 px world at zoom 0;
    latitude degrees stretch by 1/cos(lat) in Mercator)."""
    centre = ((south + north) / 2, (west + east) / 2)
    lon_span = max(east - west, 0.002)
    lat_span = max((north - south) / math.cos(math.radians(centre[0])), 0.002)
    zoom = min(math.log2(width_px * 360 / (512 * lon_span)), math.log2(height_px * 360 / (512 * lat_span)))
    return pdk.ViewState(
        latitude=centre[0], longitude=centre[1], zoom=round(max(8.5, min(16.0, zoom - 0.15)), 2)
    )


def view_over(
    pts: pd.DataFrame,
    venues: list[tuple[str, float, float]],
    radius_m: float | None,
    *,
    width_px: int = 900,
    height_px: int = 480,
    area: tuple[float, float, float, float] | None = None,
) -> pdk.ViewState:
    """Initial view, fitted to the area asked about: the venue and its ring; else the named
    boroughs (*area*: west, south, east, north); else the bulk of the points; else London."""
    if len(venues) == 1:
        radius = radius_m or 500
        zoom = 14.0 if radius <= 700 else 13.0 if radius <= 1500 else 12.0
        zoom -= max(0.0, math.log2(900 / max(width_px, 200)))  # a narrow (phone) map: one step out
        return pdk.ViewState(latitude=venues[0][1], longitude=venues[0][2], zoom=round(zoom, 2))
    if area is not None:
        return _fit(*area, width_px, height_px)
    if pts.empty:
        return _fit(-0.51, 51.29, 0.33, 51.69, width_px, height_px)  # Greater London
    lat_lo, lat_hi = pts["lat"].quantile([0.02, 0.98])
    lon_lo, lon_hi = pts["lon"].quantile([0.02, 0.98])
    return _fit(lon_lo, lat_lo, lon_hi, lat_hi, width_px, height_px)


def area_bounds(outlines: dict | None, boroughs) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the named boroughs' outlines, or None."""
    names = set(boroughs or ())
    if not outlines or not names:
        return None
    xs, ys = [], []
    for feature in outlines.get("features", []):
        if feature.get("properties", {}).get("borough") not in names:
            continue
        for poly in feature["geometry"]["coordinates"]:
            for ring in poly:
                xs += [p[0] for p in ring]
                ys += [p[1] for p in ring]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


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


def name_layer(boroughs: pd.DataFrame | None, zoom: float = 12.0) -> list[pdk.Layer]:
    """Borough names at their centroids, drawn above the data so they stay readable."""
    if boroughs is None or boroughs.empty or not {"borough", "latitude", "longitude"} <= set(boroughs):
        return []
    if zoom < 10.3 and "area_km2" in boroughs:  # London-wide: small central boroughs' names overlap
        boroughs = boroughs[boroughs["area_km2"].fillna(0) >= 16]
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


def is_cells(frame: pd.DataFrame | None) -> bool:
    """Whether a map answer came back as warehouse cells rather than records."""
    return frame is not None and "cell_m" in frame and bool(frame["cell_m"].notna().any())


@dataclass(frozen=True)
class Legend:
    """Classes of crimes per cell: (colour, label) pairs, light to dark."""

    classes: tuple[tuple[tuple[int, int, int], str], ...]
    title: str = "Crimes per cell"


def _breaks(counts: pd.Series) -> list[int]:
    """Upper bounds of up to five classes: quantiles of the cell counts, rounded to readable
    numbers, strictly increasing; the last is the largest cell."""
    top = int(counts.max())
    out: list[int] = []
    for q in (0.4, 0.7, 0.88, 0.97):
        v = float(counts.quantile(q))
        step = 10 ** max(0, int(math.log10(max(v, 1))) - 1)
        v = int(math.ceil(v / step) * step)
        if v < top and (not out or v > out[-1]):
            out.append(v)
    return [*out, top]


def legend(frame: pd.DataFrame) -> Legend | None:
    """The colour classes of a cell map (None for a point map)."""
    if not is_cells(frame):
        return None
    breaks, lo, classes = _breaks(frame["crimes"]), 1, []
    colours = CELL_COLOURS[len(CELL_COLOURS) - len(breaks) :]
    for colour, hi in zip(colours, breaks, strict=True):
        classes.append((tuple(colour), f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}"))
        lo = hi + 1
    return Legend(tuple(classes))


def _colour_index(counts: pd.Series, breaks: list[int]) -> pd.Series:
    idx = pd.Series(0, index=counts.index)
    for bound in breaks[:-1]:
        idx += (counts > bound).astype(int)
    return idx


def cells(frame: pd.DataFrame) -> pd.DataFrame:
    """JSON-safe cells: centre, fill colour, and a tooltip with count, top types and LSOAs."""
    data = frame[frame["cell_m"].notna()]
    counts = data["crimes"].astype(int)
    breaks = _breaks(counts)
    colours = CELL_COLOURS[len(CELL_COLOURS) - len(breaks) :]
    fill = _colour_index(counts, breaks).map(lambda k: [*colours[k], 210])
    title = counts.map(lambda n: f"{n:,} crime{'s' if n != 1 else ''}")
    types = data["top_types"].fillna("").map(_types_text)
    lsoas = data["lsoa_names"].fillna("").map(lambda t: f"LSOA: {t}" if t else "")
    return pd.DataFrame(
        {
            "lat": data["latitude"].astype(float).round(6),
            "lon": data["longitude"].astype(float).round(6),
            "title": title,
            "detail": types.str.cat(lsoas, sep="<br/>"),
            "fill": fill,
        }
    ).reset_index(drop=True)


def _types_text(top: str) -> str:
    """ "Burglary 120 · Robbery 30" with thousands separators: "Burglary 120 · Robbery 30"."""
    parts = []
    for part in top.split(" · "):
        name, _, n = part.rpartition(" ")
        parts.append(f"{name} {int(n):,}" if n.isdigit() else part)
    return " · ".join(parts)


def cell_layer(frame: pd.DataFrame) -> list[pdk.Layer]:
    """The warehouse's hexagons (pointy-top, as nlq.sql lays them out), coloured by count."""
    size = float(frame["cell_m"].dropna().iloc[0])
    return [
        _layer(
            "ColumnLayer",
            cells(frame),
            "cells",
            disk_resolution=6,
            radius=size,
            coverage=0.94,
            extruded=False,
            get_fill_color="fill",
            pickable=True,
            auto_highlight=True,
        )
    ]


def summary(frame: pd.DataFrame | None) -> str:
    """What the map shows, in one sentence: "47,254 records in 742 cells (hexagons 170 m across)"."""
    if frame is None or frame.empty:
        return "No records to map."
    if is_cells(frame):
        size = float(frame["cell_m"].dropna().iloc[0])
        records, n = int(frame["crimes"].sum()), len(frame)
        return (
            f"{records:,} records in {n:,} cells (hexagons {round(size * math.sqrt(3)):,} m across); "
            "darker means more crimes per cell."
        )
    n = len(points(frame))
    return f"{n:,} record{'s' if n != 1 else ''}, one dot each."


def text_alternative(frame: pd.DataFrame | None) -> str:
    """The map in words, for screen readers and small screens."""
    if frame is None or frame.empty:
        return "The map is empty."
    if is_cells(frame):
        top = frame.loc[frame["crimes"].idxmax()]
        where = str(top["lsoa_names"] or "").split(",")[0].split(" and ")[0]
        return (
            f"The busiest cell had {int(top['crimes']):,} crimes, mostly {top['crime_type']}"
            + (f", around {where}" if where else "")
            + "."
        )
    types = frame["crime_type"].value_counts() if "crime_type" in frame else pd.Series(dtype=int)
    if types.empty:
        return summary(frame)
    return f"Most common type: {types.index[0]} ({int(types.iloc[0]):,})."


@functools.lru_cache(maxsize=1)
def _lsoa_shapes() -> tuple[tuple[str, str, tuple, tuple[float, float, float, float]], ...]:
    """(name, borough, rings, bbox) of every LSOA in seeds/lsoa_outlines.csv (empty when absent)."""
    try:
        with open(LSOA_OUTLINES, newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError:
        return ()
    out = []
    for row in rows:
        rings = tuple(tuple(decode_polyline(part)) for part in row["outline"].split())
        lons = [p[0] for ring in rings for p in ring]
        lats = [p[1] for ring in rings for p in ring]
        if lons:
            out.append(
                (row["lsoa_name"], row["borough"], rings, (min(lons), min(lats), max(lons), max(lats)))
            )
    return tuple(out)


def decode_polyline(text: str, precision: int = 5) -> list[tuple[float, float]]:
    """(lon, lat) points of a Google encoded polyline (lat first in the text)."""
    points, index, lat, lon, factor = [], 0, 0, 0, 10**precision
    while index < len(text):
        deltas = []
        for _ in range(2):
            shift = result = 0
            while True:
                b = ord(text[index]) - 63
                index += 1
                result |= (b & 0x1F) << shift
                shift += 5
                if b < 0x20:
                    break
            deltas.append(~(result >> 1) if result & 1 else result >> 1)
        lat, lon = lat + deltas[0], lon + deltas[1]
        points.append((lon / factor, lat / factor))
    return points


def lsoa_outlines(bounds: tuple[float, float, float, float], boroughs=()) -> dict:
    """GeoJSON of the LSOA outlines that touch *bounds* (west, south, east, north), only those
    of *boroughs* when any are named."""
    west, south, east, north = bounds
    keep = set(boroughs or ())
    features = [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring] for ring in rings[:1]]},
        }
        for name, borough, rings, (w, s, e, n) in _lsoa_shapes()
        if w <= east and e >= west and s <= north and n >= south and (not keep or borough in keep)
    ]
    return {"type": "FeatureCollection", "features": features}


def lsoa_layer(
    view: pdk.ViewState,
    width_px: int,
    height_px: int,
    *,
    boroughs=(),
    venues: list[tuple[str, float, float]] | None = None,
    radius_m: float | None = None,
) -> list[pdk.Layer]:
    """Faint LSOA outlines, only when zoomed in to a borough or closer: those of the boroughs
    asked about, or around the venue (three radii), or else in view."""
    if view.zoom < LSOA_ZOOM:
        return []
    bounds = view_bounds(view, width_px, height_px)
    if venues:
        reach = 3 * (radius_m or 500) / 111_195
        lat, lon = venues[0][1], venues[0][2]
        wide = reach / math.cos(math.radians(lat))
        bounds = (lon - wide, lat - reach, lon + wide, lat + reach)
    data = lsoa_outlines(bounds, () if venues else boroughs)
    if not data["features"]:
        return []
    return [
        pdk.Layer(
            "GeoJsonLayer",
            data=data,
            id="lsoa-outlines",
            stroked=True,
            filled=False,
            get_line_color=[120, 130, 145, 110],
            line_width_min_pixels=0.6,
            pickable=False,
        )
    ]


def view_bounds(view: pdk.ViewState, width_px: int, height_px: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of what a view shows on a map of this size (a margin added)."""
    deg_per_px = 360 / (512 * 2**view.zoom)
    half_w = width_px / 2 * deg_per_px * 1.2
    half_h = height_px / 2 * deg_per_px * math.cos(math.radians(view.latitude)) * 1.2
    return (view.longitude - half_w, view.latitude - half_h, view.longitude + half_w, view.latitude + half_h)


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
    areas: tuple[str, ...] | list[str] | None = None,
    width_px: int = 900,
    height_px: int = 560,
) -> pdk.Deck:
    """The map for an answer: cells (or points), faint LSOA outlines when zoomed in, borough
    outlines and names, venues and their radius; fitted to the venue, the boroughs in *areas*,
    or the data."""
    big = is_cells(frame)
    pts = cells(frame) if big else points(frame)
    view = view_over(
        pts,
        venues or [],
        radius_m,
        width_px=width_px,
        height_px=height_px,
        area=area_bounds(outlines, areas),
    )
    layers = [
        *outline_layer(outlines),
        *(cell_layer(frame) if big else []),
        *lsoa_layer(view, width_px, height_px, boroughs=areas, venues=venues, radius_m=radius_m),
        *([] if big else [point_layer(pts)]),
        *name_layer(boroughs if view.zoom < 13.5 else None, view.zoom),
        *venue_layers(venues or [], radius_m),
    ]
    if map_style:
        return CompactDeck(layers=layers, initial_view_state=view, map_style=map_style, tooltip=TOOLTIP)
    # map_provider=None with no map_style: no basemap, and Streamlit does not fetch its default one.
    return CompactDeck(layers=layers, initial_view_state=view, map_provider=None, tooltip=TOOLTIP)


class CompactDeck(pdk.Deck):
    """A Deck whose JSON (what Streamlit sends to the browser) has no indentation: pydeck
    indents by two spaces, which more than triples the bytes of a map with many cells."""

    def to_json(self) -> str:
        from pydeck.bindings.json_tools import default_serialize

        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


# ---- where next: the forecast's top areas ---------------------------------------------------------

FORECAST_LEGEND_TITLE = "Expected next month"


def _lsoa_rings_by_name() -> dict[str, list]:
    return {name: [list(p) for p in rings[0]] for name, _b, rings, _bb in _lsoa_shapes()}


def forecast_areas(top: pd.DataFrame, crime_type: str, month_label: str, unit: str, cell_m: float = 500.0):
    """JSON-safe polygons of the forecast's top areas: an LSOA's outline (its centre as a small
    square when no outline is known) or the grid cell's square; colour by expected count."""
    shapes = _lsoa_rings_by_name() if unit == "lsoa" else {}
    breaks = _breaks(top["expected"].round().clip(lower=1).astype(int)) if len(top) else [1]
    colours = CELL_COLOURS[len(CELL_COLOURS) - len(breaks) :]
    index = _colour_index(top["expected"], breaks)
    rows = []
    for (_, row), k in zip(top.iterrows(), index, strict=True):
        ring = shapes.get(row["name"]) if unit == "lsoa" else None
        if ring is None:
            half_lat = (cell_m if unit == "cell" else 150.0) / 2 / 111_320.0
            half_lon = half_lat / math.cos(math.radians(row["latitude"]))
            lat, lon = row["latitude"], row["longitude"]
            ring = [
                [lon - half_lon, lat - half_lat],
                [lon + half_lon, lat - half_lat],
                [lon + half_lon, lat + half_lat],
                [lon - half_lon, lat + half_lat],
            ]
        name = row["name"] if unit == "lsoa" else f"500 m cell in {row['borough']}"
        rows.append(
            {
                "polygon": [[round(x, 6), round(y, 6)] for x, y in ring],
                "title": f"#{int(row['rank'])} · {name}",
                "detail": (
                    f"{crime_type}, {month_label}: expected {row['expected']:.1f} "
                    f"(90% interval {int(row['low'])}–{int(row['high'])})"
                ),
                "fill": [*colours[int(k)], 215],
            }
        )
    return pd.DataFrame(rows, columns=["polygon", "title", "detail", "fill"])


def forecast_legend(top: pd.DataFrame) -> Legend | None:
    """Classes of the expected count, as the forecast map colours them."""
    if top.empty:
        return None
    breaks = _breaks(top["expected"].round().clip(lower=1).astype(int))
    colours = CELL_COLOURS[len(CELL_COLOURS) - len(breaks) :]
    classes, lo = [], None
    for colour, hi in zip(colours, breaks, strict=True):
        label = f"up to {hi:,}" if lo is None else (f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}")
        classes.append((tuple(colour), label))
        lo = hi + 1
    return Legend(tuple(classes), FORECAST_LEGEND_TITLE)


def forecast_deck(
    areas: pd.DataFrame,
    *,
    outlines: dict | None = None,
    boroughs: pd.DataFrame | None = None,
    area_names=None,
    map_style: str | None = None,
    width_px: int = 900,
    height_px: int = 480,
) -> pdk.Deck:
    """The where-next map: borough outlines, the top areas filled by expected count (tooltip:
    rank, name, expected and interval), borough names; fitted to the boroughs asked about."""
    bounds = area_bounds(outlines, area_names)
    if bounds is None and not areas.empty:
        xs = [p[0] for ring in areas["polygon"] for p in ring]
        ys = [p[1] for ring in areas["polygon"] for p in ring]
        bounds = (min(xs), min(ys), max(xs), max(ys))
    view = view_over(pd.DataFrame(), [], None, width_px=width_px, height_px=height_px, area=bounds)
    layers = [
        *outline_layer(outlines),
        pdk.Layer(
            "PolygonLayer",
            data=areas,
            id="where-next",
            get_polygon="polygon",
            get_fill_color="fill",
            get_line_color=[120, 20, 30, 220],
            line_width_min_pixels=1,
            stroked=True,
            filled=True,
            pickable=True,
            auto_highlight=True,
        ),
        *name_layer(boroughs if view.zoom < 13.5 else None, view.zoom),
    ]
    if map_style:
        return CompactDeck(layers=layers, initial_view_state=view, map_style=map_style, tooltip=TOOLTIP)
    return CompactDeck(layers=layers, initial_view_state=view, map_provider=None, tooltip=TOOLTIP)
