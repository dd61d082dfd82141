"""Sectors: cut a zone into K contiguous, compact sectors balanced by population or area."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.attributes import Surroundings, areal_population, polygon_attributes
from geo.errors import Problem, problem
from geo.graph import adjacency_pairs
from geo.layers import polygonal_part
from geo.partition import PartitionError, partition_graph

BALANCES = ("population", "area")
DEFAULT_CELLS = 2000
SLIVER_SHARE = 0.05  # clipped cells under this share of a full cell join a neighbour
DUST_M2 = 1.0  # clipping dust below this is dropped (far under the 0.01% cover tolerance)


@dataclass(frozen=True)
class Cells:
    """Fine cells covering a zone exactly, with their weights and rook adjacency."""

    geoms: np.ndarray
    weights: np.ndarray
    pairs: np.ndarray
    cell_m: float


def cell_size_for(zone: shapely.Geometry, target_cells: int) -> float:
    """Side in metres of square cells giving about ``target_cells`` cells over ``zone``."""
    return float(np.sqrt(zone.area / max(target_cells, 1)))


def grid_cells(zone: shapely.Geometry, cell_m: float) -> np.ndarray:
    """Square cells clipped to ``zone``, split into single parts, slivers merged away."""
    minx, miny, maxx, maxy = zone.bounds
    xs = np.arange(minx, maxx, cell_m)
    ys = np.arange(miny, maxy, cell_m)[::-1]  # north first: readable, stable order
    gx, gy = np.meshgrid(xs, ys)
    boxes = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + cell_m, gy.ravel() + cell_m)
    shapely.prepare(zone)
    boxes = boxes[shapely.intersects(zone, boxes)]
    clipped = polygonal_part(shapely.intersection(boxes, zone))
    parts = shapely.get_parts(clipped)
    parts = parts[shapely.area(parts) >= DUST_M2]
    return _merge_slivers(parts, SLIVER_SHARE * cell_m ** 2)


def _merge_slivers(parts: np.ndarray, min_area: float) -> np.ndarray:
    small = shapely.area(parts) < min_area
    if not small.any() or small.all():
        return parts
    big_idx, small_idx = np.flatnonzero(~small), np.flatnonzero(small)
    tree = shapely.STRtree(parts[big_idx])
    s, b = tree.query(parts[small_idx], predicate="dwithin", distance=0.01)
    if len(s) == 0:
        return parts
    shared = shapely.length(shapely.intersection(shapely.boundary(parts[small_idx][s]),
                                                 shapely.buffer(parts[big_idx][b], 0.01)))
    pick = pd.DataFrame({"s": s, "b": b, "len": shared}).sort_values(
        ["s", "len", "b"], ascending=[True, False, True]).drop_duplicates("s")
    out = parts.copy()
    groups = pick.groupby("b")["s"].apply(list)
    for b, smalls in groups.items():
        target = big_idx[b]
        out[target] = shapely.union_all([parts[target]] + [parts[small_idx[i]] for i in smalls])
    drop = small_idx[pick["s"].to_numpy()]
    keep = np.ones(len(parts), dtype=bool)
    keep[drop] = False
    merged = out[keep]
    return shapely.get_parts(polygonal_part(merged)) if (shapely.get_num_geometries(merged) > 1).any() else merged


def make_cells(zone: shapely.Geometry, *, balance: str = "population",
               population: gpd.GeoDataFrame | None = None, cell_m: float | None = None,
               target_cells: int = DEFAULT_CELLS) -> Cells:
    """Cut ``zone`` (metric CRS) into cells weighted by population (areal weighting) or area."""
    if balance not in BALANCES:
        raise ValueError(f"`balance` must be one of {', '.join(BALANCES)}; got {balance!r}")
    if balance == "population" and population is None:
        raise ValueError("`population` is required when balancing by population")
    size = cell_m or cell_size_for(zone, target_cells)
    geoms = grid_cells(zone, size)
    weights = areal_population(geoms, population) if balance == "population" \
        else shapely.area(geoms) / 1e6
    pairs = adjacency_pairs(geoms, touch_m=0.01, min_shared_m=0.05)  # exact grid edges
    return Cells(geoms, np.asarray(weights, dtype=float), pairs, size)


def partition_zone(zone: shapely.Geometry, k: int, *, balance: str = "population",
                   population: gpd.GeoDataFrame | None = None, seed: int = 0,
                   cell_m: float | None = None, target_cells: int = DEFAULT_CELLS,
                   tolerance: float = 0.01, crs=None,
                   progress: Callable[[], None] | None = None) -> gpd.GeoDataFrame:
    """Cut ``zone`` into ``k`` contiguous sectors, numbered north to south.

    Parameters
    ----------
    zone
        Polygon or MultiPolygon in a metric CRS.
    k
        Number of sectors.
    balance
        ``"population"`` (needs ``population``) or ``"area"``.
    population
        Polygons with a ``population`` column, in the zone's CRS.
    seed
        Same inputs and seed give the same sectors.
    cell_m, target_cells
        Cell side in metres, or the number of cells to aim for when it is not given.
    tolerance
        Target largest deviation from the ideal weight, as a fraction.
    crs
        CRS of the returned frame.
    progress
        Called once per finished sector.

    Returns
    -------
    GeoDataFrame
        ``k`` rows: ``order`` (0 = northernmost) and geometry.

    Raises
    ------
    PartitionError
        ``k`` larger than the zone can support.
    """
    if zone is None or zone.is_empty:
        raise PartitionError("the zone is empty: nothing to cut into sectors")
    cells = make_cells(zone, balance=balance, population=population, cell_m=cell_m,
                       target_cells=target_cells)
    labels = partition_graph(cells.weights, cells.pairs, k, seed=seed, tolerance=tolerance,
                             progress=progress)
    geoms = [shapely.union_all(cells.geoms[labels == i]) for i in range(k)]
    geoms = [shapely.normalize(g) for g in polygonal_part(geoms)]
    cent = shapely.centroid(geoms)
    order = np.lexsort((shapely.get_x(cent), -shapely.get_y(cent)))
    return gpd.GeoDataFrame({"order": np.arange(k)}, geometry=[geoms[i] for i in order], crs=crs)


def phase_sectors(increment: shapely.Geometry, phase: int, k: int, around: Surroundings,
                  held: shapely.Geometry, *, balance: str = "population", seed: int = 0,
                  crs=None, **kw) -> gpd.GeoDataFrame:
    """Sectors of one phase's increment with ids (``P1-S01`` ...) and every attribute."""
    frame = partition_zone(increment, k, balance=balance, population=around.population,
                           seed=seed, crs=crs, **kw)
    frame.insert(0, "sector_id", [f"P{phase}-S{i + 1:02d}" for i in range(k)])
    frame.insert(1, "phase", phase)
    return polygon_attributes(frame.drop(columns="order"), around, held)


def polsby_popper(geoms) -> np.ndarray:
    """Compactness 4πA/P² of each polygon (1 for a disc)."""
    geoms = np.asarray(geoms, dtype=object)
    perim = shapely.length(geoms)
    return np.where(perim > 0, 4 * np.pi * shapely.area(geoms) / np.maximum(perim, 1e-12) ** 2, 0)


def sector_layer_problems(sectors: gpd.GeoDataFrame, increments: gpd.GeoDataFrame, path,
                          *, overlap_m2: float = 1.0, gap_share: float = 1e-4,
                          sliver_km2: float = 0.01) -> tuple[list[Problem], list[Problem]]:
    """Errors (overlaps, sectors outside their increment) and warnings (gaps, slivers).

    Both frames must be in one metric CRS; ``increments`` has ``phase`` and geometry.
    """
    errors, warnings = [], []
    geoms, ids = sectors.geometry.values, sectors["sector_id"].astype(str).tolist()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    shared = shapely.area(shapely.intersection(geoms[left[keep]], geoms[right[keep]]))
    for i, j, a in zip(left[keep], right[keep], shared):
        if a > overlap_m2:
            errors.append(problem(path, f"overlaps sector {ids[j]} by {a:,.0f} m²",
                                  feature=int(i), feature_id=ids[i], field="geometry"))
    inc = dict(zip(increments["phase"].astype(int), increments.geometry.values))
    phases = sectors["phase"].astype(int).to_numpy()
    own = np.array([inc.get(p, shapely.Polygon()) for p in phases], dtype=object)
    outside = shapely.area(shapely.difference(geoms, own))
    for i in np.flatnonzero(outside > np.maximum(overlap_m2, 1e-3 * shapely.area(geoms))):
        errors.append(problem(path, f"reaches {outside[i] / 1e6:.3f} km² outside the increment "
                              f"of phase {phases[i]} (sectors never straddle phases)",
                              feature=int(i), feature_id=ids[i], field="geometry"))
    small = shapely.area(geoms) / 1e6 < sliver_km2
    for i in np.flatnonzero(small):
        warnings.append(problem(path, f"sliver sector of {shapely.area(geoms[i]):,.0f} m²",
                                feature=int(i), feature_id=ids[i], field="geometry"))
    for p, zone in inc.items():
        covered = shapely.union_all(geoms[phases == p]) if (phases == p).any() else shapely.Polygon()
        gap = shapely.difference(zone, covered).area
        if gap > gap_share * max(zone.area, 1):
            warnings.append(problem(path, f"phase {p}: {gap / 1e6:.3f} km² of the increment is in "
                                    "no sector (gap)", field="geometry"))
    return errors, warnings


__all__ = ["BALANCES", "Cells", "PartitionError", "make_cells", "partition_zone", "phase_sectors",
           "polsby_popper", "sector_layer_problems"]
