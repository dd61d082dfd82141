"""Downloads of the working state, each with a stable schema.

Every export holds the plan the page shows (the store's latest revision the session knows):
a ``troops_<CODE>`` column for every contingent of the scenario (whether or not it deploys),
the mandate, the plan's name and revision; the GeoJSON also carries the settings (mandate,
force, vetoes) as top-level members (RFC 7946 allows foreign members), so importing it
restores them.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from planner.files.planfile import plan_csv, plan_frame, plan_geojson


def _columns(view) -> dict:
    s = view.state
    return dict(report=view.report, requirements=view.requirements,
                mandate=view.settings.mandate, nations=view.codes, plan_name=s.name,
                revision=s.revision)


def members(view) -> dict:
    """The top-level members of the GeoJSON export."""
    s = view.state
    return {"settings": view.settings.as_dict(),
            "plan": {"name": s.name, "revision": s.revision},
            "scenario": {"name": view.scenario.name}}


def export_geojson(view) -> bytes:
    """The plan as RFC 7946 GeoJSON with per-sector status."""
    return plan_geojson(view.plan, view.table, members=members(view),
                        **_columns(view)).encode("utf-8")


def export_csv(view) -> bytes:
    """CSV assignments, one row per phase, sector and contingent."""
    s = view.state
    return plan_csv(view.plan, view.table, mandate=view.settings.mandate, plan_name=s.name,
                    revision=s.revision).encode("utf-8")


def export_gpkg(view) -> bytes:
    """Every layer plus the plan (the GeoJSON export's columns), as one GeoPackage."""
    from geo.export import write_gpkg
    from planner.domain.derive import scenario_increments
    scenario = view.scenario
    layers = scenario.layers
    frames = {"territory": layers.territory, "held": layers.held,
              "increments": scenario_increments(scenario), "population": layers.population,
              "places": layers.places, "borders": layers.borders, "sectors": view.table.sectors,
              "plan": plan_frame(view.plan, view.table, **_columns(view))}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "planner.gpkg"
        write_gpkg(frames, path)
        return path.read_bytes()


def export_png(view, phase: int) -> bytes:
    """A briefing map of one phase as PNG: sectors coloured by lead, held area, crossings."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from planner.ui.mapview import HARD_OUTLINE, NO_LEAD, lead_colours
    scenario, plan, table, report = view.scenario, view.plan, view.table, view.report
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
