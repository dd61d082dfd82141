"""Derived layers: the vacated zone of each phase and the increment it adds."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.layers import polygonal_part

SLIVER_M2 = 1.0  # parts smaller than this are floating-point dust from differences
PRECISION_M = 0.01  # derived zones sit on a 1 cm grid (see _clean)


def held_by_phase(held: gpd.GeoDataFrame, phases: list[int]) -> dict[int, shapely.Geometry]:
    """Union of the held-area polygons of each phase (empty polygon when none)."""
    out = {}
    for phase in phases:
        geoms = held.geometry.values[held["phase"].to_numpy() == phase]
        out[phase] = shapely.union_all(geoms) if len(geoms) else shapely.Polygon()
    return out


def _clean(geom: shapely.Geometry) -> shapely.Geometry:
    """Polygonal part of ``geom`` on a 1 cm grid, without sliver parts.

    Differences of buffered held areas leave near-degenerate spikes that turn invalid when
    reprojected to WGS84; snapping removes them, and since every later layer is cut from
    these zones, sectors of neighbouring phases share exactly the same boundary vertices.
    """
    poly = polygonal_part([shapely.set_precision(geom, PRECISION_M)])[0]
    parts = shapely.get_parts(poly)
    keep = parts[shapely.area(parts) >= SLIVER_M2]
    return shapely.union_all(keep) if len(keep) else shapely.Polygon()


def vacated_zones(territory: gpd.GeoDataFrame, held: gpd.GeoDataFrame,
                  phases: list[int]) -> gpd.GeoDataFrame:
    """Vacated zone of each phase: territory minus that phase's held area.

    Parameters
    ----------
    territory, held
        Polygon layers in one metric CRS; ``held`` has a ``phase`` column.
    phases
        Phase numbers in order.

    Returns
    -------
    GeoDataFrame
        One row per phase: ``phase``, ``vacated_km2``, ``increment_km2``, ``held_fraction``
        and the vacated geometry.
    """
    land = shapely.union_all(territory.geometry.values)
    held_geoms = held_by_phase(held, phases)
    vacated = [_clean(shapely.difference(land, held_geoms[p])) for p in phases]
    inc = increments_from_vacated(vacated)
    land_km2 = land.area / 1e6
    frame = gpd.GeoDataFrame({
        "phase": phases,
        "vacated_km2": shapely.area(vacated) / 1e6,
        "increment_km2": shapely.area(inc) / 1e6,
        "held_fraction": [shapely.intersection(land, held_geoms[p]).area / 1e6 / land_km2
                          for p in phases],
    }, geometry=list(vacated), crs=territory.crs)
    return frame


def increments_from_vacated(vacated: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """What each phase vacates beyond the previous one."""
    previous = [shapely.Polygon()] + list(vacated[:-1])
    return [_clean(shapely.difference(v, p)) for v, p in zip(vacated, previous)]


def increments(territory: gpd.GeoDataFrame, held: gpd.GeoDataFrame,
               phases: list[int]) -> gpd.GeoDataFrame:
    """The increment of each phase as a layer: ``phase``, ``increment_km2``, geometry."""
    zones = vacated_zones(territory, held, phases)
    geoms = increments_from_vacated(list(zones.geometry.values))
    return gpd.GeoDataFrame({"phase": phases, "increment_km2": shapely.area(geoms) / 1e6},
                            geometry=geoms, crs=territory.crs)


def regained(held: gpd.GeoDataFrame, phases: list[int]) -> list[tuple[int, float]]:
    """Phases whose held area reaches beyond the previous phase's, with the excess in km²."""
    geoms = held_by_phase(held, phases)
    out = []
    for before, after in zip(phases, phases[1:]):
        extra = shapely.difference(geoms[after], geoms[before]).area / 1e6
        if extra > 0.01:
            out.append((after, float(np.round(extra, 3))))
    return out
