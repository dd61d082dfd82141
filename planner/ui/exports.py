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
    return dict(report=view.report, requirements=view.requirements, contingents=view.force,
                mandate=view.settings.mandate, nations=view.codes, plan_name=s.name,
                revision=s.revision)


def members(view) -> dict:
    """The top-level members of the GeoJSON export."""
    s = view.state
    return {"settings": view.settings.as_dict(),
            "plan": {"name": s.name, "revision": s.revision},
            "scenario": view.scenario.identity}  # name and content hash


def export_geojson(view) -> bytes:
    """The plan as RFC 7946 GeoJSON with per-sector status."""
    return plan_geojson(view.plan, view.table, members=members(view),
                        **_columns(view)).encode("utf-8")


def export_csv(view) -> bytes:
    """CSV assignments, one row per phase, sector and contingent."""
    s = view.state
    return plan_csv(view.plan, view.table, mandate=view.settings.mandate, plan_name=s.name,
                    revision=s.revision).encode("utf-8")


def export_holdings(view) -> bytes:
    """Who holds what at every phase (:func:`planner.domain.holdings.holdings_layer`: phase,
    holder, kind, km2, share) as RFC 7946 GeoJSON."""
    from geo.export import geojson_text
    from planner.domain.holdings import holdings_layer
    return geojson_text(holdings_layer(view.scenario.zones), name="holdings").encode("utf-8")


def export_gpkg(view) -> bytes:
    """Every layer plus the plan (the GeoJSON export's columns), as one GeoPackage: with
    ``holdings`` (who holds what at every phase) and, when the scenario has them, its
    ``handover`` and ``lines`` layers."""
    from geo.export import write_gpkg
    from planner.domain.derive import scenario_increments
    from planner.domain.holdings import holdings_layer
    scenario = view.scenario
    layers = scenario.layers
    frames = {"territory": layers.territory, "held": layers.held,
              "increments": scenario_increments(scenario), "population": layers.population,
              "places": layers.places, "borders": layers.borders, "sectors": view.table.sectors,
              "plan": plan_frame(view.plan, view.table, **_columns(view)),
              "holdings": holdings_layer(scenario.zones)}
    for name in ("zones", "handover", "lines"):
        frame = getattr(layers, name)
        if frame is not None and len(frame):
            frames[name] = frame
    frames.update({f"context_{name}": frame for name, frame in layers.context.items()})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "planner.gpkg"
        write_gpkg(frames, path)
        return path.read_bytes()


def export_png(view, phase: int) -> bytes:
    """The briefing's map page of ``phase`` as PNG (the same drawing as the PDF's)."""
    from planner.briefing import phase_map_png
    s = view.state
    return phase_map_png(view.scenario, view.plan, phase, report=view.report, table=view.table,
                         mandate=view.settings.mandate, plan_name=s.name, revision=s.revision)


def export_briefing(view, *, author: str | None = None, progress=None) -> bytes:
    """The briefing of the working state as PDF (see :func:`planner.briefing.briefing_pdf`);
    ``progress(done, total, what)`` is called as pages are made."""
    from planner.briefing import briefing_pdf
    s = view.state
    return briefing_pdf(view.scenario, view.plan, mandate=view.settings.mandate,
                        plan_name=s.name, revision=s.revision, author=author or None,
                        table=view.table, report=view.report, progress=progress)
