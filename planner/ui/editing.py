"""Editing a plan in the app: history (undo/redo), map clicks, violation lists, exports.

No Streamlit here; ``app.py`` wires these to widgets, and tests call them directly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from geo.errors import InputError
from planner.domain.plan import Plan
from planner.files.planfile import plan_csv, plan_geojson, read_plan

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class History:
    """Plans behind, the plan now, and plans undone (redo). Plans are immutable, so a step
    back costs nothing."""

    present: Plan
    past: tuple[Plan, ...] = ()
    future: tuple[Plan, ...] = ()

    def push(self, plan: Plan) -> "History":
        """A new edit: the present goes behind, redo is forgotten."""
        if plan == self.present:
            return self
        return History(plan, (self.past + (self.present,))[-HISTORY_LIMIT:], ())

    def undo(self) -> "History":
        if not self.past:
            return self
        return History(self.past[-1], self.past[:-1], (self.present,) + self.future)

    def redo(self) -> "History":
        if not self.future:
            return self
        return History(self.future[0], self.past + (self.present,), self.future[1:])


CLICK_OBJECTS = ["last_object_clicked", "last_object_clicked_tooltip", "last_active_drawing"]


def clicked_sector(map_state, open_sectors) -> str | None:
    """The open sector last clicked on the map, or None.

    ``map_state`` is what ``st_folium`` returns. A click on a GeoJSON path fills
    ``last_object_clicked_tooltip`` (the sector tooltip names its id); some builds also give
    the clicked feature in ``last_active_drawing``. A click elsewhere (territory, crossing,
    background) names no open sector and gives None.
    """
    state = map_state or {}
    open_ = set(open_sectors)
    feature = state.get("last_active_drawing") or {}
    sector = (feature.get("properties") or {}).get("sector_id")
    if sector in open_:
        return sector
    words = re.findall(r"[^\s:;,]+", state.get("last_object_clicked_tooltip") or "")
    return next((w for w in words if w in open_), None)


def violation_groups(report, phase: int) -> dict[str, list]:
    """The phase's violations (and phase-less ones) by severity, hard first."""
    groups = {"hard": [], "soft": []}
    for v in report.violations:
        if v.phase in (None, phase):
            groups[v.severity].append(v)
    return groups


VIOLATIONS_PER_PAGE = 25
TABLE_ROWS_PER_PAGE = 100


def page_of(items: list, page: int, per_page: int):
    """One page of a long list (violations, table rows), and the number of pages (>= 1).

    A plan far from done can break thousands of conditions, and a phase can hold a thousand
    sectors; a page keeps the browser readable and fast. ``page`` counts from 1 and is
    clamped to the pages there are.
    """
    pages = max(1, -(-len(items) // per_page))
    page = min(max(1, int(page)), pages)
    return items[(page - 1) * per_page: page * per_page], pages


def violation_summary(items: list) -> list[tuple[str, str, int]]:
    """``(rule id, rule kind, count)`` for the violations, most frequent first."""
    counts: dict[tuple[str, str], int] = {}
    for v in items:
        counts[v.rule_id, v.kind] = counts.get((v.rule_id, v.kind), 0) + 1
    return sorted(((r, k, n) for (r, k), n in counts.items()), key=lambda x: (-x[2], x[0]))


def edit_sector(plan: Plan, phase: int, sector: str, lead: str | None,
                troops: dict[str, int]) -> Plan:
    """The plan with one sector's lead and troops replaced in one phase."""
    if any(t < 0 for t in troops.values()):
        bad = {n: t for n, t in troops.items() if t < 0}
        raise ValueError(f"`troops` must be 0 or more; got {bad}")
    current = plan.get(phase, sector)
    return plan.with_assignment(replace(current, lead=lead or None, troops=troops))


def starting_plan(scenario, table) -> Plan:
    """The scenario's ``example-plan.geojson`` when it ships one, else an empty plan."""
    path = Path(scenario.root) / "example-plan.geojson"
    if not path.is_file():
        return Plan({})
    try:
        return read_plan(path, table, [c.code for c in scenario.contingents])
    except InputError:
        return Plan({})


def export_geojson(plan, table, report, requirements, mandate, codes) -> bytes:
    """The plan as RFC 7946 GeoJSON with per-sector status, for download."""
    return plan_geojson(plan, table, report=report, requirements=requirements,
                        mandate=mandate, nations=codes).encode("utf-8")


def export_csv(plan, table) -> bytes:
    """CSV assignments, for download."""
    return plan_csv(plan, table).encode("utf-8")


def export_gpkg(scenario, plan, table, report, requirements, mandate) -> bytes:
    """Every layer plus the plan, as one GeoPackage (metric CRS), for download."""
    import tempfile

    from geo.export import write_gpkg
    from planner.domain.derive import scenario_increments
    from planner.files.planfile import plan_frame
    layers = scenario.layers
    frames = {"territory": layers.territory, "held": layers.held,
              "increments": scenario_increments(scenario), "population": layers.population,
              "places": layers.places, "borders": layers.borders, "sectors": table.sectors,
              "plan": plan_frame(plan, table, report=report, requirements=requirements,
                                 mandate=mandate)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "planner.gpkg"
        write_gpkg(frames, path)
        return path.read_bytes()


def export_png(scenario, plan, table, phase: int, report=None) -> bytes:
    """A briefing map of one phase as PNG: sectors coloured by lead, held area, crossings."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from planner.ui.mapview import HARD_OUTLINE, NO_LEAD, lead_colours
    colours = lead_colours(c.code for c in scenario.contingents)
    open_ = table.sectors[table.sectors["phase"] <= phase]
    hard = report.hard_keys() if report is not None else set()
    fig, ax = plt.subplots(figsize=(7, 9), dpi=120)
    scenario.layers.territory.plot(ax=ax, color="#f5f1e6", edgecolor="#555555")
    scenario.layers.held[scenario.layers.held["phase"] == phase].plot(ax=ax, color="#9e9e9e")
    for sid, geom in zip(open_["sector_id"], open_.geometry):
        lead = plan.get(phase, sid).lead
        edge = HARD_OUTLINE if (phase, sid) in hard else "#333333"
        ax.add_patch(_patch(geom, colours.get(lead, NO_LEAD), edge))
        c = geom.representative_point()
        ax.annotate(f"{sid}\n{lead or '-'}", (c.x, c.y), ha="center", va="center", fontsize=6)
    crossings = scenario.layers.crossings
    ax.scatter(crossings.geometry.x, crossings.geometry.y, s=25, c="#ffd92f", edgecolors="k",
               zorder=5)
    label = next(p.label for p in scenario.phases if p.phase == phase)
    ax.set_title(f"{scenario.name}: {label}", fontsize=9)
    ax.set_axis_off()
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def _patch(geom, face, edge):
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath
    import numpy as np
    import shapely
    verts, codes = [], []
    for poly in shapely.get_parts(geom):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            verts += xy.tolist()
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY]
    return PathPatch(MplPath(verts, codes), facecolor=face, edgecolor=edge, linewidth=0.8)


def import_plan(name: str, data: bytes, table, codes) -> Plan:
    """Read an uploaded plan (GeoJSON or CSV by name); :class:`InputError` names the problem."""
    import tempfile
    suffix = ".csv" if name.lower().endswith(".csv") else ".geojson"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path = path.with_suffix(suffix) if path.suffix.lower() not in (".csv", ".geojson", ".json") else path
        path.write_bytes(data)
        try:
            return read_plan(path, table, codes)
        except InputError as exc:
            shown = [replace(p, file=name) for p in exc.problems]  # the name the user knows
            raise InputError(shown) from None


def phase_rows(plan: Plan, phase: int, sectors, codes, requirements) -> list[dict]:
    """One editable row per open sector of ``phase``: lead, troops of each contingent."""
    rows = []
    for s in sectors:
        a = plan.get(phase, s)
        row = {"sector": s, "required": requirements[(phase, s)].troops, "lead": a.lead or ""}
        row.update({c: int(a.troops.get(c, 0)) for c in codes})
        rows.append(row)
    return rows


def plan_from_rows(plan: Plan, phase: int, rows: list[dict], codes) -> Plan:
    """The plan with ``phase`` replaced by edited rows, validated like any other input.

    Raises
    ------
    InputError
        Every unknown sector or lead, or troop figure that is not a whole number >= 0,
        naming the row and column.
    """
    from geo.errors import problem
    problems, new = [], plan
    open_ = {k[1] for k in plan.assignments if k[0] == phase}
    for i, row in enumerate(rows):
        sector = row.get("sector")
        lead = (row.get("lead") or "").strip() or None
        if lead is not None and lead not in codes:
            problems.append(problem("assignments table", "unknown nation", feature=f"row {i}",
                                    feature_id=sector, field="lead", value=lead))
        troops = {}
        for c in codes:
            value = row.get(c, 0)
            if value is None or value != value:
                value = 0
            if not float(value).is_integer() or value < 0:
                problems.append(problem("assignments table", "must be a whole number of "
                                        "troops, 0 or more", feature=f"row {i}",
                                        feature_id=sector, field=c, value=value))
                continue
            troops[c] = int(value)
        new = edit_sector(new, phase, sector, lead, {c: max(t, 0) for c, t in troops.items()})
    if problems:
        raise InputError(problems)
    return new


def regenerate_sectors(scenario, sectors, phase: int, count: int, *, balance: str = "population",
                       seed: int = 0):
    """The sector layer with ``phase``'s sectors cut again into ``count`` (other phases kept)."""
    import geopandas as gpd
    import pandas as pd

    from planner.domain.derive import crossings_over_layer, sectors_for_phase
    fresh = sectors_for_phase(scenario, phase, count, balance=balance, seed=seed)
    kept = sectors[sectors["phase"] != phase]
    frame = pd.concat([kept[fresh.columns], fresh]).sort_values(["phase", "sector_id"])
    layer = gpd.GeoDataFrame(frame.reset_index(drop=True), crs=sectors.crs)
    return crossings_over_layer(layer, scenario)


def plan_without_sectors(plan: Plan, sector_ids) -> Plan:
    """The plan without any assignment or pin on ``sector_ids`` (their ground was re-cut)."""
    gone = set(sector_ids)
    return Plan({k: a for k, a in plan.assignments.items() if k[1] not in gone},
                {k: p for k, p in plan.pins.items() if k[1] not in gone})


LAYER_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".kml")


def scenario_with_layer(scenario, layer: str, name: str, data: bytes, workdir):
    """The scenario with one layer replaced by an uploaded file, fully validated.

    The scenario folder is copied into ``workdir`` and the upload takes the layer's place,
    so the whole scenario is loaded and checked as usual; on any problem nothing changes
    and :class:`InputError` names the uploaded file, feature, field and value.
    """
    import shutil

    import yaml

    from geo.errors import problem
    from planner.domain.scenario import LAYER_SPECS
    from planner.files.scenario_file import load_scenario
    suffix = Path(name).suffix.lower()
    if layer not in LAYER_SPECS:
        raise ValueError(f"`layer` must be one of {sorted(LAYER_SPECS)}; got {layer!r}")
    if suffix not in LAYER_SUFFIXES:
        raise InputError(problem(name, f"unsupported file type; use one of "
                                       f"{', '.join(LAYER_SUFFIXES)}", value=suffix))
    folder = Path(workdir) / "scenario"
    shutil.copytree(scenario.root, folder)
    target = folder / f"uploaded-{layer}{suffix}"
    target.write_bytes(data)
    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    doc.setdefault("layers", {})[layer] = target.name
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True),
                                          encoding="utf-8")
    try:
        return load_scenario(folder)
    except InputError as exc:
        raise InputError([replace(p, file=name) if Path(p.file).name == target.name else p
                          for p in exc.problems]) from None
