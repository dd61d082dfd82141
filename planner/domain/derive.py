"""Layers derived from a scenario: vacated zones, increments, and sectors with attributes."""
from __future__ import annotations

from typing import Callable, Mapping

import geopandas as gpd
import pandas as pd

from geo.attributes import crossing_names, polygon_attributes
from geo.sectors import phase_sectors
from geo.zones import held_by_phase, increments, vacated_zones


def scenario_zones(scenario) -> gpd.GeoDataFrame:
    """Vacated zone of each phase with its measures (metric CRS)."""
    layers = scenario.layers
    return vacated_zones(layers.territory, layers.held, scenario.phase_numbers)


def scenario_increments(scenario) -> gpd.GeoDataFrame:
    """The increment each phase vacates (metric CRS)."""
    layers = scenario.layers
    return increments(layers.territory, layers.held, scenario.phase_numbers)


def sectors_for_phase(scenario, phase: int, count: int, *, balance: str = "population",
                      seed: int = 0, progress: Callable[[], None] | None = None,
                      **kw) -> gpd.GeoDataFrame:
    """Cut one phase's increment into ``count`` sectors with ids and attributes."""
    if phase not in scenario.phase_numbers:
        raise ValueError(f"`phase` must be one of {scenario.phase_numbers}; got {phase}")
    inc = scenario_increments(scenario)
    zone = inc.geometry.values[list(inc["phase"]).index(phase)]
    held = held_by_phase(scenario.layers.held, scenario.phase_numbers)[phase]
    return phase_sectors(zone, phase, count, scenario.surroundings(), held, balance=balance,
                         seed=seed, crs=scenario.crs, progress=progress, **kw)


def scenario_sectors(scenario, counts: Mapping[int, int], *, balance: str = "population",
                     seed: int = 0, progress: Callable[[], None] | None = None) -> gpd.GeoDataFrame:
    """The full sector layer: the union of every phase's partition."""
    frames = [sectors_for_phase(scenario, p, counts[p], balance=balance, seed=seed,
                                progress=progress) for p in scenario.phase_numbers]
    return crossings_over_layer(gpd.GeoDataFrame(pd.concat(frames, ignore_index=True),
                                                  crs=scenario.crs), scenario)


def crossings_over_layer(sectors: gpd.GeoDataFrame, scenario) -> gpd.GeoDataFrame:
    """Each crossing named once, on its nearest sector of the whole layer."""
    g = scenario.geography
    sectors["crossings"] = crossing_names(sectors.geometry.values, scenario.layers.crossings,
                                          g.crossing_m)
    return sectors


def with_attributes(sectors: gpd.GeoDataFrame, scenario) -> gpd.GeoDataFrame:
    """A planner's own sector layer with the attribute columns (re)computed, phase by phase."""
    held = held_by_phase(scenario.layers.held, scenario.phase_numbers)
    around = scenario.surroundings()
    base = sectors[["sector_id", "phase", sectors.geometry.name]].copy()
    base["phase"] = base["phase"].astype(int)
    parts = [polygon_attributes(base[base["phase"] == p], around, held[p])
             for p in scenario.phase_numbers if (base["phase"] == p).any()]
    return crossings_over_layer(gpd.GeoDataFrame(pd.concat(parts, ignore_index=True),
                                                  crs=sectors.crs), scenario)
