"""The planner's map: folium layers for a scenario and plan, offline and HTML-safe.

No Streamlit here: this module builds the map and its display data, and is tested alone.
Leaflet is served from the app's own ``static/`` folder; no tile server is needed.
"""
from __future__ import annotations

import html
from typing import Iterable

import folium
import geopandas as gpd
import pandas as pd
import shapely

from geo.layers import WGS84

STATIC = "/app/static/leaflet"
OFFLINE_JS = [("leaflet", f"{STATIC}/leaflet.js")]
OFFLINE_CSS = [("leaflet_css", f"{STATIC}/leaflet.css")]
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a", "#c5b0d5", "#c49c94"]
NO_LEAD = "#d9d9d9"
HARD_OUTLINE = "#d62728"
SIMPLIFY_M = 15.0
DECIMALS = 5  # about a metre at these latitudes: enough for a screen


class OfflineMap(folium.Map):
    """A folium map that loads Leaflet from the app's static folder, never from a CDN."""

    default_js = OFFLINE_JS
    default_css = OFFLINE_CSS


def lead_colours(codes: Iterable[str]) -> dict[str, str]:
    """A stable colour for each contingent code, in the scenario's order."""
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(codes)}


def display_frame(frame: gpd.GeoDataFrame, *, simplify_m: float = SIMPLIFY_M,
                  decimals: int = DECIMALS) -> gpd.GeoDataFrame:
    """A copy for display only: simplified in metres, WGS84, rounded, text HTML-escaped."""
    out = frame.copy()
    geoms = out.geometry.values
    if out.crs is not None and not out.crs.is_geographic and simplify_m > 0:
        geoms = shapely.simplify(geoms, simplify_m, preserve_topology=True)
    out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=out.crs)).to_crs(WGS84)
    out = out.set_geometry(shapely.set_precision(out.geometry.values, 10.0 ** -decimals))
    for col in out.columns:
        if col == out.geometry.name:
            continue
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: html.escape(str(v)) if isinstance(v, str) else
                                    ("" if v is None or v != v else v))
    return out


def _geojson(frame, name, style, *, tooltip=None, show=True):
    layer = folium.GeoJson(frame.__geo_interface__, name=name, show=show,
                           style_function=style, tooltip=tooltip)
    return layer


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
              basemap_url: str | None = None, height_px: int = 600) -> folium.Map:
    """The map of one phase: territory, held area, increments, sectors, crossings, borders.

    ``sectors_shown`` is a :func:`sector_display` frame (metric CRS); other layers come from
    the scenario. ``basemap_url`` is an optional tile URL template (none by default).
    """
    layers = scenario.layers
    colours = lead_colours(c.code for c in scenario.contingents)
    territory = display_frame(layers.territory)
    minx, miny, maxx, maxy = territory.total_bounds
    m = OfflineMap(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None,
                   zoom_start=11, control_scale=True, prefer_canvas=False)
    if basemap_url:
        folium.TileLayer(basemap_url, name="basemap", attr="basemap").add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    _geojson(territory, "territory", lambda f: {"color": "#555", "weight": 1,
                                                 "fillColor": "#f5f1e6", "fillOpacity": 0.6}).add_to(m)
    if held is not None:
        shown_held = display_frame(held)
        _geojson(shown_held, f"held area (phase {phase})",
                 lambda f: {"color": "#7f7f7f", "weight": 1, "fillColor": "#7f7f7f",
                            "fillOpacity": 0.45, "dashArray": "4"},
                 tooltip=_tooltip(shown_held, ["phase", "label"])).add_to(m)
    if increments is not None:
        _geojson(display_frame(increments), "vacated increments",
                 lambda f: {"color": "#2b8cbe", "weight": 2, "fill": False}, show=False).add_to(m)
    if sectors_shown is not None and len(sectors_shown):
        _sector_layer(display_frame(sectors_shown), colours).add_to(m)
    _borders_layer(display_frame(layers.borders)).add_to(m)
    _crossings_layer(display_frame(layers.crossings, simplify_m=0)).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


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


def _borders_layer(frame):
    def style(feature):
        coast = feature["properties"].get("kind") == "coast"
        return {"color": "#3182bd" if coast else "#000000", "weight": 3 if coast else 2}
    return _geojson(frame, "borders and coast", style,
                    tooltip=_tooltip(frame, ["name", "kind", "neighbour"]))


def _crossings_layer(frame):
    group = folium.FeatureGroup(name="crossings")
    for name, geom in zip(frame["name"], frame.geometry.values):
        folium.CircleMarker([geom.y, geom.x], radius=6, color="#000", weight=2,
                            fill=True, fill_color="#ffd92f", fill_opacity=1,
                            tooltip=name).add_to(group)
    return group


def legend_entries(scenario, leads_in_use: Iterable[str]) -> list[tuple[str, str, str]]:
    """(code, name, colour) for each lead nation on the map, in scenario order."""
    colours = lead_colours(c.code for c in scenario.contingents)
    used = set(leads_in_use)
    return [(c.code, c.name, colours[c.code]) for c in scenario.contingents if c.code in used]


def map_html_size(m: folium.Map) -> int:
    """Bytes of the rendered map HTML."""
    return len(m.get_root().render().encode("utf-8"))


__all__ = ["OfflineMap", "build_map", "display_frame", "lead_colours", "legend_entries",
           "map_html_size", "sector_display"]
