"""Per-polygon attributes used by sectors and rules, measured in a metric CRS.

Everything here is vectorized over the polygons: spatial-index queries and Shapely 2
array operations, no Python loop per feature.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


URBAN_SHARE = 0.5  # urban: at least half the residents live densely ...
URBAN_RESIDENTS = 50_000  # ... or at least this many (an urban centre, as Eurostat counts one)

# Distances a scenario leaves unset, as shares of its territory's size (the side of a
# square of its area): about 19 m, 380 m, 950 m and 190 m for the 363 km² Gaza Strip.
SCALED_DISTANCES = {"touch_m": 0.001, "border_m": 0.02, "crossing_m": 0.05,
                    "min_contact_m": 0.01}


def scaled_distances(territory_m2: float) -> dict[str, float]:
    """Default distances in metres for a territory of ``territory_m2``, to two figures."""
    side = float(np.sqrt(max(territory_m2, 1.0)))
    return {k: float(f"{share * side:.2g}") for k, share in SCALED_DISTANCES.items()}


@dataclass(frozen=True)
class Surroundings:
    """The layers a polygon's attributes are measured against (all in one metric CRS).

    Parameters
    ----------
    population
        Polygons with a ``population`` column (residents).
    crossings
        Points with a ``name`` column.
    borders
        Lines with ``kind`` (``land`` or ``coast``) and ``neighbour`` (land borders).
    urban_density
        Residents per km²: people in population polygons denser than this live densely.
    urban_share, urban_residents
        A polygon is urban when at least ``urban_share`` of its residents, or at least
        ``urban_residents`` people, live densely (a city in a large rural sector makes it
        urban, whatever the sector's average density).
    touch_m
        Distance in metres within which a polygon touches the coast or the held area.
    border_m
        Distance in metres within which a polygon counts as on a land border.
    crossing_m
        A crossing belongs to the nearest polygon within this distance in metres.
    min_contact_m
        Shortest shared edge with the held area, in metres, that makes a contact line.
    """

    population: gpd.GeoDataFrame
    crossings: gpd.GeoDataFrame
    borders: gpd.GeoDataFrame
    urban_density: float
    touch_m: float
    border_m: float
    crossing_m: float
    min_contact_m: float
    urban_share: float = URBAN_SHARE
    urban_residents: float = URBAN_RESIDENTS


def areal_population(polys, population: gpd.GeoDataFrame, *,
                     min_density: float | None = None) -> np.ndarray:
    """Residents in each polygon by areal weighting of the population polygons.

    With ``min_density`` (residents per km²), only population polygons denser than it count.
    """
    polys = np.asarray(polys, dtype=object)
    src = population.geometry.values
    counts = population["population"].to_numpy(dtype=float)
    src_area = shapely.area(src)
    left, right = population.sindex.query(polys, predicate="intersects")
    if min_density is not None:
        dense = counts > min_density * src_area / 1e6
        keep = dense[right]
        left, right = left[keep], right[keep]
    shared = shapely.area(safe_intersection(polys[left], src[right]))
    share = shared / np.maximum(src_area[right], 1e-12)
    return np.bincount(left, weights=share * counts[right], minlength=len(polys))


def safe_intersection(a, b):
    """Pairwise intersection; on GEOS's rare robustness failure (a TopologyException on
    valid but nearly coincident edges), again snapped to a 1 mm grid."""
    try:
        return shapely.intersection(a, b)
    except shapely.errors.GEOSException:
        return shapely.intersection(a, b, grid_size=1e-3)


def urban(population, dense, around: Surroundings) -> np.ndarray:
    """Whether each polygon is urban, from its residents and those living densely."""
    population, dense = np.asarray(population, float), np.asarray(dense, float)
    return (population > 0) & ((dense >= around.urban_share * population)
                               | (dense >= around.urban_residents))


def contact_km(polys, held: shapely.Geometry, touch_m: float) -> np.ndarray:
    """Length in km of each polygon's boundary lying along the held area."""
    polys = np.asarray(polys, dtype=object)
    if held is None or held.is_empty:
        return np.zeros(len(polys))
    band = shapely.buffer(held, touch_m)
    out = np.zeros(len(polys))
    near = shapely.STRtree(polys).query(band, predicate="intersects")  # skip the far ones
    if len(near):
        shapely.prepare(band)
        out[near] = shapely.length(shapely.intersection(shapely.boundary(polys[near]), band))
    return out / 1000.0


def far_crossings(polys, crossings: gpd.GeoDataFrame, within_m: float) -> list[tuple[int, float]]:
    """Crossings farther than ``within_m`` from every polygon: (row, distance in metres).

    ``row`` is the crossing's position in ``crossings``. Such a crossing belongs to no
    polygon (see :func:`crossing_names`).
    """
    if crossings.empty:
        return []
    if len(polys) == 0:
        return [(i, float("inf")) for i in range(len(crossings))]
    tree = shapely.STRtree(np.asarray(polys, dtype=object))
    (pts, _), gaps = tree.query_nearest(crossings.geometry.values, all_matches=False,
                                        return_distance=True)
    return [(int(i), float(d)) for i, d in zip(pts, gaps) if d > within_m]


def crossing_names(polys, crossings: gpd.GeoDataFrame, within_m: float) -> list[str]:
    """Names of the crossings each polygon holds, ``;``-joined (a crossing goes to its nearest polygon)."""
    out = [""] * len(polys)
    if crossings.empty or len(polys) == 0:
        return out
    tree = shapely.STRtree(np.asarray(polys, dtype=object))
    pts, hits = tree.query_nearest(crossings.geometry.values, max_distance=within_m,
                                   return_distance=False, all_matches=False)
    names = crossings["name"].astype(str).to_numpy()
    found = pd.Series(names[pts]).groupby(hits).agg(lambda s: ";".join(sorted(s)))
    for i, text in found.items():
        out[int(i)] = text
    return out


def border_names(polys, borders: gpd.GeoDataFrame, within_m: float) -> list[str]:
    """Neighbours whose land border lies within ``within_m`` of each polygon, ``;``-joined."""
    land = borders[borders["kind"] == "land"]
    if land.empty:
        return [""] * len(polys)
    lines = land.dissolve(by="neighbour", sort=True)
    near = shapely.dwithin(np.asarray(polys, dtype=object)[:, None],
                           np.asarray(lines.geometry.values)[None, :], within_m)
    names = np.asarray(lines.index, dtype=str)
    return [";".join(names[row]) for row in near]


def coastal(polys, borders: gpd.GeoDataFrame, within_m: float) -> np.ndarray:
    """Whether each polygon lies on the coast."""
    coast = borders.geometry.values[borders["kind"].to_numpy() == "coast"]
    if len(coast) == 0:
        return np.zeros(len(polys), dtype=bool)
    return shapely.dwithin(np.asarray(polys, dtype=object), shapely.union_all(coast), within_m)


def polygon_attributes(frame: gpd.GeoDataFrame, around: Surroundings,
                       held: shapely.Geometry | None) -> gpd.GeoDataFrame:
    """Return ``frame`` with the attribute columns added.

    Adds ``area_km2``, ``population`` (residents), ``density`` (residents per km²),
    ``contact_line`` and ``contact_km`` (against ``held``), ``crossings``, ``borders``,
    ``coastal`` and ``urban`` (see :func:`urban`).
    """
    polys = frame.geometry.values
    area = shapely.area(polys) / 1e6
    pop = areal_population(polys, around.population)
    dense = areal_population(polys, around.population, min_density=around.urban_density)
    pop = np.asarray(pop, dtype=float)
    density = np.divide(pop, area, out=np.zeros_like(pop), where=area > 0)
    contact = contact_km(polys, held, around.touch_m)
    out = frame.copy()
    out["area_km2"] = np.round(area, 6)
    out["population"] = np.round(pop).astype(np.int64)
    out["density"] = np.round(density, 3)
    out["contact_line"] = contact * 1000.0 >= around.min_contact_m
    out["contact_km"] = np.round(contact, 4)
    out["crossings"] = crossing_names(polys, around.crossings, around.crossing_m)
    out["borders"] = border_names(polys, around.borders, around.border_m)
    out["coastal"] = coastal(polys, around.borders, around.touch_m)
    out["urban"] = urban(pop, dense, around)
    return out
