"""The Compare page: two maps kept in step (Leaflet.Sync), or one with the changed sectors
hatched, as one self-contained HTML document.
"""
from __future__ import annotations

import html
import json

import shapely

from planner.ui.mapview import NO_LEAD, STATIC, display_features, display_frame, lead_colours
from planner.ui.compare_view.sides import Chosen
from planner.ui.compare_view.tables import change_rows


MAP_HEIGHT = 520          # pixels, each map
SYNC_JS = f"{STATIC}/L.Map.Sync.js"   # Leaflet.Sync 0.2.4 (BSD-3-Clause), vendored
CHANGED_OUTLINE = "#e7298a"
SELECTED_OUTLINE = "#000000"
HATCH_STROKE = "#222222"


def _open_sectors(table, phase: int):
    frame = table.sectors
    return frame[frame["sector_id"].astype(str).isin(table.open_in(phase))]


def _tip(sid, plan, other, phase, change: str, side: str) -> str:
    """A sector's tooltip as HTML, every value escaped."""
    a, o = plan.get(phase, sid), other.get(phase, sid)
    lines = [f"<b>{html.escape(sid)}</b> ({side})",
             f"lead: {html.escape(a.lead or 'none')}",
             f"troops: {a.total:,}"]
    if change:
        lines.append(f"changed: {html.escape(change)}")
        if o.lead != a.lead:
            lines.append(f"lead in the other plan: {html.escape(o.lead or 'none')}")
    return "<br>".join(lines)


def _sector_items(table, phase, plan, other, changes, colours, shapes, seen, side,
                  hatches=None) -> list[dict]:
    frame = _open_sectors(table, phase)
    ids = frame["sector_id"].astype(str).tolist()
    geometry = display_features(frame[["sector_id", frame.geometry.name]])["features"]
    items = []
    for sid, wkb, feature in zip(ids, shapely.to_wkb(frame.geometry.values), geometry):
        if wkb not in seen:
            seen[wkb] = len(shapes)
            shapes.append(feature["geometry"])
        lead = plan.get(phase, sid).lead
        colour = colours.get(lead, NO_LEAD)
        item = {"sector_id": sid, "shape": seen[wkb], "colour": colour,
                "changed": sid in changes,
                "tip": _tip(sid, plan, other, phase, changes.get(sid, ""), side)}
        if hatches is not None and sid in changes:
            item["hatch"] = hatches.setdefault(colour, f"hatch-{len(hatches)}")
        items.append(item)
    return items


def _layer_features(frame, *columns) -> dict:
    """A background layer for display with only ``columns`` of its properties (those it
    has) and a ``layer`` property, so no other field of the scenario reaches the page."""
    keep = [c for c in columns if c in frame.columns]
    return display_features(frame[keep + [frame.geometry.name]].assign(layer="background"))


def _script_json(data) -> str:
    """JSON safe inside a <script> element: no ``<``, ``>`` or ``&`` left to end it."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def holdings_data(scenario, phase: int) -> dict:
    """Who holds the ground around the sectors at ``phase``, for the compare maps: ``held``
    (each party's ground, with its colour and name), ``handed`` (each authority's, with its
    colour and a tooltip) and ``lines`` (named lines, with colour, dash and name); the
    colours are the Plan page's (:mod:`planner.domain.holdings`). None where there is none.
    """
    import geopandas as gpd

    from planner.domain.holdings import (HELD_COLOUR, authority_colours, line_styles,
                                         party_colours)
    zones, crs = scenario.zones, scenario.crs
    parties, authorities = party_colours(scenario), authority_colours(scenario)
    held = [(name, parties.get(name, HELD_COLOUR), f"held by {name}" if name in parties
             else "held by the army", geom)
            for name, geom in zones.held_by_party[phase].items() if not geom.is_empty]
    handed = [(name, authorities.get(name, HELD_COLOUR), f"Handed over to {name}", geom)
              for name, geom in zones.handed[phase].items() if not geom.is_empty]

    def frame(rows):
        if not rows:
            return None
        return _layer_features(gpd.GeoDataFrame(
            {"name": [r[0] for r in rows], "colour": [r[1] for r in rows],
             "tip": [html.escape(r[2]) for r in rows]}, geometry=[r[3] for r in rows],
            crs=crs), "name", "colour", "tip")

    lines, styles = scenario.layers.lines, line_styles(scenario)
    drawn = None
    if lines is not None and not lines.empty:
        names = lines["name"].astype(str).str.strip()
        drawn = _layer_features(lines.assign(
            colour=[styles[n].colour for n in names],
            dash=[styles[n].dash_array(3) for n in names],
            tip=[html.escape(n) for n in names]), "colour", "dash", "tip")
    holders = [{"name": r[0], "colour": r[1], "kind": kind}
               for kind, rows in (("party", held if parties else []), ("authority", handed))
               for r in rows]
    holders += [{"name": n, "colour": st.colour, "kind": "line"} for n, st in styles.items()]
    return {"held": frame(held), "handed": frame(handed), "lines": drawn, "holders": holders}


def map_data(env, a: Chosen, b: Chosen, c, phase: int, *, one_map: bool = False,
             selected: str | None = None) -> dict:
    """What the compare map document draws (see :func:`compare_map_html`), as plain data:
    sector shapes (each distinct geometry once), each pane's sectors with colour, change
    and tooltip, the territory, the phase's held area, borders, bounds and legend."""
    scenario = env.scenario_for(a.work)
    colours = lead_colours(c.code for c in scenario.contingents)
    plan_a, plan_b = a.work.plan, b.work.plan
    changes = {r["sector"]: r["change"] for r in change_rows(env, a, b, c, phase)}
    shapes, seen = [], {}
    table_a, table_b = env.table_for(a.work), env.table_for(b.work)
    if one_map:
        hatches: dict[str, str] = {}
        panes = [{"title": f"B: {b.label}, over A: {a.label} (changed sectors hatched)",
                  "hatch": True,
                  "sectors": _sector_items(table_b, phase, plan_b, plan_a, changes, colours,
                                           shapes, seen, "B", hatches)}]
        hatch_list = [{"id": i, "colour": col} for col, i in hatches.items()]
    else:
        panes = [{"title": f"A: {a.label}", "hatch": False,
                  "sectors": _sector_items(table_a, phase, plan_a, plan_b, changes, colours,
                                           shapes, seen, "A")},
                 {"title": f"B: {b.label}", "hatch": False,
                  "sectors": _sector_items(table_b, phase, plan_b, plan_a, changes, colours,
                                           shapes, seen, "B")}]
        hatch_list = []
    layers = scenario.layers
    minx, miny, maxx, maxy = display_frame(layers.territory).total_bounds
    leads = {x.lead for plan in (plan_a, plan_b) for x in plan.phase(phase) if x.lead}
    legend = [{"code": x.code, "name": x.name, "colour": colours[x.code]}
              for x in scenario.contingents if x.code in leads]
    return {"shapes": shapes, "panes": panes, "hatches": hatch_list,
            "territory": _layer_features(layers.territory),
            **holdings_data(scenario, phase),
            "borders": _layer_features(layers.borders, "kind"),
            "bounds": [[float(miny), float(minx)], [float(maxy), float(maxx)]],
            "selected": selected, "legend": legend,
            "view_key": f"{scenario.name}|{phase}",
            "styles": {"changed": CHANGED_OUTLINE, "selected": SELECTED_OUTLINE,
                       "hatch_stroke": HATCH_STROKE, "no_lead": NO_LEAD}}


def compare_map_html(env, a: Chosen, b: Chosen, c, phase: int, *, one_map: bool = False,
                     selected: str | None = None, height: int = MAP_HEIGHT) -> str:
    """One self-contained HTML document: two Leaflet maps of ``phase``, A left and B right,
    whose pan and zoom move together (Leaflet.Sync), sectors coloured by lead, changed
    sectors outlined, ``selected`` highlighted in both; or (``one_map``) B's map alone with
    the changed sectors hatched (an SVG pattern over the lead's colour).

    Leaflet and the plugin load from ``/app/static/leaflet/`` (the app's static folder);
    nothing is fetched from anywhere else. Every name is HTML-escaped. The maps are on the
    document's ``window.compareMaps`` (for tests); the view is kept in the tab's
    ``sessionStorage`` per scenario and phase, so a redrawn document (another sector
    selected) opens where the planner left it; the first one fits the territory.
    """
    data = map_data(env, a, b, c, phase, one_map=one_map, selected=selected)
    panes = "".join(
        f'<div class="col"><div class="title" title="{html.escape(p["title"])}">'
        f'{html.escape(p["title"])}</div><div class="map" id="map{i}"></div></div>'
        for i, p in enumerate(data["panes"]))
    legend = " ".join(
        f'<span class="sw" style="background:{x["colour"]}"></span>{html.escape(x["code"])} '
        f'({html.escape(x["name"])})' for x in data["legend"])
    legend += (f' <span class="sw" style="background:{NO_LEAD}"></span>no lead'
               f' <span class="sw out" style="border-color:{CHANGED_OUTLINE}"></span>changed'
               f' <span class="sw out" style="border-color:{SELECTED_OUTLINE}"></span>selected')
    if one_map:
        legend += ' <span class="sw hatch"></span>changed (hatched)'
    for x in data["holders"]:
        words = {"party": "held by ", "authority": "handed over to ", "line": ""}[x["kind"]]
        shape = "line" if x["kind"] == "line" else "sw"
        legend += (f' <span class="{shape}" style="background:{x["colour"]}"></span>'
                   f'{html.escape(words + x["name"])}')
    return (_TEMPLATE.replace("__STATIC__", STATIC).replace("__SYNC__", SYNC_JS)
            .replace("__HEIGHT__", str(int(height))).replace("__PANES__", panes)
            .replace("__LEGEND__", legend).replace("__DATA__", _script_json(data)))


_TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="__STATIC__/leaflet.css">
<script src="__STATIC__/leaflet.js"></script>
<script src="__SYNC__"></script>
<style>
html, body { margin: 0; padding: 0; font-family: "Source Sans Pro", sans-serif; font-size: 13px; }
.row { display: flex; gap: 10px; }
.col { flex: 1; min-width: 0; }
.title { font-weight: 600; margin: 0 0 4px 0; white-space: nowrap; overflow: hidden;
         text-overflow: ellipsis; }
.map { height: __HEIGHT__px; border: 1px solid #bbb; background: #eef3f7; }
.legend { margin-top: 6px; line-height: 20px; }
.sw { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 10px;
      vertical-align: middle; border: 1px solid #555; }
.sw.out { background: #fff; border-width: 3px; width: 8px; height: 8px; }
.line { display: inline-block; width: 18px; height: 3px; vertical-align: middle; }
.sw.hatch { background: repeating-linear-gradient(45deg, #999 0 3px, #222 3px 5px); }
</style></head><body>
<div class="row">__PANES__</div>
<div class="legend">__LEGEND__</div>
<script>
(function () {
  var D = __DATA__;
  var S = D.styles;
  var NS = "http://www.w3.org/2000/svg";
  function collection(items) {
    return {type: "FeatureCollection", features: items.map(function (p) {
      return {type: "Feature", properties: p, geometry: D.shapes[p.shape]}; })};
  }
  function addHatches(map) {
    var svg = map.getPanes().overlayPane.querySelector("svg");
    if (!svg || !D.hatches.length) return;
    var defs = document.createElementNS(NS, "defs");
    D.hatches.forEach(function (h) {
      var p = document.createElementNS(NS, "pattern");
      p.setAttribute("id", h.id);
      p.setAttribute("patternUnits", "userSpaceOnUse");
      p.setAttribute("width", "8"); p.setAttribute("height", "8");
      p.setAttribute("patternTransform", "rotate(45)");
      var r = document.createElementNS(NS, "rect");
      r.setAttribute("width", "8"); r.setAttribute("height", "8");
      r.setAttribute("fill", h.colour);
      var l = document.createElementNS(NS, "line");
      l.setAttribute("x1", "0"); l.setAttribute("y1", "0");
      l.setAttribute("x2", "0"); l.setAttribute("y2", "8");
      l.setAttribute("stroke", S.hatch_stroke); l.setAttribute("stroke-width", "3");
      p.appendChild(r); p.appendChild(l); defs.appendChild(p);
    });
    svg.insertBefore(defs, svg.firstChild);
  }
  function style(p, hatch) {
    var selected = p.sector_id === D.selected;
    var fill = (hatch && p.hatch) ? "url(#" + p.hatch + ")" : p.colour;
    return {fillColor: fill, fillOpacity: (hatch && p.hatch) ? 0.9 : 0.7,
            color: selected ? S.selected : (p.changed ? S.changed : "#333333"),
            weight: selected ? 5 : (p.changed ? 3 : 1)};
  }
  var maps = [], chosen = [];
  D.panes.forEach(function (pane, i) {
    var map = L.map("map" + i, {zoomSnap: 0.25, attributionControl: false});
    map.fitBounds(D.bounds);
    L.geoJSON(D.territory, {interactive: false, style: {color: "#555555", weight: 1,
      fillColor: "#f5f1e6", fillOpacity: 0.6}}).addTo(map);
    if (pane.hatch) addHatches(map);
    if (D.held) L.geoJSON(D.held, {style: function (f) { var c = f.properties.colour;
      return {color: c, weight: 1, fillColor: c, fillOpacity: 0.45, dashArray: "4"}; },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.tip, {sticky: true}); }
      }).addTo(map);
    if (D.handed) L.geoJSON(D.handed, {style: function (f) { var c = f.properties.colour;
      return {color: c, weight: 2, fillColor: c, fillOpacity: 0.3}; },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.tip, {sticky: true}); }
      }).addTo(map);
    L.geoJSON(collection(pane.sectors), {
      style: function (f) { return style(f.properties, pane.hatch); },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(f.properties.tip, {sticky: true});
        if (f.properties.sector_id === D.selected) chosen.push([map, layer]);
      }}).addTo(map);
    L.geoJSON(D.borders, {interactive: false, style: function (f) {
      var coast = f.properties && f.properties.kind === "coast";
      return {color: coast ? "#3182bd" : "#000000", weight: coast ? 3 : 2}; }}).addTo(map);
    if (D.lines) L.geoJSON(D.lines, {style: function (f) {
      return {color: f.properties.colour, weight: 3, dashArray: f.properties.dash}; },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.tip, {sticky: true}); }
      }).addTo(map);
    L.control.scale({imperial: false}).addTo(map);
    maps.push(map);
  });
  var key = "planner-compare-view|" + D.view_key, saved = null;
  try { saved = JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (e) {}
  if (saved) maps[0].setView(saved.center, saved.zoom, {animate: false});
  if (maps.length === 2) { maps[0].sync(maps[1]); maps[1].sync(maps[0]); }
  chosen.forEach(function (ml) {
    ml[1].bringToFront();
    if (!ml[0].getBounds().intersects(ml[1].getBounds()))
      ml[0].panTo(ml[1].getBounds().getCenter(), {animate: false});
  });
  maps[0].on("moveend", function () {
    var c = maps[0].getCenter();
    try { window.sessionStorage.setItem(key, JSON.stringify(
      {center: [c.lat, c.lng], zoom: maps[0].getZoom()})); } catch (e) {}
  });
  window.compareMaps = maps;
  window.compareSelected = D.selected;
})();
</script></body></html>
"""


# --- what-if variants ---------------------------------------------------------------------
