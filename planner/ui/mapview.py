"""The planner's map: folium layers for a scenario and plan, offline and HTML-safe.

No Streamlit here: this module builds the map and its display data, and is tested alone.
Leaflet is served from the app's own ``static/`` folder; no tile server is needed.
"""
from __future__ import annotations

import html
import math
from typing import Iterable

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from geo.layers import WGS84
from planner.domain.holdings import authority_colours, line_styles, party_colours

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
        part = _rounded(np.asarray(part), 10.0 ** -decimals)
        if len(_SHAPES) + len(todo) > _SHAPES_MAX:
            _SHAPES.clear()
        for i, g in zip(todo, part):
            _SHAPES[keys[i]] = (g, shapely.geometry.mapping(g))
    return [_SHAPES[k] for k in keys]


def _rounded(geoms: np.ndarray, grid: float) -> np.ndarray:
    """``geoms`` on a ``grid`` (degrees), for display. Snapping a simplified polygon can fail
    in GEOS ("unable to assign free hole to a shell"): such a polygon is made valid first,
    and drawn unrounded if even that fails (a few more bytes, never a crash)."""
    try:
        return shapely.set_precision(geoms, grid)
    except shapely.errors.GEOSException:
        out = np.empty(len(geoms), dtype=object)
        for i, g in enumerate(geoms):
            try:
                out[i] = shapely.set_precision(g, grid)
            except shapely.errors.GEOSException:
                try:
                    out[i] = shapely.set_precision(shapely.make_valid(g), grid)
                except shapely.errors.GEOSException:
                    out[i] = g
        return out


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


def status_words(hard: int, soft: int) -> str:
    """A sector's standing in a few words: ``ok``, ``2 hard``, ``1 hard, 3 soft``."""
    parts = [f"{n} {kind}" for n, kind in ((hard, "hard"), (soft, "soft")) if n]
    return ", ".join(parts) or "ok"


def violation_counts(report) -> dict[tuple[int, str], tuple[int, int]]:
    """``{(phase, sector): (hard, soft)}``: how many violations name each sector-phase."""
    out: dict[tuple[int, str], tuple[int, int]] = {}
    for v in report.violations:
        if v.sector is not None and v.phase is not None:
            hard, soft = out.get((v.phase, v.sector), (0, 0))
            out[(v.phase, v.sector)] = (hard + (v.severity == "hard"),
                                        soft + (v.severity != "hard"))
    return out


def sector_display(table, phase: int, plan=None, report=None,
                   requirements=None, *, selected: str | None = None) -> gpd.GeoDataFrame:
    """Sectors the force holds in ``phase`` (``table.open_in``: opened, not handed over) with
    the properties the map shows: lead, troops against the requirement, status in words
    (``2 hard, 1 soft``), the rules broken, locked, selected. ``table`` is a
    :class:`~planner.domain.sectors.SectorTable`."""
    sectors = table.sectors
    held = sectors["sector_id"].astype(str).isin(table.open_in(phase)).to_numpy()
    open_ = sectors[held][["sector_id", "phase", "population", "area_km2",
                           sectors.geometry.name]].copy()
    leads, totals, needs, status, rules, locked = [], [], [], [], [], []
    counts = violation_counts(report) if report is not None else {}
    broken = report.by_sector if report is not None else {}
    pins = plan.pins if plan is not None else {}
    for sid in open_["sector_id"]:
        a = plan.get(phase, sid) if plan is not None else None
        leads.append(a.lead if a and a.lead else "")
        totals.append(a.total if a else 0)
        needs.append(requirements[(phase, sid)].troops if requirements else 0)
        hard, soft = counts.get((phase, sid), (0, 0))
        status.append(status_words(hard, soft))
        rules.append(", ".join(broken.get((phase, sid), [])))
        locked.append((phase, sid) in pins)
    open_["lead"], open_["troops"], open_["required"] = leads, totals, needs
    open_["status"], open_["rules"], open_["locked"] = status, rules, locked
    open_["hard"] = [counts.get((phase, sid), (0, 0))[0] > 0 for sid in open_["sector_id"]]
    open_["selected"] = open_["sector_id"] == selected
    return open_


def build_map(scenario, phase: int, *, sectors_shown: gpd.GeoDataFrame | None = None,
              increments: gpd.GeoDataFrame | None = None, held=None,
              basemap_url: str | None = None, layer_control: bool = True) -> folium.Map:
    """The map of one phase: territory, held area (by party), handed-over ground (by
    authority), increments, named lines, sectors, crossings, borders.

    ``sectors_shown`` is a :func:`sector_display` frame (metric CRS); other layers come from
    the scenario. ``basemap_url`` is an optional tile URL template (none by default: nothing
    is requested from anywhere).

    The map fits the territory when it opens, has a button to fit it again, and zooms with
    the scroll wheel only after a click into it (so scrolling the page does not zoom it). It
    takes no keyboard focus: a focused map is scrolled into view when the mouse button goes
    down, so a click on a map partly below the fold landed on another sector.

    The app leaves the sectors out (``sectors_shown=None``, ``layer_control=False``) and
    hands :func:`sector_group` and a layer control to the map component separately: the map
    without sectors is the same after every edit, so the browser keeps it (and the planner's
    zoom) and only swaps the sector layer, instead of loading the whole map again.
    """
    layers = scenario.layers
    territory = display_frame(layers.territory)
    minx, miny, maxx, maxy = territory.total_bounds
    m = OfflineMap(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None,
                   zoom_start=11, control_scale=True, prefer_canvas=False, zoom_snap=0.25,
                   scroll_wheel_zoom=False, keyboard=False)
    if basemap_url:
        folium.TileLayer(basemap_url, name="basemap", attr="basemap", max_zoom=19).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(8, 8))
    MapBehaviour([[miny, minx], [maxy, maxx]]).add_to(m)
    _geojson(layers.territory, "territory",
             lambda f: {"color": "#555", "weight": 1, "fillColor": "#f5f1e6",
                        "fillOpacity": 0.6}).add_to(m)
    if held is not None:
        held_layer(scenario, held, phase).add_to(m)
    handed = handover_layer(scenario, phase)
    if handed is not None:
        Hatches(authority_colours(scenario)).add_to(m)
        handed.add_to(m)
    if increments is not None:
        _geojson(increments, "vacated increments",
                 lambda f: dict(INCREMENT_STYLE), show=False).add_to(m)
    for layer in context_layers(scenario):
        layer.add_to(m)
    lines = lines_layer(scenario)
    if lines is not None:
        folium.map.CustomPane(LINES_PANE, z_index=450, pointer_events=True).add_to(m)
        lines.add_to(m)
    if sectors_shown is not None:
        sector_group(scenario, sectors_shown).add_to(m)
    _population_layer(layers.population).add_to(m)
    _borders_layer(layers.borders).add_to(m)
    _places_layer(layers.places).add_to(m)
    _crossings_layer(layers.crossings).add_to(m)
    if layer_control:
        layer_switcher().add_to(m)
    return m


HELD_STYLE = {"color": "#7f7f7f", "weight": 1, "fillColor": "#7f7f7f", "fillOpacity": 0.45,
              "dashArray": "4"}
# parties' and authorities' colours: planner.domain.holdings (the briefing's too)
LINE_WEIGHT = 3  # named lines (each its colour and dash: planner.domain.holdings.line_styles)
LINES_PANE = "planner-lines"  # above the sectors, below the markers: a line stays visible
INCREMENT_STYLE = {"color": "#2b8cbe", "weight": 2, "fill": False}
SELECTED_OUTLINE = "#111111"


class MapBehaviour(MacroElement):
    """The map's own behaviour: scroll-wheel zoom only after a click into the map (off again
    when the pointer leaves it), and a button that fits the territory again."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var bounds = {{ this.bounds|tojson }};
            var css = document.createElement("style");
            css.textContent = {{ this.css|tojson }};
            document.head.appendChild(css);
            map.on("click", function () { map.scrollWheelZoom.enable(); });
            map.on("mouseout", function () { map.scrollWheelZoom.disable(); });
            var Fit = L.Control.extend({
                options: {position: "topleft"},
                onAdd: function () {
                    var div = L.DomUtil.create("div", "leaflet-bar leaflet-control");
                    var a = L.DomUtil.create("a", "planner-fit", div);
                    a.href = "#"; a.title = "Fit the territory"; a.textContent = "\u2922";
                    a.setAttribute("role", "button");
                    a.setAttribute("aria-label", "Fit the territory");
                    L.DomEvent.on(a, "click", function (e) {
                        L.DomEvent.stop(e); map.fitBounds(bounds, {padding: [8, 8]});
                    });
                    return div;
                }
            });
            new Fit().addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds):
        super().__init__()
        self._name = "MapBehaviour"
        self.bounds = [[float(v) for v in corner] for corner in bounds]
        self.css = LABEL_CSS


class SectorLabels(MacroElement):
    """Sector ids and lead codes written on the map where they fit: a label is hidden while
    the sector is smaller on screen than its text (checked again after every zoom). The
    texts are HTML-escaped before they reach the page, as tooltips' are."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            var data = {{ this.data|tojson }}.features;
            var shown = {};  // index -> marker, only for the labels that fit now
            function make(f) {
                // the texts are HTML-escaped in Python (as every tooltip's): markup in a
                // name shows as text
                var html = "<div class='planner-label'><b>" + f.properties.id + "</b>" +
                    (f.properties.lead ? "<br>" + f.properties.lead : "") + "</div>";
                var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
                return L.marker(ll, {interactive: false, keyboard: false,
                    icon: L.divIcon({className: "planner-label-icon", html: html,
                                     iconSize: null})});
            }
            function fit() {
                var map = group._map;
                if (!map) { return; }
                // the room a label needs, estimated from its text (no layout pass per label:
                // a phase can have a thousand sectors)
                for (var i = 0; i < data.length; i++) {
                    var p = data[i].properties, b = p.box;
                    var lo = map.latLngToContainerPoint([b[1], b[0]]);
                    var hi = map.latLngToContainerPoint([b[3], b[2]]);
                    var w = Math.abs(hi.x - lo.x), h = Math.abs(hi.y - lo.y);
                    var need = 7 * Math.max(p.chars, 2) + 6, tall = p.lead ? 28 : 15;
                    var fits = need < 0.9 * w && tall < 0.9 * h;
                    if (fits && !shown[i]) {
                        shown[i] = make(data[i]).addTo(group);
                    } else if (!fits && shown[i]) {
                        group.removeLayer(shown[i]);
                        delete shown[i];
                    }
                }
            }
            function watch() {
                if (group._map && !group._plannerLabels) {
                    group._plannerLabels = true;
                    group._map.on("zoomend", fit);
                }
                fit();
            }
            group.on("add", watch);
            setTimeout(watch, 0);
        })();
        {% endmacro %}
    """)

    def __init__(self, features: dict):
        super().__init__()
        self._name = "SectorLabels"
        self.data = features


LABEL_CSS = (".planner-label{font:11px/1.15 sans-serif;color:#111;text-align:center;"
             "white-space:nowrap;transform:translate(-50%,-50%);text-shadow:0 0 2px #fff,"
             "0 0 2px #fff,0 0 3px #fff;pointer-events:none}"
             ".planner-label-icon{background:none;border:none}")


def label_features(sectors_shown: gpd.GeoDataFrame) -> dict:
    """Label points (inside each sector) with the sector id, its lead and its size (its
    bounding box in lon/lat), as GeoJSON for :class:`SectorLabels`."""
    wgs = gpd.GeoSeries(sectors_shown.geometry.values, crs=sectors_shown.crs).to_crs(WGS84)
    points = shapely.point_on_surface(wgs.values)
    boxes = shapely.bounds(wgs.values)
    features = []
    for sid, lead, pt, box in zip(sectors_shown["sector_id"], sectors_shown["lead"], points,
                                  boxes):
        features.append({"type": "Feature",
                         "properties": {"id": html.escape(str(sid)),
                                        "lead": html.escape(str(lead or "")),
                                        "chars": max(len(str(sid)), len(str(lead or ""))),
                                        "box": [round(float(v), DECIMALS + 1) for v in box]},
                         "geometry": {"type": "Point", "coordinates": [
                             round(pt.x, DECIMALS + 1), round(pt.y, DECIMALS + 1)]}})
    return {"type": "FeatureCollection", "features": features}


def layer_switcher() -> folium.LayerControl:
    """The control that toggles the map's layers, folded into a button (it would otherwise
    cover part of the territory)."""
    return folium.LayerControl(collapsed=True)


def sector_group(scenario, sectors_shown: gpd.GeoDataFrame, *,
                 labels: bool = True) -> folium.FeatureGroup:
    """The sectors of a :func:`sector_display` frame as a layer group, coloured by lead, with
    their ids and leads written on them where they fit."""
    group = folium.FeatureGroup(name="sectors")
    if len(sectors_shown):
        colours = lead_colours(c.code for c in scenario.contingents)
        _sector_layer(sectors_shown, colours).add_to(group)
        if labels:
            SectorLabels(label_features(sectors_shown)).add_to(group)
    return group


def _tooltip(frame, fields):
    """A tooltip of the wanted fields that the layer has (scenario layers differ); none for an
    empty layer (a scenario without crossings), which folium would refuse to draw."""
    present = [f for f in fields if f in frame.columns]
    return folium.GeoJsonTooltip(present) if present and len(frame) else None


def sector_style(p: dict, colours: dict) -> dict:
    """How a sector is drawn: filled in its lead's colour; a hard violation outlined in red;
    a locked sector with a dashed outline; the selected sector with a thick dark outline."""
    style = {"fillColor": colours.get(p.get("lead"), NO_LEAD), "fillOpacity": 0.7,
             "color": "#333333", "weight": 1}
    if p.get("hard"):
        style.update(color=HARD_OUTLINE, weight=3)
    if p.get("locked"):
        style.update(dashArray="6 4", weight=max(style["weight"], 2))
    if p.get("selected"):  # thicker, keeping a hard violation's red
        style.update(color=HARD_OUTLINE if p.get("hard") else SELECTED_OUTLINE, weight=5,
                     fillOpacity=0.85)
    return style


def _sector_layer(frame, colours):
    tip = folium.GeoJsonTooltip(["sector_id", "lead", "troops", "required", "status"],
                                aliases=["sector", "lead", "troops", "required", "status"],
                                style="font-size:11px;padding:2px 4px")
    shown = frame.drop(columns=["rules"], errors="ignore")
    return _geojson(shown, "sectors", lambda f: sector_style(f["properties"], colours),
                    tooltip=tip)


def hatch_id(colour: str) -> str:
    """The id of the SVG pattern that hatches in ``colour`` (see :class:`Hatches`)."""
    return "planner-hatch-" + colour.lstrip("#")


def held_layer(scenario, held: gpd.GeoDataFrame, phase: int) -> folium.GeoJson:
    """The held-area polygons of ``phase``: grey and dashed when the scenario names no
    party; else each party in its own colour, named in the tooltip ("held by West")."""
    colours = party_colours(scenario)
    if not colours:
        return _geojson(held, f"held area (phase {phase})", lambda f: dict(HELD_STYLE),
                        tooltip=_tooltip(held, ["phase", "label"]))
    from geo.zones import parties_of
    shown = held.assign(party=parties_of(held))
    fields = [f for f in ("party", "phase", "label") if f in shown.columns]
    tip = folium.GeoJsonTooltip(fields, aliases=["held by" if f == "party" else f
                                                 for f in fields])

    def style(feature):
        colour = colours.get(html.unescape(feature["properties"]["party"]), HELD_STYLE["color"])
        return {**HELD_STYLE, "color": colour, "fillColor": colour, "fillOpacity": 0.5}
    return _geojson(shown, f"held area (phase {phase})", style, tooltip=tip)


def handover_layer(scenario, phase: int) -> folium.GeoJson | None:
    """Ground the authorities hold at ``phase``, hatched in each authority's colour, the
    tooltip saying "Handed over to <authority> in phase N"; None when there is none."""
    from planner.domain.holdings import handover_pieces
    pieces = handover_pieces(scenario.zones, phase)
    if pieces.empty:
        return None
    colours = authority_colours(scenario)
    shown = gpd.GeoDataFrame(
        {"authority": pieces["authority"],
         "handed": [f"Handed over to {a} in phase {p}"
                    for a, p in zip(pieces["authority"], pieces["since"])],
         "km²": pieces["km2"].round(2)}, geometry=pieces.geometry.values, crs=pieces.crs)

    def style(feature):
        colour = colours.get(html.unescape(feature["properties"]["authority"]), "#4d4d4d")
        return {"color": colour, "weight": 2, "fillColor": f"url(#{hatch_id(colour)})",
                "fillOpacity": 1}
    return _geojson(shown, "handed over", style,
                    tooltip=folium.GeoJsonTooltip(["handed", "km²"], aliases=["ground", "km²"]))


def lines_layer(scenario) -> folium.GeoJson | None:
    """The scenario's named agreed lines, dashed, each named in its tooltip; None when the
    scenario has none."""
    lines = scenario.layers.lines
    if lines is None or lines.empty:
        return None
    shown = lines[["name", lines.geometry.name]]
    styles = {html.escape(n): look for n, look in line_styles(scenario).items()}  # as shown

    def style(feature) -> dict:
        look = styles.get(str(feature["properties"].get("name") or "").strip())
        return {"color": look.colour if look else "#000000", "weight": LINE_WEIGHT,
                "dashArray": look.dash_array(LINE_WEIGHT) if look else None, "fill": False}

    return folium.GeoJson(display_features(shown), name="agreed lines", pane=LINES_PANE,
                          style_function=style,
                          tooltip=folium.GeoJsonTooltip(["name"], aliases=["line"]))


class Hatches(MacroElement):
    """SVG patterns of diagonal lines, one per colour, that a path's ``fillColor`` names as
    ``url(#planner-hatch-RRGGBB)``: handed-over ground reads as hatched in its authority's
    colour (the map draws with SVG, so a pattern in the page's document fills the path)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var ns = "http://www.w3.org/2000/svg";
            var svg = document.createElementNS(ns, "svg");
            svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
            svg.setAttribute("aria-hidden", "true");
            svg.style.position = "absolute";
            var defs = document.createElementNS(ns, "defs");
            {{ this.patterns|tojson }}.forEach(function (p) {
                var pat = document.createElementNS(ns, "pattern");
                pat.setAttribute("id", p.id);
                pat.setAttribute("patternUnits", "userSpaceOnUse");
                pat.setAttribute("width", "8"); pat.setAttribute("height", "8");
                pat.setAttribute("patternTransform", "rotate(45)");
                var back = document.createElementNS(ns, "rect");
                back.setAttribute("width", "8"); back.setAttribute("height", "8");
                back.setAttribute("fill", p.colour); back.setAttribute("fill-opacity", "0.15");
                var line = document.createElementNS(ns, "rect");
                line.setAttribute("width", "3"); line.setAttribute("height", "8");
                line.setAttribute("fill", p.colour); line.setAttribute("fill-opacity", "0.7");
                pat.appendChild(back); pat.appendChild(line); defs.appendChild(pat);
            });
            svg.appendChild(defs);
            document.body.appendChild(svg);
        })();
        {% endmacro %}
    """)

    def __init__(self, colours: dict[str, str]):
        super().__init__()
        self._name = "Hatches"
        self.patterns = [{"id": hatch_id(c), "colour": c}
                         for c in dict.fromkeys(colours.values())]


def holdings_legend(scenario, phase: int) -> list[tuple[str, str, str]]:
    """Legend entries (kind, colour, words) of the holders on the map at ``phase``: the
    army's held ground, or each party's; each authority holding ground; each named line."""
    from planner.domain.holdings import handover_pieces
    zones = scenario.zones
    parties = party_colours(scenario)
    out = [("fill-dashed", parties[p], f"ground {p} still holds in this phase")
           if p in parties else
           ("fill-dashed", HELD_STYLE["fillColor"], "ground the army still holds in this phase")
           for p in zones.held_by_party[phase]]
    colours = authority_colours(scenario)
    pieces = handover_pieces(zones, phase)
    for name in dict.fromkeys(pieces["authority"]):
        since = ", ".join(str(p) for p in sorted(set(pieces["since"][pieces["authority"]
                                                                      == name])))
        out.append(("hatch", colours[name], f"handed over to {name} (phase {since})"))
    out += [(f"dash {look.dash_array(1)}", look.colour, f"agreed line: {n}")
            for n, look in line_styles(scenario).items()]
    return out


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


def _population_layer(frame):
    """Residents per km² of each population polygon (off until switched on)."""
    shown = frame[[c for c in ("name", "population") if c in frame.columns]
                  + [frame.geometry.name]].copy()
    km2 = shown.geometry.area.to_numpy() / 1e6
    density = shown["population"].to_numpy(dtype=float) / np.maximum(km2, 1e-9)
    shown["per km²"] = np.round(density).astype(int)
    top = max(float(density.max()) if len(density) else 1.0, 1.0)

    def style(feature):
        share = min(feature["properties"]["per km²"] / top, 1.0)
        return {"color": "#6a51a3", "weight": 0.5, "fillColor": "#6a51a3",
                "fillOpacity": round(0.1 + 0.6 * share, 3)}
    return _geojson(shown, "population (residents per km²)", style, show=False,
                    tooltip=_tooltip(shown, ["name", "population", "per km²"]))


def _places_layer(frame):
    """Places other than crossings as small grey dots named in their tooltips."""
    kinds = frame["kind"].astype(str).str.strip().str.lower() if "kind" in frame.columns \
        else None
    towns = frame if kinds is None else frame[kinds != "crossing"]
    if towns.empty:
        return folium.FeatureGroup(name="places", show=False)
    marker = folium.CircleMarker(radius=3, color="#555", weight=1, fill=True,
                                 fill_color="#ffffff", fill_opacity=1)
    return folium.GeoJson(display_features(towns, simplify_m=0), name="places",
                          marker=marker, tooltip=_tooltip(towns, ["name", "kind"]))


def _crossings_layer(frame):
    """Crossings as yellow circles named in their tooltips: one layer for all, so the map
    does not grow by an element (and its templates) per crossing."""
    marker = folium.CircleMarker(radius=6, color="#000", weight=2, fill=True,
                                 fill_color="#ffd92f", fill_opacity=1)
    return folium.GeoJson(display_features(frame, simplify_m=0), name="crossings",
                          marker=marker, tooltip=_tooltip(frame, ["name"]))


def zoom_for(bounds, width: int = 800, height: int = 600, padding: int = 60) -> int:
    """The largest whole Web Mercator zoom at which ``bounds`` (lon/lat) fit a map of
    ``width`` x ``height`` pixels with ``padding`` to spare."""
    minx, miny, maxx, maxy = bounds

    def merc(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(max(min(lat, 85.0), -85.0)) / 2))
    dx = max((maxx - minx) / 360.0, 1e-9)
    dy = max((merc(maxy) - merc(miny)) / (2 * math.pi), 1e-9)
    fit = min(math.log2(max(width - padding, 1) / (256 * dx)),
              math.log2(max(height - padding, 1) / (256 * dy)))
    return int(max(1, min(18, math.floor(fit))))


def focus_view(focus, table, scenario, height: int, width: int = 800):
    """``(center, zoom)`` that show ``focus`` (``("sector", id)`` or ``("place", name)``), or
    ``(None, None)`` to keep the map as the planner left it."""
    if not focus:
        return None, None
    kind, name = focus
    if kind == "sector" and name in set(table.sectors["sector_id"].astype(str)):
        geom = table.sectors.loc[table.sectors["sector_id"].astype(str) == name]
        bounds = geom.to_crs(WGS84).total_bounds
        return ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2), \
            zoom_for(bounds, width, height)
    places = scenario.layers.places
    found = places[places["name"].astype(str) == name]
    if kind == "place" and len(found):
        point = found.to_crs(WGS84).geometry.values[0]
        return (point.y, point.x), 13
    return None, None


def legend_entries(scenario, leads_in_use: Iterable[str]) -> list[tuple[str, str, str]]:
    """(code, name, colour) for each lead nation on the map, in scenario order."""
    colours = lead_colours(c.code for c in scenario.contingents)
    used = set(leads_in_use)
    return [(c.code, c.name, colours[c.code]) for c in scenario.contingents if c.code in used]


def map_html_size(m: folium.Map) -> int:
    """Bytes of the rendered map HTML."""
    return len(m.get_root().render().encode("utf-8"))


__all__ = ["OfflineMap", "build_map", "display_frame", "handover_layer", "held_layer",
           "holdings_legend", "lead_colours", "legend_entries", "layer_switcher", "lines_layer",
           "map_html_size", "sector_display", "sector_group"]
