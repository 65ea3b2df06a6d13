"""An offline map of Thailand: a bundled outline plus points sized by count.

No tile server and no download: the outline is Natural Earth (public domain)
country shapes, shipped in ``static/thailand_outline.geojson`` (see
``static/README.md``), and the chart is a Vega-Lite spec, which
Streamlit renders with the Vega bundled in its own frontend. Points are areas with coordinates from
the gazetteer; their *area* grows with the count (square-root scaling), so a
province with four times the notes looks four times as big, not sixteen.

Example:
    >>> pts = map_points([{"iri": "…/area/80", "label": "นครศรีธรรมราช",
    ...                    "lat": 8.43, "lon": 99.96, "notes": 4, "actors": 7}])
    >>> spec = map_chart(pts)          # st.vega_lite_chart(spec)
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping, Sequence


__all__ = ["MapPoint", "outline", "point_sizes", "map_points", "map_chart", "SELECTION"]

#: Name of the click selection on the points (``event.selection[SELECTION]``).
SELECTION = "picked"
_MIN_PX = 40.0
_MAX_PX = 1600.0


@dataclass(frozen=True)
class MapPoint:
    """One area on the map.

    Attributes:
        iri: the area's IRI.
        label: its Thai name.
        kind: province, district, subdistrict …
        lat: latitude.
        lon: longitude.
        notes: notes that mention it.
        actors: actors linked to it.
        value: the count the point is sized by.
        size: the point's area in square pixels.
    """

    iri: str
    label: str
    kind: str
    lat: float
    lon: float
    notes: int
    actors: int
    value: int
    size: float


@lru_cache(maxsize=1)
def outline() -> dict[str, Any]:
    """The bundled GeoJSON: Thailand (``properties.thailand`` true) and its neighbours."""
    text = (
        resources.files("fieldnotes.explorer")
        .joinpath("static/thailand_outline.geojson")
        .read_text("utf-8")
    )
    return json.loads(text)


def point_sizes(
    values: Sequence[float], *, min_px: float = _MIN_PX, max_px: float = _MAX_PX
) -> list[float]:
    """Marker areas (px²) proportional to ``values``, the largest ``max_px``.

    Zero gets ``0`` (not drawn); any positive count gets at least ``min_px`` so
    one note is still visible.

    Example:
        >>> point_sizes([1, 4, 0], max_px=400)
        [100.0, 400.0, 0.0]
    """
    top = max((v for v in values if v > 0), default=0)
    if top <= 0:
        return [0.0 for _ in values]
    return [0.0 if v <= 0 else max(min_px, max_px * v / top) for v in values]


def map_points(rows: Iterable[Mapping[str, Any]], *, by: str = "notes") -> list[MapPoint]:
    """Points for ``kb.area_counts`` rows that have coordinates and a count.

    Args:
        rows: dicts with ``iri, label, kind, lat, lon, notes, actors``.
        by: ``notes`` or ``actors``: what sizes the points.
    """
    usable = [
        r
        for r in rows
        if r.get("lat") is not None
        and r.get("lon") is not None
        and not (math.isnan(float(r["lat"])) or math.isnan(float(r["lon"])))
        and int(r.get(by) or 0) > 0
    ]
    sizes = point_sizes([float(r.get(by) or 0) for r in usable])
    pts = [
        MapPoint(
            iri=str(r["iri"]),
            label=str(r.get("label") or r["iri"]),
            kind=str(r.get("kind") or ""),
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            notes=int(r.get("notes") or 0),
            actors=int(r.get("actors") or 0),
            value=int(r.get(by) or 0),
            size=s,
        )
        for r, s in zip(usable, sizes)
    ]
    # Big points first so small ones are drawn on top and stay clickable.
    return sorted(pts, key=lambda p: -p.size)


def map_chart(
    points: Sequence[MapPoint],
    *,
    height: int = 560,
    selectable: bool = False,
    colour: str = "#0f766e",
    focus: Sequence[MapPoint] | None = None,
) -> dict[str, Any]:
    """The map as a Vega-Lite spec: outline of Thailand and neighbours, then the points.

    A plain dict for ``st.vega_lite_chart``: building it through Altair would
    validate the ~100 KB outline against the schema on every rerun (seconds).

    Args:
        points: what to draw.
        height: chart height in pixels (the width follows the container).
        selectable: add a click selection named :data:`SELECTION` on ``iri``.
        colour: point colour.
        focus: fit the view to these points instead of all of Thailand (drill-down).
    """
    geo = outline()
    fit: Any = {"type": "FeatureCollection", "features": [f for f in geo["features"] if f["properties"].get("thailand")]}
    if focus:
        lons = [p.lon for p in focus]
        lats = [p.lat for p in focus]
        pad = 0.35
        # Two corner points, not a polygon: d3 reads a counter-clockwise ring as
        # "the whole globe except this box".
        corners = [[min(lons) - pad, min(lats) - pad], [max(lons) + pad, max(lats) + pad]]
        fit = {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPoint", "coordinates": corners}}
    projection = {"type": "mercator", "fit": fit}
    land = {
        "data": {"values": geo["features"]},
        "mark": {"type": "geoshape", "stroke": "#94a3b8", "strokeWidth": 0.6, "clip": True},
        "encoding": {
            "color": {"condition": {"test": "datum.properties.thailand", "value": "#e7efec"}, "value": "#f8fafc"},
            "tooltip": None,
        },
        "projection": projection,
    }
    dots: dict[str, Any] = {
        "data": {"values": [asdict(p) for p in points]},
        "mark": {"type": "circle", "opacity": 0.75, "stroke": "white", "strokeWidth": 0.8,
                 "color": colour, "clip": True, "cursor": "pointer" if selectable else "default"},
        "encoding": {
            "longitude": {"field": "lon", "type": "quantitative"},
            "latitude": {"field": "lat", "type": "quantitative"},
            "size": {"field": "size", "type": "quantitative", "scale": None, "legend": None},
            "tooltip": [
                {"field": "label", "type": "nominal", "title": "พื้นที่ · area"},
                {"field": "notes", "type": "quantitative", "title": "บันทึก · notes"},
                {"field": "actors", "type": "quantitative", "title": "ผู้กระทำ · actors"},
            ],
        },
        "projection": projection,
    }
    if selectable:
        dots["params"] = [{"name": SELECTION, "select": {"type": "point", "fields": ["iri"], "on": "click"}}]
        dots["encoding"]["opacity"] = {"condition": {"param": SELECTION, "value": 0.85}, "value": 0.45}
    return {
        "height": height,
        "layer": [land, dots],
        "config": {"view": {"stroke": None}, "font": "Loma, Waree, Noto Sans Thai, sans-serif"},
    }
