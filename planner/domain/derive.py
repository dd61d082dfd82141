"""Layers derived from a scenario: vacated zones, increments, and sectors with attributes.

The zones come from ``Scenario.zones`` (computed once per scenario); a sector layer's
``contact_line`` and ``crossings`` columns describe each sector in the phase it opens, as the
:class:`planner.domain.sectors.SectorTable` defines them.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import geopandas as gpd
import pandas as pd
import shapely

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


def barriers(scenario, phase: int) -> shapely.Geometry:
    """What the sectors of ``phase`` must not straddle: the scenario's named lines and the
    boundaries of ground handed over in a later phase."""
    lines = scenario.layers.lines
    parts = [scenario.zones.barriers(phase)]
    if lines is not None and not lines.empty:
        parts.append(shapely.union_all(lines.geometry.values))
    return shapely.union_all(parts)


def sectors_for_phase(scenario, phase: int, count: int, *, balance: str = "population",
                      seed: int = 0, progress: Callable[[], None] | None = None,
                      **kw) -> gpd.GeoDataFrame:
    """Cut the ground the force takes on in one phase into ``count`` sectors with ids and
    attributes (``attrs["notes"]``: a steady state, fragments joined; see
    :func:`geo.sectors.phase_sectors`)."""
    if phase not in scenario.phase_numbers:
        raise ValueError(f"`phase` must be one of {scenario.phase_numbers}; got {phase}")
    zones = scenario.zones
    frame = phase_sectors(zones.opened[phase], phase, count, scenario.surroundings(),
                          zones.held[phase], balance=balance, seed=seed, crs=scenario.crs,
                          progress=progress, barriers=barriers(scenario, phase), **kw)
    notes = frame.attrs.get("notes", [])
    frame = tagged(frame, scenario)
    frame.attrs["notes"] = notes
    return frame


def tagged(sectors: gpd.GeoDataFrame, scenario) -> gpd.GeoDataFrame:
    """``sectors`` with the named coasts and lines they run along, the context zones that
    hold them and their handover (``coasts``, ``lines``, ``zones``, ``handover_phase`` and
    ``authority`` columns, see :mod:`planner.domain.tags`). Modifies and returns
    ``sectors``."""
    g = scenario.geography
    return with_tags(sectors, scenario.layers.borders, scenario.layers.zones, g.touch_m,
                     lines=scenario.layers.lines, min_line_m=g.min_contact_m,
                     handover=scenario.layers.handover)


def scenario_sectors(scenario, counts: Mapping[int, int], *, balance: str = "population",
                     seed: int = 0, progress: Callable[[], None] | None = None,
                     **kw) -> gpd.GeoDataFrame:
    """The full sector layer: the union of every phase's partition (``kw``: ``cell_m``...)."""
    frames = [sectors_for_phase(scenario, p, counts.get(p, 0), balance=balance, seed=seed,
                                progress=progress, **kw) for p in scenario.phase_numbers]
    layer = crossings_over_layer(gpd.GeoDataFrame(pd.concat(frames, ignore_index=True),
                                                   crs=scenario.crs), scenario)
    layer.attrs["notes"] = [n for f in frames for n in f.attrs.get("notes", [])]
    return layer


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
    if not parts:  # no sectors at all (every phase a steady state): the empty layer's columns
        parts = [polygon_attributes(base, around, held[scenario.phase_numbers[0]])]
    frame = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=sectors.crs)
    return crossings_over_layer(tagged(frame, scenario), scenario)
