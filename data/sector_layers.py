"""What the bundled scenarios' ``make_layers.py`` scripts share: the sector layer cut from
``scenario.yaml``'s ``sectoring``, and the handover drawn on it.

In both scenarios the handover was agreed after the sectors were drawn, as it goes in
practice: an authority takes over whole areas of responsibility. So the sectors are cut
from the scenario as it stood before (without ``layers.handover``), and each handover area
is made of the sectors it takes over, written with their own coordinates: no shipped sector
straddles a handover boundary. (Cut again with the handover, ``planner sectors`` follows
the handover's boundary, and the other sectors of that phase come out differently.)
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd
import yaml

from geo.export import write_geojson
from planner.domain.derive import scenario_sectors
from planner.domain.scenario import Scenario
from planner.files.scenario_file import load_scenario


def scenario_before_handover(folder: Path) -> Scenario:
    """The scenario in ``folder`` without its handover layer (and without sectors)."""
    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    doc["layers"].pop("handover", None)
    # Layer files are relative to the YAML file: the copy lives beside the original.
    fd, name = tempfile.mkstemp(suffix=".yaml", prefix=".before-handover-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)
        return load_scenario(Path(name), sectors=False)
    finally:
        os.unlink(name)


def write_sectors(folder: Path) -> gpd.GeoDataFrame:
    """Cut each phase's increment into the sectors that ``sectoring`` asks for (before the
    handover), write them as ``sectors.geojson`` and return them (metric CRS)."""
    scenario = scenario_before_handover(folder)
    s = scenario.sectoring
    sectors = scenario_sectors(scenario, s.counts, balance=s.balance, seed=s.seed,
                               cell_m=s.cell_m)
    sectors = sectors[["sector_id", "phase", "geometry"]]
    write_geojson(sectors, folder / "sectors.geojson")
    print(f"sectors: {dict(s.counts)} by {s.balance}, seed {s.seed}")
    return sectors


def write_handover(folder: Path, sectors: gpd.GeoDataFrame,
                   areas: list[tuple[str, int, str, list[str]]]) -> None:
    """Write ``handover.geojson``: for each ``(name, phase, authority, sector ids)`` of
    ``areas``, one polygon per sector (its own geometry), with ``name``, ``phase`` and
    ``authority``."""
    rows = {"name": [], "phase": [], "authority": []}
    geoms = []
    by_id = sectors.set_index("sector_id").geometry
    for name, phase, authority, ids in areas:
        for sector_id in ids:
            rows["name"].append(name), rows["phase"].append(phase)
            rows["authority"].append(authority), geoms.append(by_id[sector_id])
        km2 = sum(by_id[i].area for i in ids) / 1e6
        print(f"handover: {name} ({', '.join(ids)}, {km2:,.1f} km²) to {authority} "
              f"from phase {phase}")
    write_geojson(gpd.GeoDataFrame(rows, geometry=geoms, crs=sectors.crs),
                  folder / "handover.geojson")
