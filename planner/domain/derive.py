"""Layers derived from a scenario: vacated zones, increments, and sectors with attributes.

The zones come from ``Scenario.zones`` (computed once per scenario); a sector layer's
``contact_line`` and ``crossings`` columns describe each sector in the phase it opens, as the
:class:`planner.domain.sectors.SectorTable` defines them.
"""
from __future__ import annotations

from typing import Callable, Mapping

import geopandas as gpd
import pandas as pd

from geo.attributes import polygon_attributes
from geo.sectors import phase_sectors
from planner.domain.sectors import opening_facts, sector_table
from planner.domain.tags import with_tags


def scenario_zones(scenario) -> gpd.GeoDataFrame:
    """Vacated zone of each phase with its measures (metric CRS; shared, do not modify)."""
    return scenario.zones.vacated_frame


def scenario_increments(scenario) -> gpd.GeoDataFrame:
    """The increment each phase vacates (metric CRS; shared, do not modify)."""
    return scenario.zones.increments_frame


def sectors_for_phase(scenario, phase: int, count: int, *, balance: str = "population",
                      seed: int = 0, progress: Callable[[], None] | None = None,
                      **kw) -> gpd.GeoDataFrame:
    """Cut one phase's increment into ``count`` sectors with ids and attributes."""
    if phase not in scenario.phase_numbers:
        raise ValueError(f"`phase` must be one of {scenario.phase_numbers}; got {phase}")
    zones = scenario.zones
    frame = phase_sectors(zones.increments[phase], phase, count, scenario.surroundings(),
                          zones.held[phase], balance=balance, seed=seed, crs=scenario.crs,
                          progress=progress, **kw)
    return tagged(frame, scenario)


def tagged(sectors: gpd.GeoDataFrame, scenario) -> gpd.GeoDataFrame:
    """``sectors`` with the named coasts they touch and the context zones that hold them
    (``coasts`` and ``zones`` columns, see :mod:`planner.domain.tags`). Modifies and
    returns ``sectors``."""
    return with_tags(sectors, scenario.layers.borders, scenario.layers.zones,
                     scenario.geography.touch_m)


def scenario_sectors(scenario, counts: Mapping[int, int], *, balance: str = "population",
                     seed: int = 0, progress: Callable[[], None] | None = None,
                     **kw) -> gpd.GeoDataFrame:
    """The full sector layer: the union of every phase's partition (``kw``: ``cell_m``...)."""
    frames = [sectors_for_phase(scenario, p, counts[p], balance=balance, seed=seed,
                                progress=progress, **kw) for p in scenario.phase_numbers]
    return crossings_over_layer(gpd.GeoDataFrame(pd.concat(frames, ignore_index=True),
                                                  crs=scenario.crs), scenario)


def crossings_over_layer(sectors: gpd.GeoDataFrame, scenario) -> gpd.GeoDataFrame:
    """``sectors`` with its ``contact_line`` and ``crossings`` columns set to their meaning
    over the whole layer: each sector in the phase it opens (a crossing goes to the nearest
    sector open then). Modifies and returns ``sectors``."""
    contact, crossings = opening_facts(sector_table(scenario, sectors))
    sectors["contact_line"] = contact
    sectors["crossings"] = crossings
    return sectors


def with_attributes(sectors: gpd.GeoDataFrame, scenario) -> gpd.GeoDataFrame:
    """A planner's own sector layer with the attribute columns (re)computed, phase by phase."""
    held = scenario.zones.held
    around = scenario.surroundings()
    base = sectors[["sector_id", "phase", sectors.geometry.name]].copy()
    base["phase"] = base["phase"].astype(int)
    parts = [polygon_attributes(base[base["phase"] == p], around, held[p])
             for p in scenario.phase_numbers if (base["phase"] == p).any()]
    frame = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=sectors.crs)
    return crossings_over_layer(tagged(frame, scenario), scenario)
