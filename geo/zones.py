"""Derived layers: the held area, vacated zone and increment of each phase, computed once.

:class:`PhaseZones` owns them: each is computed on first use and kept, so a scenario asks
one object (``Scenario.zones``) instead of recomputing unions and differences wherever a
phase's ground is needed.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import shapely

from geo.layers import polygonal_part

DUST_SHARE = 1e-6  # a part under this share of its zone's area is dust
SLIVER_SHARE = 1e-4  # a thin part (Polsby-Popper under SLIVER_PP) under this share is a sliver
SLIVER_PP = 0.05
PRECISION_M = 0.01  # derived zones sit on a 1 cm grid (see _clean)
REGAINED_KM2 = 0.01  # held ground a later phase adds beyond this is reported


def held_by_phase(held: gpd.GeoDataFrame, phases: list[int]) -> dict[int, shapely.Geometry]:
    """Union of the held-area polygons of each phase (empty polygon when none)."""
    out = {}
    for phase in phases:
        geoms = held.geometry.values[held["phase"].to_numpy() == phase]
        out[phase] = shapely.union_all(geoms) if len(geoms) else shapely.Polygon()
    return out


def solid_parts(geom: shapely.Geometry) -> np.ndarray:
    """The parts of ``geom`` that are ground to hold, largest first.

    Dropped: dust (under a millionth of the whole) and slivers (thin parts under 0.01% of
    the whole), such as those left where the territory and the held areas were digitised
    separately. Both are shares, so a zone of 10 km² and one of 10,000 km² are judged alike.
    """
    parts = shapely.get_parts(polygonal_part([geom])[0])
    area, length = shapely.area(parts), shapely.length(parts)
    whole = area.sum()
    thin = 4 * np.pi * area < SLIVER_PP * np.maximum(length, 1e-12) ** 2
    keep = (area >= DUST_SHARE * whole) & ~(thin & (area < SLIVER_SHARE * whole))
    parts = parts[keep]
    return parts[np.argsort(-shapely.area(parts), kind="stable")]


def _clean(geom: shapely.Geometry) -> shapely.Geometry:
    """Polygonal part of ``geom`` on a 1 cm grid, without dust and sliver parts.

    Differences of buffered held areas leave near-degenerate spikes that turn invalid when
    reprojected to WGS84; snapping removes them, and since every later layer is cut from
    these zones, sectors of neighbouring phases share exactly the same boundary vertices.
    Vertices within 1 cm of a straight line go first (a layer's edges, densified to be
    projected, come back a few millimetres off their line: snapped, they would zigzag).
    """
    straight = shapely.simplify(geom, PRECISION_M, preserve_topology=True)
    keep = solid_parts(shapely.set_precision(straight, PRECISION_M))
    return shapely.union_all(keep) if len(keep) else shapely.Polygon()


@dataclass(frozen=True)
class PhaseZones:
    """The ground of each phase, derived from the territory and the held-area layer.

    Parameters
    ----------
    territory, held_layer
        Polygon layers in one metric CRS; ``held_layer`` has a ``phase`` column.
    phases
        Phase numbers in order.

    Every attribute is computed once, on first use (areas in m² unless named ``_km2``).
    """

    territory: gpd.GeoDataFrame
    held_layer: gpd.GeoDataFrame
    phases: tuple[int, ...]

    @cached_property
    def land(self) -> shapely.Geometry:
        """The whole territory as one geometry."""
        return shapely.union_all(self.territory.geometry.values)

    @cached_property
    def held(self) -> dict[int, shapely.Geometry]:
        """The ground still held at each phase."""
        return held_by_phase(self.held_layer, list(self.phases))

    @cached_property
    def vacated(self) -> dict[int, shapely.Geometry]:
        """Territory minus the held area, per phase."""
        return {p: _clean(shapely.difference(self.land, self.held[p])) for p in self.phases}

    @cached_property
    def increments(self) -> dict[int, shapely.Geometry]:
        """What each phase vacates beyond the previous one."""
        before = [shapely.Polygon()] + [self.vacated[p] for p in self.phases[:-1]]
        return {p: _clean(shapely.difference(self.vacated[p], b))
                for p, b in zip(self.phases, before)}

    @cached_property
    def vacated_frame(self) -> gpd.GeoDataFrame:
        """One row per phase: ``phase``, ``vacated_km2``, ``increment_km2``, ``held_fraction``
        and the vacated geometry (do not modify: it is shared)."""
        phases = list(self.phases)
        vacated = [self.vacated[p] for p in phases]
        land_km2 = self.land.area / 1e6
        return gpd.GeoDataFrame({
            "phase": phases,
            "vacated_km2": shapely.area(vacated) / 1e6,
            "increment_km2": shapely.area([self.increments[p] for p in phases]) / 1e6,
            "held_fraction": [shapely.intersection(self.land, self.held[p]).area / 1e6 / land_km2
                              for p in phases],
        }, geometry=vacated, crs=self.territory.crs)

    @cached_property
    def increments_frame(self) -> gpd.GeoDataFrame:
        """The increments as a layer: ``phase``, ``increment_km2``, geometry (do not modify)."""
        phases = list(self.phases)
        geoms = [self.increments[p] for p in phases]
        return gpd.GeoDataFrame({"phase": phases, "increment_km2": shapely.area(geoms) / 1e6},
                                geometry=geoms, crs=self.territory.crs)

    def regained(self) -> list[tuple[int, float]]:
        """Phases whose held area reaches beyond the previous phase's, with the excess in km²
        (a withdrawal that takes ground back: the increment there is empty)."""
        out = []
        for before, after in zip(self.phases, self.phases[1:]):
            extra = shapely.difference(self.held[after], self.held[before]).area / 1e6
            if extra > REGAINED_KM2:
                out.append((after, float(np.round(extra, 3))))
        return out
