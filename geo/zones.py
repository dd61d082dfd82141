"""Derived layers: the held area, vacated zone and increment of each phase, computed once.

:class:`PhaseZones` owns them: each is computed on first use and kept, so a scenario asks
one object (``Scenario.zones``) instead of recomputing unions and differences wherever a
phase's ground is needed.

Ground at each phase is held by one of three kinds of holder: a **party** (an army still
holding it; held areas may carry a ``party``), the **force** (vacated ground it garrisons)
or an **authority** (vacated ground handed over to it from a phase on: the returning
administration, host-nation forces, a trained police). The force's ground is the vacated
zone minus what has been handed over; what it opens in a phase (:attr:`PhaseZones.opened`)
is the increment minus that.
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


PARTY_FIELD = "party"  # the held layer's optional column naming the army that holds
ARMY = "army"  # the holder's name of held ground without a party


def held_by_phase(held: gpd.GeoDataFrame, phases: list[int]) -> dict[int, shapely.Geometry]:
    """Union of the held-area polygons of each phase (empty polygon when none)."""
    out = {}
    for phase in phases:
        geoms = held.geometry.values[held["phase"].to_numpy() == phase]
        out[phase] = shapely.union_all(geoms) if len(geoms) else shapely.Polygon()
    return out


def party_names(held: gpd.GeoDataFrame) -> tuple[str, ...]:
    """The parties named in the held layer's ``party`` column, sorted (none: ``()``)."""
    if PARTY_FIELD not in held.columns:
        return ()
    names = held[PARTY_FIELD].dropna().astype(str).str.strip()
    return tuple(sorted(set(names[names != ""])))


def parties_of(held: gpd.GeoDataFrame) -> np.ndarray:
    """The party of each held polygon (:data:`ARMY` where the layer names none)."""
    if PARTY_FIELD not in held.columns:
        return np.full(len(held), ARMY, dtype=object)
    names = held[PARTY_FIELD].astype(object).where(held[PARTY_FIELD].notna(), ARMY)
    names = names.astype(str).str.strip()
    return np.where(names == "", ARMY, names).astype(object)


def held_by_party(held: gpd.GeoDataFrame, phases) -> dict[int, dict[str, shapely.Geometry]]:
    """Per phase, the union of each party's held polygons (parties holding nothing left out)."""
    party = parties_of(held)
    phase = held["phase"].to_numpy()
    out = {}
    for p in phases:
        here = phase == p
        out[p] = {name: shapely.union_all(held.geometry.values[here & (party == name)])
                  for name in sorted(set(party[here]))}
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
        Polygon layers in one metric CRS; ``held_layer`` has a ``phase`` column and may have
        a ``party`` column.
    phases
        Phase numbers in order.
    handover_layer
        Polygons with ``phase`` and ``authority`` (or None): ground handed over to that
        authority from that phase on, leaving the force's responsibility.

    Every attribute is computed once, on first use (areas in m² unless named ``_km2``).
    """

    territory: gpd.GeoDataFrame
    held_layer: gpd.GeoDataFrame
    phases: tuple[int, ...]
    handover_layer: gpd.GeoDataFrame | None = None

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
    def parties(self) -> tuple[str, ...]:
        """The parties the held layer names (``()`` when it names none)."""
        return party_names(self.held_layer)

    @cached_property
    def held_by_party(self) -> dict[int, dict[str, shapely.Geometry]]:
        """The ground each party holds at each phase (:data:`ARMY` when none is named)."""
        return held_by_party(self.held_layer, self.phases)

    @cached_property
    def handed(self) -> dict[int, dict[str, shapely.Geometry]]:
        """Per phase, the vacated ground each authority holds by then (handed over at that
        phase or before; ground handed over while still held passes when it is vacated)."""
        layer = self.handover_layer
        out: dict[int, dict[str, shapely.Geometry]] = {p: {} for p in self.phases}
        if layer is None or layer.empty:
            return out
        phase = layer["phase"].to_numpy()
        authority = layer["authority"].astype(str).str.strip().to_numpy()
        for p in self.phases:
            here = phase <= p
            for name in sorted(set(authority[here])):
                ground = shapely.union_all(layer.geometry.values[here & (authority == name)])
                piece = _clean(shapely.intersection(self.vacated[p], ground))
                if not piece.is_empty:
                    out[p][name] = piece
        return out

    @cached_property
    def handed_all(self) -> dict[int, shapely.Geometry]:
        """Per phase, all ground handed over by then (the union over authorities)."""
        return {p: shapely.union_all(list(self.handed[p].values())) if self.handed[p]
                else shapely.Polygon() for p in self.phases}

    @cached_property
    def force(self) -> dict[int, shapely.Geometry]:
        """The force's ground at each phase: the vacated zone minus what is handed over."""
        return {p: self.vacated[p] if self.handed_all[p].is_empty
                else _clean(shapely.difference(self.vacated[p], self.handed_all[p]))
                for p in self.phases}

    @cached_property
    def opened(self) -> dict[int, shapely.Geometry]:
        """The ground the force takes on in each phase: the increment minus what is handed
        over by then. Sectors are cut from it; a phase that opens nothing is a steady state."""
        return {p: self.increments[p] if self.handed_all[p].is_empty
                else _clean(shapely.difference(self.increments[p], self.handed_all[p]))
                for p in self.phases}

    def barriers(self, phase: int) -> shapely.Geometry:
        """Where the sectors opened in ``phase`` must not straddle: the boundaries of ground
        handed over in a later phase (a sector leaves the force whole, or not at all)."""
        layer = self.handover_layer
        if layer is None or layer.empty:
            return shapely.LineString()
        phases = layer["phase"].to_numpy()
        authority = layer["authority"].astype(str).str.strip().to_numpy()
        groups = sorted({(q, a) for q, a in zip(phases, authority) if q > phase})
        if not groups:
            return shapely.LineString()
        ground = [shapely.union_all(layer.geometry.values[(phases == q) & (authority == a)])
                  for q, a in groups]
        return shapely.union_all(shapely.boundary(np.asarray(ground, dtype=object)))

    def holdings(self, phase: int) -> gpd.GeoDataFrame:
        """Who holds what at ``phase``: one row per holder with ``holder`` (a party's name,
        ``force`` or an authority's name), ``kind`` (``party``, ``force``, ``authority``),
        ``km2`` and the geometry (metric CRS)."""
        rows = [(name, "party", _clean(shapely.intersection(self.land, geom)))
                for name, geom in self.held_by_party[phase].items()]
        rows.append(("force", "force", self.force[phase]))
        rows += [(name, "authority", geom) for name, geom in self.handed[phase].items()]
        rows = [r for r in rows if not r[2].is_empty]
        geoms = [r[2] for r in rows]
        return gpd.GeoDataFrame({"phase": [phase] * len(rows), "holder": [r[0] for r in rows],
                                 "kind": [r[1] for r in rows],
                                 "km2": shapely.area(geoms) / 1e6 if rows else []},
                                geometry=geoms, crs=self.territory.crs)

    @cached_property
    def holdings_frame(self) -> gpd.GeoDataFrame:
        """:meth:`holdings` of every phase as one layer (do not modify: it is shared)."""
        import pandas as pd
        frames = [self.holdings(p) for p in self.phases]
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=self.territory.crs)

    @cached_property
    def opened_frame(self) -> gpd.GeoDataFrame:
        """What the force takes on in each phase as a layer: ``phase``, ``opened_km2``,
        geometry (do not modify)."""
        phases = list(self.phases)
        geoms = [self.opened[p] for p in phases]
        return gpd.GeoDataFrame({"phase": phases, "opened_km2": shapely.area(geoms) / 1e6},
                                geometry=geoms, crs=self.territory.crs)

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
