"""Features far from the territory: a wrong CRS, or longitude and latitude swapped."""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

MIN_REACH_M = 5000.0  # features within this of the territory's box are never "far"
REACH_SHARE = 0.2  # ... nor within this share of the box's longer side


@dataclass(frozen=True)
class FarFeature:
    """A feature lying outside the territory's reach."""

    index: int          # zero-based feature index in its layer
    km: float           # distance to the territory, in km
    swapped: bool       # with longitude and latitude exchanged it would lie within reach


def reach(territory: shapely.Geometry) -> shapely.Geometry:
    """The territory's bounding box grown by 20% of its longer side (at least 5 km)."""
    minx, miny, maxx, maxy = territory.bounds
    grow = max(MIN_REACH_M, REACH_SHARE * max(maxx - minx, maxy - miny))
    return shapely.box(minx, miny, maxx, maxy).buffer(grow)


def far_features(frame: gpd.GeoDataFrame, territory: shapely.Geometry,
                 original: gpd.GeoDataFrame | None = None) -> list[FarFeature]:
    """Features of ``frame`` (metric CRS, as ``territory``) outside the territory's reach.

    ``original`` is the same layer as read, before projection: when it is geographic, each
    far feature is also tried with its coordinates swapped, a common mistake in hand-made
    files.
    """
    area = reach(territory)
    geoms = frame.geometry.values
    out = []
    for i in np.flatnonzero(~shapely.intersects(geoms, area)):
        swapped = (original is not None and original.crs is not None
                   and original.crs.is_geographic
                   and bool(shapely.intersects(_swapped(original, i, frame.crs), area)))
        out.append(FarFeature(int(i), float(shapely.distance(geoms[i], territory) / 1000),
                              swapped))
    return out


def _swapped(original: gpd.GeoDataFrame, i: int, crs) -> shapely.Geometry:
    """Feature ``i`` of ``original`` with x and y exchanged, projected to ``crs``."""
    flipped = shapely.transform(original.geometry.values[i:i + 1], lambda xy: xy[:, ::-1])
    return gpd.GeoSeries(flipped, crs=original.crs).to_crs(crs).values[0]
