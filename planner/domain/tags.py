"""Sector tags from named context: which named coasts and lines a sector runs along, which
zones hold it, and whether (and when, to whom) it is handed over.

They are measured once per sector layer, vectorized, and kept as ``;``-joined columns
(``coasts``, ``zones``, ``lines``) beside ``borders``; :func:`planner.domain.sectors.sector_tags`
turns them into the tags ``coast:<name>``, ``zone:<name>`` and ``line:<name>`` that
mandates, rules and preferences name. The handover columns are ``handover_phase`` and
``authority`` (:func:`handover_columns`).
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.attributes import safe_intersection

ZONE_SHARE = 0.5  # a sector is in a zone when more than this share of its area lies inside


def _joined(names: np.ndarray, hits: np.ndarray) -> list[str]:
    """``;``-joined names of each row's true columns of ``hits`` (names sorted)."""
    order = np.argsort(names)
    names, hits = names[order], hits[:, order]
    return [";".join(names[row]) for row in hits]


def coast_names(polys, borders: gpd.GeoDataFrame, within_m: float) -> list[str]:
    """Names of the coast lines within ``within_m`` of each polygon, ``;``-joined.

    Coast lines without a ``name`` make a sector ``coastal`` only (no ``coast:`` tag).
    """
    polys = np.asarray(polys, dtype=object)
    if "name" not in borders.columns:
        return [""] * len(polys)
    named = borders[(borders["kind"].astype(str) == "coast") & borders["name"].notna()
                    & (borders["name"].astype(str).str.strip() != "")]
    if named.empty or not len(polys):
        return [""] * len(polys)
    lines = named.assign(name=named["name"].astype(str)).dissolve(by="name", sort=True)
    near = shapely.dwithin(polys[:, None], np.asarray(lines.geometry.values)[None, :], within_m)
    return _joined(np.asarray(lines.index, dtype=str), near)


def zone_names(polys, zones: gpd.GeoDataFrame | None) -> list[str]:
    """Zones holding more than half of each polygon's area, ``;``-joined."""
    polys = np.asarray(polys, dtype=object)
    if zones is None or zones.empty or not len(polys):
        return [""] * len(polys)
    merged = zones.assign(zone=zones["zone"].astype(str)).dissolve(by="zone", sort=True)
    shapes = np.asarray(merged.geometry.values)
    left, right = shapely.STRtree(shapes).query(polys, predicate="intersects")
    inside = np.zeros((len(polys), len(shapes)))
    if len(left):
        inside[left, right] = shapely.area(safe_intersection(polys[left], shapes[right]))
    area = np.maximum(shapely.area(polys), 1e-12)
    return _joined(np.asarray(merged.index, dtype=str), inside > ZONE_SHARE * area[:, None])


def line_names(polys, lines: gpd.GeoDataFrame | None, touch_m: float,
               min_m: float) -> list[str]:
    """Names of the lines each polygon's boundary runs along (at least ``min_m`` of it
    within ``touch_m``), ``;``-joined."""
    from geo.attributes import contact_km
    polys = np.asarray(polys, dtype=object)
    if lines is None or lines.empty or not len(polys):
        return [""] * len(polys)
    merged = lines.assign(name=lines["name"].astype(str).str.strip()).dissolve(by="name",
                                                                               sort=True)
    along = np.column_stack([contact_km(polys, geom, touch_m) * 1000 >= min_m
                             for geom in merged.geometry.values])
    return _joined(np.asarray(merged.index, dtype=str), along)


def handover_columns(polys, opens, handover: gpd.GeoDataFrame | None
                     ) -> tuple[list, list, list[tuple[int, int, str, float]]]:
    """When each polygon leaves the force, and to whom: ``handover_phase`` (None: never)
    and ``authority`` of each, and the polygons that straddle a handover boundary.

    A polygon opened in phase ``opens[i]`` is handed over in the first later phase whose
    handover areas (of one authority) hold more than half of it. Straddling: between 1%
    and 99% of it lies in one phase's handover area, as ``(row, phase, authority, share)``.
    """
    polys = np.asarray(polys, dtype=object)
    n = len(polys)
    phases, authorities, straddles = [None] * n, [None] * n, []
    if handover is None or handover.empty or not n:
        return phases, authorities, straddles
    area = np.maximum(shapely.area(polys), 1e-12)
    who = handover["authority"].astype(str).str.strip().to_numpy()
    when = handover["phase"].astype(int).to_numpy()
    for q, name in sorted(set(zip(when, who))):
        ground = shapely.union_all(handover.geometry.values[(when == q) & (who == name)])
        share = shapely.area(safe_intersection(polys, np.full(n, ground, dtype=object))) / area
        for i in range(n):
            if q <= opens[i]:
                continue
            if 0.01 < share[i] < 0.99:
                straddles.append((i, int(q), name, float(share[i])))
            if share[i] > ZONE_SHARE and phases[i] is None:
                phases[i], authorities[i] = int(q), name
    return phases, authorities, straddles


def with_tags(frame: gpd.GeoDataFrame, borders: gpd.GeoDataFrame,
              zones: gpd.GeoDataFrame | None, touch_m: float, *,
              lines: gpd.GeoDataFrame | None = None, min_line_m: float = 0.0,
              handover: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """``frame`` (modified and returned) with its ``coasts``, ``zones`` and ``lines``
    columns set, and ``handover_phase`` and ``authority`` when there are handovers
    (``frame.attrs["straddles"]``: see :func:`handover_columns`)."""
    polys = frame.geometry.values
    frame["coasts"] = coast_names(polys, borders, touch_m)
    frame["zones"] = zone_names(polys, zones)
    frame["lines"] = line_names(polys, lines, touch_m, min_line_m)
    if handover is not None and not handover.empty:
        when, who, straddles = handover_columns(polys, frame["phase"].astype(int).tolist(),
                                                handover)
        frame["handover_phase"] = pd.array(when, dtype="Int64")
        frame["authority"] = pd.Series(who, index=frame.index, dtype=object)
        frame.attrs["straddles"] = straddles
    return frame
