"""Sector tags from named context: which named coasts a sector touches, which zones hold it.

Both are measured once per sector layer, vectorized, and kept as ``;``-joined columns
(``coasts``, ``zones``) beside ``borders``; :func:`planner.domain.sectors.sector_tags` turns
them into the tags ``coast:<name>`` and ``zone:<name>`` that mandates, rules and
preferences name.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
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


def with_tags(frame: gpd.GeoDataFrame, borders: gpd.GeoDataFrame,
              zones: gpd.GeoDataFrame | None, touch_m: float) -> gpd.GeoDataFrame:
    """``frame`` (modified and returned) with its ``coasts`` and ``zones`` columns set."""
    polys = frame.geometry.values
    frame["coasts"] = coast_names(polys, borders, touch_m)
    frame["zones"] = zone_names(polys, zones)
    return frame
