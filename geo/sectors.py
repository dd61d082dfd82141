"""Sectors: cut a zone into K contiguous, compact sectors balanced by population or area."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import connected_components

from geo.attributes import (
    Surroundings,
    areal_population,
    polygon_attributes,
    safe_intersection,
)
from geo.errors import Problem, problem
from geo.graph import adjacency_pairs, sparse_graph
from geo.layers import polygonal_part
from geo.partition import PartitionError, partition_graph
from geo.zones import solid_parts

BALANCES = ("population", "area")
CELL_SHARE = 0.02  # a cell holds at most this share of a sector's ideal weight and mean area
MAX_CELLS = 8000  # with many sectors, cells grow so a zone has about this many at most
MIN_CELL_SHARE = 1 / 2048  # smallest cell side, as a share of the side of the zone's area
SLIVER_SHARE = 0.05  # clipped cells under this share of their square join a neighbour
CRUMB_SHARE = 1e-6  # clipped pieces under this share of their square are dropped
# A separate part of a zone under this share of the zone's ideal sector, both in area and in
# weight, is a fragment: it joins the nearest sector instead of taking one of its own.
FRAGMENT_SHARE = 0.05
BARRIER_M = 0.05  # cells whose shared edge lies within this of a barrier are not adjacent


@dataclass(frozen=True)
class Cells:
    """Cells covering a zone exactly, with their weights and rook adjacency.

    ``lengths`` is the length in metres of the edge each pair in ``pairs`` shares;
    ``cell_m`` the side of the smallest square.
    """

    geoms: np.ndarray
    weights: np.ndarray
    pairs: np.ndarray
    lengths: np.ndarray
    cell_m: float


def describe_areas(areas_m2) -> str:
    """``"12.3 km², 0.8 km² and 25 m²"``: areas for a message, largest first, at most eight."""
    areas = sorted((float(a) for a in areas_m2), reverse=True)
    text = [f"{a / 1e6:,.1f} km²" if a >= 1e5 else f"{a:,.0f} m²" for a in areas[:8]]
    if len(areas) > 8:
        text.append(f"{len(areas) - 8} more")
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " and " + text[-1]


def cell_sizes(zone: shapely.Geometry, k: int, *, cell_m: float | None = None,
               share: float = CELL_SHARE) -> tuple[float, int]:
    """The smallest cell side in metres and how many of them make the coarsest side.

    The coarsest squares cover at most ``share`` of a sector's mean area (``zone`` / ``k``);
    the smallest are ``cell_m`` or, by default, about 1/2048 of the zone's side. Every
    side is the smallest times a power of two, so squares nest as a quadtree.
    """
    coarse = float(np.sqrt(share * zone.area / max(k, 1)))
    finest = cell_m or float(np.sqrt(zone.area)) * MIN_CELL_SHARE
    if cell_m:
        return finest, 2 ** max(0, int(np.floor(np.log2(coarse / finest))))
    levels = max(0, int(np.ceil(np.log2(coarse / finest))))
    return coarse / 2 ** levels, 2 ** levels


def quadtree_boxes(zone: shapely.Geometry, weigh: Callable[[np.ndarray], np.ndarray] | None,
                   *, finest: float, coarse: int, limit: float) -> np.ndarray:
    """Squares over ``zone``: coarse ones split in four while they weigh more than ``limit``.

    ``weigh`` gives the weight of each square (None: nothing splits). Squares
    sit on a lattice of ``finest`` metres from the zone's south-west corner (``coarse``
    lattice steps to the coarsest side), so neighbours share exact edge coordinates.
    Returned north to south, then west to east.
    """
    minx, miny, maxx, maxy = zone.bounds
    nx = max(1, int(np.ceil((maxx - minx) / (finest * coarse))))
    ny = max(1, int(np.ceil((maxy - miny) / (finest * coarse))))
    gx, gy = np.meshgrid(np.arange(nx) * coarse, np.arange(ny) * coarse)
    ix, iy, size = gx.ravel(), gy.ravel(), np.full(gx.size, coarse)
    shapely.prepare(zone)
    leaves = []
    while len(ix):
        boxes = shapely.box(minx + ix * finest, miny + iy * finest,
                            minx + (ix + size) * finest, miny + (iy + size) * finest)
        inside = shapely.intersects(zone, boxes)
        ix, iy, size, boxes = ix[inside], iy[inside], size[inside], boxes[inside]
        split = (weigh(boxes) > limit) & (size > 1) if weigh is not None \
            else np.zeros(len(boxes), dtype=bool)
        leaves.append((ix[~split], iy[~split], size[~split], boxes[~split]))
        half = size[split] // 2
        ix = np.concatenate([ix[split], ix[split] + half, ix[split], ix[split] + half])
        iy = np.concatenate([iy[split], iy[split], iy[split] + half, iy[split] + half])
        size = np.tile(half, 4)
    ix, iy, size, boxes = (np.concatenate(v) for v in zip(*leaves))
    order = np.lexsort((size, ix, -(iy + size)))
    return boxes[order]


def clip_cells(zone: shapely.Geometry, boxes: np.ndarray) -> np.ndarray:
    """Squares clipped to ``zone``, split into single parts, crumbs dropped, slivers merged."""
    inside = shapely.contains_properly(zone, boxes)
    clipped = np.array(boxes, dtype=object)
    clipped[~inside] = polygonal_part(safe_intersection(boxes[~inside], zone))
    parts, index = shapely.get_parts(clipped, return_index=True)
    square = shapely.area(boxes)[index]
    keep = shapely.area(parts) >= CRUMB_SHARE * square  # floating-point crumbs of clipping
    return _merge_slivers(parts[keep], SLIVER_SHARE * square[keep])


def _merge_slivers(parts: np.ndarray, min_area) -> np.ndarray:
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


def split_cells(cells: np.ndarray, barriers: shapely.Geometry | None) -> np.ndarray:
    """``cells`` cut along the ``barriers`` lines: a cell a line crosses becomes its pieces.

    A line that ends inside a cell without cutting it through leaves the cell whole, and so
    does a line running along the cell's edge, a hair off it (a Blue Line that is also the
    territory's edge): the slivers between the two join their neighbours (see
    :func:`_join_slivers`). A line that stops a rounding error short of the cell's edge
    (within :data:`BARRIER_M`) cuts it through.
    """
    if barriers is None or barriers.is_empty or not len(cells):
        return cells
    lines = shapely.union_all(shapely.get_parts(barriers))
    hit = shapely.STRtree(cells).query(lines, predicate="intersects")
    if not len(hit):
        return cells
    out = [[cell] for cell in cells]
    for i in np.unique(hit):
        cell = cells[i]
        inside = [_lengthened(g, BARRIER_M)
                  for g in shapely.get_parts(shapely.intersection(lines, cell))
                  if shapely.get_type_id(g) in (1, 5)]
        if not inside:
            continue
        edges = shapely.union_all([shapely.boundary(cell), *inside])
        pieces = shapely.get_parts(shapely.polygonize(shapely.get_parts(edges)))
        pieces = pieces[shapely.contains(cell, shapely.point_on_surface(pieces))
                        & (shapely.area(pieces) > CRUMB_SHARE * cell.area)]
        pieces = _join_slivers(pieces)
        if len(pieces) > 1:
            out[i] = list(pieces)
    return np.array([g for group in out for g in group], dtype=object)


def _lengthened(line: shapely.Geometry, by: float) -> shapely.Geometry:
    """``line`` (a LineString; other geometries come back as they are) continued ``by``
    metres beyond both ends along its end segments."""
    xy = shapely.get_coordinates(line)
    if shapely.get_type_id(line) != 1 or len(xy) < 2:
        return line
    start, end = xy[0] - xy[1], xy[-1] - xy[-2]  # the directions the line leaves in
    start = xy[0] + start / max(np.hypot(*start), 1e-12) * by
    end = xy[-1] + end / max(np.hypot(*end), 1e-12) * by
    return shapely.linestrings(np.vstack([start, xy, end]))


def _join_slivers(pieces: np.ndarray) -> np.ndarray:
    """``pieces`` of one cell with the slivers (narrower than :data:`BARRIER_M` on average)
    each joined to the wider piece it shares most edge with. With fewer than two wider
    pieces, only those come back (the caller keeps the cell whole)."""
    thin = shapely.area(pieces) < BARRIER_M * shapely.length(pieces) / 2
    if not thin.any():
        return pieces
    wide = pieces[~thin]
    if len(wide) < 2:
        return wide
    groups = [[p] for p in wide]
    rings = shapely.boundary(wide)
    for sliver in pieces[thin]:
        shared = shapely.length(shapely.intersection(rings, shapely.boundary(sliver)))
        groups[int(np.argmax(shared))].append(sliver)
    return np.array([shapely.union_all(g) for g in groups], dtype=object)


def across_barriers(geoms: np.ndarray, pairs: np.ndarray,
                    barriers: shapely.Geometry | None) -> np.ndarray:
    """Whether each pair of cells meets along a barrier (most of their shared edge on it).

    The shared edge is measured within :data:`BARRIER_M` of the neighbour: a cell cut along
    a line may end a rounding error off the edge of the cell beside it.
    """
    across = np.zeros(len(pairs), dtype=bool)
    if barriers is None or barriers.is_empty or not len(pairs):
        return across
    band = shapely.buffer(barriers, BARRIER_M, quad_segs=1)
    shapely.prepare(band)
    near = shapely.intersects(band, geoms)
    cand = np.flatnonzero(near[pairs[:, 0]] & near[pairs[:, 1]])
    if not len(cand):
        return across
    rings = shapely.boundary(geoms)
    shared = shapely.intersection(rings[pairs[cand, 0]], shapely.buffer(
        geoms[pairs[cand, 1]], BARRIER_M, quad_segs=1))
    along = shapely.length(shapely.intersection(shared, band))
    across[cand] = along >= 0.5 * np.maximum(shapely.length(shared), 1e-9)
    return across


def make_cells(zone: shapely.Geometry, k: int = 1, *, balance: str = "population",
               population: gpd.GeoDataFrame | None = None, cell_m: float | None = None,
               share: float = CELL_SHARE, barriers: shapely.Geometry | None = None) -> Cells:
    """Cut ``zone`` (metric CRS) into cells for ``k`` sectors, fine where the weight is.

    Squares start at ``share`` of a sector's mean area and split in four while they hold
    more than ``share`` of a sector's ideal weight (population by areal weighting, or
    area), down to ``cell_m`` (default about 1/2048 of the zone's side). Empty land stays
    coarse; towns get cells small enough to balance sectors within about ``share``.
    Cells never cross the ``barriers`` lines (named lines, handover boundaries), and cells
    meeting along one are not adjacent: sectors grown from them follow the lines.
    """
    if balance not in BALANCES:
        raise ValueError(f"`balance` must be one of {', '.join(BALANCES)}; got {balance!r}")
    if balance == "population" and population is None:
        raise ValueError("`population` is required when balancing by population")
    share = max(share, k / MAX_CELLS)
    finest, coarse = cell_sizes(zone, k, cell_m=cell_m, share=share)
    limit, weigh = np.inf, None  # by area, the coarsest squares are already small enough
    if balance == "population":
        source = _population_in(zone, population)
        total = float(source["population"].sum())
        limit = share * total / max(k, 1) if total > 0 else np.inf
        weigh = lambda boxes: areal_population(boxes, source)
    boxes = quadtree_boxes(zone, weigh, finest=finest, coarse=coarse, limit=limit)
    geoms = split_cells(clip_cells(zone, boxes), barriers)
    weights = areal_population(geoms, population) if balance == "population" \
        else shapely.area(geoms) / 1e6
    pairs, lengths = adjacency_pairs(geoms, touch_m=0.01, min_shared_m=0.05, lengths=True)
    keep = ~across_barriers(geoms, pairs, barriers)
    return Cells(geoms, np.asarray(weights, dtype=float), pairs[keep], lengths[keep], finest)


def _population_in(zone: shapely.Geometry, population: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The population polygons clipped to ``zone``, their counts scaled to the part kept."""
    geoms = population.geometry.values
    near = population.sindex.query(zone, predicate="intersects")
    clipped = polygonal_part(safe_intersection(geoms[near], zone))
    share = shapely.area(clipped) / np.maximum(shapely.area(geoms[near]), 1e-12)
    counts = population["population"].to_numpy(dtype=float)[near] * share
    return gpd.GeoDataFrame({"population": counts}, geometry=clipped, crs=population.crs)


def partition_zone(zone: shapely.Geometry, k: int, *, balance: str = "population",
                   population: gpd.GeoDataFrame | None = None, seed: int = 0,
                   cell_m: float | None = None, cell_share: float = CELL_SHARE,
                   tolerance: float = 0.01, crs=None, barriers: shapely.Geometry | None = None,
                   progress: Callable[[], None] | None = None) -> gpd.GeoDataFrame:
    """Cut ``zone`` into ``k`` contiguous sectors, numbered north to south.

    Parameters
    ----------
    zone
        Polygon or MultiPolygon in a metric CRS. Dust and slivers (see
        :func:`geo.zones.solid_parts`) are dropped: they are not separate parts.
    k
        Number of sectors.
    balance
        ``"population"`` (needs ``population``) or ``"area"``.
    population
        Polygons with a ``population`` column, in the zone's CRS.
    seed
        Same inputs and seed give the same sectors.
    cell_m
        Side in metres of the smallest cells (default: about 1/2048 of the zone's side).
    cell_share
        Largest share of a sector's ideal weight and mean area one cell holds (see
        :func:`make_cells`).
    tolerance
        Target largest deviation from the ideal weight, as a fraction.
    crs
        CRS of the returned frame.
    barriers
        Lines sectors must not straddle (see :func:`make_cells`): each side of a line that
        cuts the zone through is a separate part.
    progress
        Called once per finished sector.

    Returns
    -------
    GeoDataFrame
        ``k`` rows: ``order`` (0 = northernmost) and geometry. ``attrs["fragments"]`` lists
        the fragments joined to a sector: separate parts under :data:`FRAGMENT_SHARE` of
        the ideal sector in both area and weight, each a dict with ``area_m2``, ``weight``,
        ``order`` (the sector it joined) and ``x``, ``y`` (a point inside, zone's CRS).

    Raises
    ------
    PartitionError
        ``k`` larger than the zone can support: more separate parts (fragments aside) than
        ``k``, named with their areas, or fewer cells than ``k``.
    """
    parts = solid_parts(zone) if zone is not None else np.empty(0, dtype=object)
    if len(parts) == 0:
        raise PartitionError("the zone is empty: nothing to cut into sectors")
    if k < 1:
        raise PartitionError(f"the number of sectors must be at least 1; got {k}")
    zone = shapely.union_all(parts)
    cells = make_cells(zone, k, balance=balance, population=population, cell_m=cell_m,
                       share=cell_share, barriers=barriers)
    comp, fragment = _fragments(cells, k)
    solid = np.flatnonzero(~fragment[comp])
    _enough_sectors(cells, comp, fragment, k, barriers)
    index = np.full(len(cells.geoms), -1)
    index[solid] = np.arange(len(solid))
    keep = (index[cells.pairs[:, 0]] >= 0) & (index[cells.pairs[:, 1]] >= 0)
    labels = np.full(len(cells.geoms), -1)
    labels[solid] = partition_graph(cells.weights[solid], index[cells.pairs[keep]], k,
                                    lengths=cells.lengths[keep], seed=seed,
                                    tolerance=tolerance, progress=progress)
    geoms = [shapely.union_all(cells.geoms[labels == i]) for i in range(k)]
    joined = []
    for c in np.flatnonzero(fragment):
        piece = shapely.union_all(cells.geoms[comp == c])
        to = int(np.argmin(shapely.distance(piece, np.asarray(geoms, dtype=object))))
        geoms[to] = shapely.union_all([geoms[to], piece])
        point = shapely.point_on_surface(piece)
        joined.append({"area_m2": float(piece.area), "weight": float(cells.weights[comp == c].sum()),
                       "label": to, "x": point.x, "y": point.y})
    geoms = [shapely.normalize(g) for g in polygonal_part(geoms)]
    cent = shapely.centroid(geoms)
    order = np.lexsort((shapely.get_x(cent), -shapely.get_y(cent)))
    rank = np.empty(k, dtype=int)
    rank[order] = np.arange(k)
    frame = gpd.GeoDataFrame({"order": np.arange(k)}, geometry=[geoms[i] for i in order],
                             crs=crs)
    frame.attrs["fragments"] = [{**f, "order": int(rank[f.pop("label")])} for f in joined]
    return frame


def _fragments(cells: Cells, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The connected part of each cell, and which parts are fragments (the largest never)."""
    n = len(cells.geoms)
    ncomp, comp = connected_components(sparse_graph(n, cells.pairs), directed=False)
    area = np.bincount(comp, weights=shapely.area(cells.geoms), minlength=ncomp)
    weight = np.bincount(comp, weights=cells.weights, minlength=ncomp)
    fragment = (area < FRAGMENT_SHARE * area.sum() / k) \
        & (weight <= FRAGMENT_SHARE * weight.sum() / k)
    fragment[np.argmax(area)] = False
    return comp, fragment


def _enough_sectors(cells: Cells, comp, fragment, k: int, barriers) -> None:
    """Raise when the zone has more separate parts (fragments aside) than ``k``."""
    solid = np.flatnonzero(~fragment)
    if len(solid) <= k:
        return
    area = np.bincount(comp, weights=shapely.area(cells.geoms))[solid]
    asked = f"{k} sector{'s' * (k != 1)} {'were' if k != 1 else 'was'}"
    cut = "" if barriers is None or barriers.is_empty else \
        ", counting the parts that lines and handover boundaries cut apart"
    raise PartitionError(
        f"the zone has {len(solid)} separate parts ({describe_areas(area)}{cut}) but only "
        f"{asked} asked for; each part needs a sector of its own (ask for at least "
        f"{len(solid)})")


def phase_sectors(increment: shapely.Geometry, phase: int, k: int, around: Surroundings,
                  held: shapely.Geometry, *, balance: str = "population", seed: int = 0,
                  crs=None, **kw) -> gpd.GeoDataFrame:
    """Sectors of the ground one phase opens, with ids (``P1-S01`` ...) and every attribute.

    A phase that opens no ground (a steady state: the army stays put, or all it leaves is
    handed over at once) gets no sectors. ``attrs["notes"]`` holds what a planner should
    hear: the steady state, and each fragment joined to a sector with its size.

    Raises
    ------
    PartitionError
        As :func:`partition_zone`, the message starting with the phase; also ground to
        open with ``k`` = 0.
    """
    empty = not len(solid_parts(increment)) if increment is not None else True
    if empty:
        frame = polygon_attributes(gpd.GeoDataFrame(
            {"sector_id": pd.Series([], dtype=str), "phase": pd.Series([], dtype=int)},
            geometry=gpd.GeoSeries([], crs=crs), crs=crs), around, held)
        asked = f" ({k} sector{'s' * (k != 1)} asked for, none cut)" if k else ""
        frame.attrs["notes"] = [f"phase {phase} opens no new ground to the force: a steady "
                                f"state, the sectors already open carry on{asked}"]
        return frame
    if k < 1:
        raise PartitionError(f"phase {phase}: the force takes on "
                             f"{describe_areas([increment.area])} in this phase but no sectors "
                             "were asked for; ask for at least 1")
    try:
        frame = partition_zone(increment, k, balance=balance, population=around.population,
                               seed=seed, crs=crs, **kw)
    except PartitionError as exc:
        raise PartitionError(f"phase {phase}: the increment (territory minus the held area) "
                             f"cannot take {k} sectors: {exc}") from None
    ids = [f"P{phase}-S{i + 1:02d}" for i in range(k)]
    notes = [f"phase {phase}: a detached fragment of {describe_areas([f['area_m2']])} "
             f"({f['weight']:,.0f} {'residents' if balance == 'population' else 'km²'}) "
             f"joined sector {ids[f['order']]} (fragments are parts under "
             f"{FRAGMENT_SHARE:.0%} of the phase's ideal sector in area and weight)"
             for f in frame.attrs.get("fragments", [])]
    frame.insert(0, "sector_id", ids)
    frame.insert(1, "phase", phase)
    out = polygon_attributes(frame.drop(columns="order"), around, held)
    out.attrs["notes"] = notes
    return out


def polsby_popper(geoms) -> np.ndarray:
    """Compactness 4πA/P² of each polygon (1 for a disc)."""
    geoms = np.asarray(geoms, dtype=object)
    perim = shapely.length(geoms)
    return np.where(perim > 0, 4 * np.pi * shapely.area(geoms) / np.maximum(perim, 1e-12) ** 2, 0)


OVERLAP_SHARE = 1e-5  # two sectors may overlap by this share of the smaller (edge noise)
OUTSIDE_SHARE = 1e-3  # a sector may reach this share of its area outside its increment
GAP_SHARE = 1e-4  # an increment may leave this share of its area in no sector unwarned
SLIVER_OF_MEAN = 1e-3  # a sector under this share of its phase's mean sector is a sliver


def sector_layer_problems(sectors: gpd.GeoDataFrame, increments: gpd.GeoDataFrame,
                          path) -> tuple[list[Problem], list[Problem]]:
    """Errors (overlaps, sectors outside their increment) and warnings (gaps, slivers).

    Every tolerance is a share of the sectors' own size, so a layer digitised at any scale
    is judged alike: overlaps above 0.001% of the smaller sector, and more than 0.1% of a
    sector outside its phase's increment, are errors; more than 0.01% of an increment in
    no sector, and sectors under 0.1% of their phase's mean sector, are warnings. Both
    frames must be in one metric CRS; ``increments`` has ``phase`` and geometry.
    """
    geoms, ids = sectors.geometry.values, sectors["sector_id"].astype(str).tolist()
    phases = sectors["phase"].astype(int).to_numpy()
    inc = dict(zip(increments["phase"].astype(int), increments.geometry.values))
    errors = _overlaps(geoms, ids, path) + _outside(geoms, ids, phases, inc, path)
    return errors, _gaps_and_slivers(geoms, ids, phases, inc, path)


def _overlaps(geoms, ids, path) -> list[Problem]:
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    limit = OVERLAP_SHARE * np.minimum(shapely.area(geoms[left]), shapely.area(geoms[right]))
    return [problem(path, f"overlaps sector {ids[j]} by {a:,.0f} m² (more than "
                    f"{OVERLAP_SHARE:.3%} of the smaller sector)", feature=int(i),
                    feature_id=ids[i], field="geometry")
            for i, j, a in zip(left[shared > limit], right[shared > limit], shared[shared > limit])]


def _outside(geoms, ids, phases, inc, path) -> list[Problem]:
    own = np.array([inc.get(p, shapely.Polygon()) for p in phases], dtype=object)
    outside = shapely.area(shapely.difference(geoms, own))
    return [problem(path, f"reaches {outside[i] / 1e6:.3f} km² outside the increment of phase "
                    f"{phases[i]} (sectors never straddle phases)", feature=int(i),
                    feature_id=ids[i], field="geometry")
            for i in np.flatnonzero(outside > OUTSIDE_SHARE * shapely.area(geoms))]


def _gaps_and_slivers(geoms, ids, phases, inc, path) -> list[Problem]:
    warnings = []
    for p, zone in inc.items():
        mine = phases == p
        if mine.any():
            mean = zone.area / mine.sum()
            for i in np.flatnonzero(mine & (shapely.area(geoms) < SLIVER_OF_MEAN * mean)):
                warnings.append(problem(
                    path, f"sliver sector of {shapely.area(geoms[i]):,.0f} m² (under "
                    f"{SLIVER_OF_MEAN:.1%} of phase {p}'s mean sector, {mean / 1e6:,.3f} km²)",
                    feature=int(i), feature_id=ids[i], field="geometry"))
        covered = shapely.union_all(geoms[mine]) if mine.any() else shapely.Polygon()
        gap = shapely.difference(zone, covered).area
        if gap > GAP_SHARE * max(zone.area, 1):
            warnings.append(problem(path, f"phase {p}: {gap / 1e6:.3f} km² of the increment is "
                                    "in no sector (gap)", field="geometry"))
    return warnings


__all__ = ["BALANCES", "Cells", "PartitionError", "make_cells", "partition_zone", "phase_sectors",
           "polsby_popper", "sector_layer_problems"]


def balance_by_part(geoms, weights, zone) -> tuple[float, int]:
    """The largest deviation of a sector's weight from its ideal, and how many sectors are
    alone in their part of ``zone``.

    The ideal of a sector is its part's weight over the sectors cut in that part (as the
    partition shares it out); a part that holds one sector has no choice, so it does not
    count (an enclave of 7 km² is its own sector whatever its size).
    """
    geoms = np.asarray(geoms, dtype=object)
    w = np.asarray(weights, dtype=float)
    parts = shapely.get_parts(zone)
    points = shapely.point_on_surface(geoms)
    owner = np.full(len(geoms), -1)
    for i, part in enumerate(parts):
        owner[shapely.contains(part, points) & (owner < 0)] = i
    worst, alone = 0.0, 0
    for i in np.unique(owner):
        mine = owner == i
        if mine.sum() < 2:
            alone += int(mine.sum())
            continue
        ideal = w[mine].sum() / mine.sum()
        if ideal > 0:
            worst = max(worst, float(np.abs(w[mine] - ideal).max() / ideal))
    return worst, alone
