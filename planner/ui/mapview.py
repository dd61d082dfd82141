"""The planner's map: folium layers for a scenario and plan, offline and HTML-safe.

No Streamlit here: this module builds the map and its display data, and is tested alone.
Leaflet is served from the app's own ``static/`` folder; no tile server is needed.
"""
from __future__ import annotations

import html
from typing import Iterable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from geo.layers import WGS84

STATIC = "/app/static/leaflet"
OFFLINE_JS = [("leaflet", f"{STATIC}/leaflet.js")]
OFFLINE_CSS = [("leaflet_css", f"{STATIC}/leaflet.css")]
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a", "#c5b0d5", "#c49c94"]
NO_LEAD = "#d9d9d9"
HARD_OUTLINE = "#d62728"
SIMPLIFY_M = 15.0
DECIMALS = 4  # about 10 m, like the 15 m simplification: enough for a screen


class OfflineMap(folium.Map):
    """A folium map that loads Leaflet from the app's static folder, never from a CDN."""

    default_js = OFFLINE_JS
    default_css = OFFLINE_CSS


def lead_colours(codes: Iterable[str]) -> dict[str, str]:
    """A stable colour for each contingent code, in the scenario's order."""
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(codes)}


_SHAPES: dict[tuple, tuple] = {}  # (crs, simplify_m, decimals, WKB) -> (geometry, mapping)
_SHAPES_MAX = 50_000


def _display_shapes(geoms, crs, simplify_m: float, decimals: int) -> list[tuple]:
    """``(display geometry, GeoJSON mapping)`` for each geometry: simplified in metres,
    in WGS84, rounded. Remembered by content, so a rerun that shows the same sectors in new
    colours does none of this work again."""
    settings = (crs.to_string() if crs is not None else None, simplify_m, decimals)
    keys = [settings + (wkb,) for wkb in shapely.to_wkb(geoms)]
    todo = [i for i, k in enumerate(keys) if k not in _SHAPES]
    if todo:
        part = np.asarray(geoms)[todo]
        if crs is not None and not crs.is_geographic and simplify_m > 0:
            part = shapely.simplify(part, simplify_m, preserve_topology=True)
        part = gpd.GeoSeries(part, crs=crs).to_crs(WGS84).values
        part = shapely.set_precision(np.asarray(part), 10.0 ** -decimals)
        if len(_SHAPES) + len(todo) > _SHAPES_MAX:
            _SHAPES.clear()
        for i, g in zip(todo, part):
            _SHAPES[keys[i]] = (g, shapely.geometry.mapping(g))
    return [_SHAPES[k] for k in keys]


def _shown_value(v):
    """A property value as the map shows it: text HTML-escaped, missing values empty."""
    if isinstance(v, str):
        return html.escape(v)
    if v is None or v != v:
        return ""
    return v.item() if hasattr(v, "item") else v


def display_frame(frame: gpd.GeoDataFrame, *, simplify_m: float = SIMPLIFY_M,
                  decimals: int = DECIMALS) -> gpd.GeoDataFrame:
    """A copy for display only: simplified in metres, WGS84, rounded, text HTML-escaped."""
    shapes = _display_shapes(frame.geometry.values, frame.crs, simplify_m, decimals)
    out = gpd.GeoDataFrame(frame.drop(columns=frame.geometry.name),
                           geometry=[g for g, _ in shapes], index=frame.index, crs=WGS84)
    for col in out.columns:
        if col != out.geometry.name and (out[col].dtype == object
                                         or pd.api.types.is_string_dtype(out[col])):
            out[col] = [_shown_value(v) for v in out[col].tolist()]
    return out


def display_features(frame: gpd.GeoDataFrame, *, simplify_m: float = SIMPLIFY_M,
                     decimals: int = DECIMALS) -> dict:
    """The frame as a GeoJSON FeatureCollection for display, prepared as
    :func:`display_frame` prepares it, without building a frame on the way."""
    shapes = _display_shapes(frame.geometry.values, frame.crs, simplify_m, decimals)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    values = [[_shown_value(v) for v in frame[c].tolist()] for c in columns]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": dict(zip(columns, row)), "geometry": mapping}
        for (_, mapping), row in zip(shapes, zip(*values))]}


def _geojson(frame, name, style, *, tooltip=None, show=True):
    """A folium layer of ``frame`` (any CRS), prepared for display by :func:`display_features`."""
    return folium.GeoJson(display_features(frame), name=name, show=show, style_function=style,
                          tooltip=tooltip)


def sector_display(sectors: gpd.GeoDataFrame, phase: int, plan=None, report=None,
                   requirements=None) -> gpd.GeoDataFrame:
    """Sectors open in ``phase`` with the properties the map shows (lead, troops, status)."""
    open_ = sectors[sectors["phase"] <= phase][["sector_id", "phase", "population", "area_km2",
                                                sectors.geometry.name]].copy()
    leads, totals, needs, status = [], [], [], []
    hard = report.hard_keys() if report is not None else set()
    broken = report.by_sector if report is not None else {}
    for sid in open_["sector_id"]:
        a = plan.get(phase, sid) if plan is not None else None
        leads.append(a.lead if a and a.lead else "")
        totals.append(a.total if a else 0)
        needs.append(requirements[(phase, sid)].troops if requirements else 0)
        rules = broken.get((phase, sid), [])
        status.append(("HARD: " if (phase, sid) in hard else "") + (", ".join(rules) or "ok"))
    open_["lead"], open_["troops"], open_["required"], open_["status"] = leads, totals, needs, status
    open_["hard"] = [(phase, sid) in hard for sid in open_["sector_id"]]
    return open_


def build_map(scenario, phase: int, *, sectors_shown: gpd.GeoDataFrame | None = None,
              increments: gpd.GeoDataFrame | None = None, held=None,
              basemap_url: str | None = None, layer_control: bool = True) -> folium.Map:
    """The map of one phase: territory, held area, increments, sectors, crossings, borders.

    ``sectors_shown`` is a :func:`sector_display` frame (metric CRS); other layers come from
    the scenario. ``basemap_url`` is an optional tile URL template (none by default).

    The app leaves the sectors out (``sectors_shown=None``, ``layer_control=False``) and
    hands :func:`sector_group` and a layer control to the map component separately: the map
    without sectors is the same after every edit, so the browser keeps it and only swaps
    the sector layer, instead of loading the whole map again.
    """
    layers = scenario.layers
    territory = display_frame(layers.territory)
    minx, miny, maxx, maxy = territory.total_bounds
    m = OfflineMap(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None,
                   zoom_start=11, control_scale=True, prefer_canvas=False)
    if basemap_url:
        folium.TileLayer(basemap_url, name="basemap", attr="basemap").add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    _geojson(layers.territory, "territory", lambda f: {"color": "#555", "weight": 1,
                                                 "fillColor": "#f5f1e6", "fillOpacity": 0.6}).add_to(m)
    if held is not None:
        _geojson(held, f"held area (phase {phase})",
                 lambda f: {"color": "#7f7f7f", "weight": 1, "fillColor": "#7f7f7f",
                            "fillOpacity": 0.45, "dashArray": "4"},
                 tooltip=_tooltip(held, ["phase", "label"])).add_to(m)
    if increments is not None:
        _geojson(increments, "vacated increments",
                 lambda f: {"color": "#2b8cbe", "weight": 2, "fill": False}, show=False).add_to(m)
    for layer in context_layers(scenario):
        layer.add_to(m)
    if sectors_shown is not None:
        sector_group(scenario, sectors_shown).add_to(m)
    _borders_layer(layers.borders).add_to(m)
    _crossings_layer(layers.crossings).add_to(m)
    if layer_control:
        layer_switcher().add_to(m)
    return m


def layer_switcher() -> folium.LayerControl:
    """The control that toggles the map's layers, always open."""
    return folium.LayerControl(collapsed=False)


def sector_group(scenario, sectors_shown: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """The sectors of a :func:`sector_display` frame as a layer group, coloured by lead."""
    group = folium.FeatureGroup(name="sectors")
    if len(sectors_shown):
        colours = lead_colours(c.code for c in scenario.contingents)
        _sector_layer(sectors_shown, colours).add_to(group)
    return group


def _tooltip(frame, fields):
    """A tooltip of the wanted fields that the layer has (scenario layers differ)."""
    present = [f for f in fields if f in frame.columns]
    return folium.GeoJsonTooltip(present) if present else None


def _sector_layer(frame, colours):
    def style(feature):
        p = feature["properties"]
        return {"fillColor": colours.get(p.get("lead"), NO_LEAD), "fillOpacity": 0.7,
                "color": HARD_OUTLINE if p.get("hard") else "#333333",
                "weight": 3 if p.get("hard") else 1}
    tip = folium.GeoJsonTooltip(["sector_id", "lead", "troops", "required", "status"],
                                aliases=["sector", "lead", "troops", "required", "status"])
    return _geojson(frame, "sectors", style, tooltip=tip)


def context_layers(scenario) -> list[folium.GeoJson]:
    """The scenario's context zones (``layers.zones``) and other context layers
    (``layers.context``), each a layer of its own, names escaped like every other layer's."""
    layers = scenario.layers
    out = []
    if layers.zones is not None:
        out.append(_geojson(layers.zones, "zones", lambda f: {
            "color": "#6a3d9a", "weight": 2, "dashArray": "6 4", "fill": False},
            tooltip=_tooltip(layers.zones, ["zone"])))
    marker = folium.CircleMarker(radius=4, color="#444", weight=1, fill=True,
                                 fill_color="#bbbbbb", fill_opacity=1)
    for name, frame in layers.context.items():
        out.append(folium.GeoJson(display_features(frame), name=html.escape(name), show=True,
                                  style_function=lambda f: {"color": "#636363", "weight": 2,
                                                            "fillOpacity": 0.1},
                                  marker=marker, tooltip=_tooltip(frame, ["name", "kind"])))
    return out


def _borders_layer(frame):
    def style(feature):
        coast = feature["properties"].get("kind") == "coast"
        return {"color": "#3182bd" if coast else "#000000", "weight": 3 if coast else 2}
    return _geojson(frame, "borders and coast", style,
                    tooltip=_tooltip(frame, ["name", "kind", "neighbour"]))


def _crossings_layer(frame):
    """Crossings as yellow circles named in their tooltips: one layer for all, so the map
    does not grow by an element (and its templates) per crossing."""
    marker = folium.CircleMarker(radius=6, color="#000", weight=2, fill=True,
                                 fill_color="#ffd92f", fill_opacity=1)
    return folium.GeoJson(display_features(frame, simplify_m=0), name="crossings",
                          marker=marker, tooltip=_tooltip(frame, ["name"]))


def legend_entries(scenario, leads_in_use: Iterable[str]) -> list[tuple[str, str, str]]:
    """(code, name, colour) for each lead nation on the map, in scenario order."""
    colours = lead_colours(c.code for c in scenario.contingents)
    used = set(leads_in_use)
    return [(c.code, c.name, colours[c.code]) for c in scenario.contingents if c.code in used]


def map_html_size(m: folium.Map) -> int:
    """Bytes of the rendered map HTML."""
    return len(m.get_root().render().encode("utf-8"))


__all__ = ["OfflineMap", "build_map", "display_frame", "lead_colours", "legend_entries",
           "layer_switcher", "map_html_size", "sector_display", "sector_group"]
