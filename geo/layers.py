"""Read, validate, repair and project vector layers.

Any format GDAL reads through pyogrio works: GeoJSON, GeoPackage, zipped Shapefile, KML.
Checks are vectorized over the whole layer and every problem is reported at once.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.errors import InputError, Problem, checked_file, problem

# shapely type ids: Point 0, LineString 1, LinearRing 2, Polygon 3, MultiPoint 4,
# MultiLineString 5, MultiPolygon 6.
GEOMETRY_KINDS = {"polygon": (3, 6), "point": (0, 4), "line": (1, 2, 5)}
WGS84 = "EPSG:4326"
_GEOJSON_SUFFIXES = {".geojson", ".json"}
MAX_LAYER_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Layer:
    """A validated layer and what was repaired on the way."""

    path: str
    frame: gpd.GeoDataFrame
    repairs: tuple[Problem, ...] = field(default_factory=tuple)


def read_layer(path, *, geometry: str | None = None, id_field: str | None = None) -> Layer:
    """Read one vector layer, check its CRS and geometries, repair invalid polygons.

    Parameters
    ----------
    path
        File to read; ``.zip`` holding a Shapefile is read in place.
    geometry
        ``"polygon"``, ``"point"`` or ``"line"``: the geometry kind every feature must have.
    id_field
        Property naming each feature in messages (for example ``"sector_id"``).

    Returns
    -------
    Layer
        The frame in the file's own CRS (WGS84 for GeoJSON), 2D, with repairs listed.

    Raises
    ------
    InputError
        Unreadable file, missing CRS, coordinates out of range, empty, null or wrong-type
        geometries, or polygons that cannot be repaired.
    """
    if geometry is not None and geometry not in GEOMETRY_KINDS:
        raise ValueError(f"`geometry` must be one of {sorted(GEOMETRY_KINDS)}; got {geometry!r}")
    frame = _read_frame(path)
    frame = _ensure_crs(frame, path)
    ids = _feature_ids(frame, id_field)
    problems, repairs = [], []
    frame, found = _check_geometries(frame, path, ids, geometry)
    problems += found
    if geometry == "polygon" and not problems:
        frame, repairs, found = _repair_polygons(frame, path, ids)
        problems += found
    problems += _check_ranges(frame, path, ids)
    if problems:
        raise InputError(problems)
    return Layer(str(path), frame, tuple(repairs))


def _read_frame(path) -> gpd.GeoDataFrame:
    p = checked_file(path, MAX_LAYER_BYTES)
    try:
        return gpd.read_file(p, engine="pyogrio")
    except Exception as exc:  # GDAL raises many types; all mean "cannot read this file"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(problem(path, f"cannot read as a vector layer: {reason}")) from None


def _ensure_crs(frame: gpd.GeoDataFrame, path) -> gpd.GeoDataFrame:
    if frame.crs is not None:
        return frame
    if Path(path).suffix.lower() in _GEOJSON_SUFFIXES:
        return frame.set_crs(WGS84)  # RFC 7946: GeoJSON is WGS84 lon/lat by definition
    raise InputError(problem(path, "layer has no CRS; save it with one (for example EPSG:4326)"))


def _feature_ids(frame: gpd.GeoDataFrame, id_field: str | None) -> list:
    for name in (id_field, "id", "sector_id", "name"):
        if name and name in frame.columns:
            return frame[name].tolist()
    return [None] * len(frame)


def _check_geometries(frame, path, ids, geometry):
    problems = []
    geoms = frame.geometry.values
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(missing):
        problems.append(problem(path, "geometry is empty or missing", feature=int(i),
                                feature_id=ids[i], field="geometry"))
    if shapely.has_z(geoms).any():
        frame = frame.set_geometry(shapely.force_2d(geoms))
    if geometry is not None:
        wrong = ~np.isin(shapely.get_type_id(geoms), GEOMETRY_KINDS[geometry]) & ~missing
        names = frame.geometry.geom_type.values
        for i in np.flatnonzero(wrong):
            problems.append(problem(path, f"expected a {geometry} geometry", feature=int(i),
                                    feature_id=ids[i], field="geometry", value=names[i]))
    return frame, problems


def _repair_polygons(frame, path, ids):
    geoms = frame.geometry.values
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return frame, [], []
    reasons = shapely.is_valid_reason(geoms[invalid])
    fixed = polygonal_part(shapely.make_valid(geoms[invalid]))
    repaired = np.array(geoms, dtype=object)
    repaired[invalid] = fixed
    repairs, problems = [], []
    for i, reason, geom in zip(np.flatnonzero(invalid), reasons, fixed):
        if shapely.is_empty(geom):
            problems.append(problem(path, f"invalid polygon ({reason}) cannot be repaired",
                                    feature=int(i), feature_id=ids[i], field="geometry"))
        else:
            repairs.append(problem(path, f"invalid polygon ({reason}) repaired with make_valid",
                                   feature=int(i), feature_id=ids[i], field="geometry"))
    return frame.set_geometry(gpd.GeoSeries(repaired, index=frame.index, crs=frame.crs)), repairs, problems


def polygonal_part(geoms):
    """Keep only the polygonal parts of each geometry (empty polygon when none)."""
    geoms = np.asarray(geoms, dtype=object)
    parts, index = shapely.get_parts(geoms, return_index=True)
    keep = np.isin(shapely.get_type_id(parts), [3, 6])
    out = np.array([shapely.Polygon()] * len(geoms), dtype=object)
    if keep.any():
        grouped = pd.Series(list(parts[keep])).groupby(index[keep]).agg(
            lambda s: shapely.union_all(list(s)))
        out[grouped.index.to_numpy()] = grouped.to_numpy()
    return out


def _check_ranges(frame, path, ids):
    crs = pyproj.CRS.from_user_input(frame.crs)
    coords, index = shapely.get_coordinates(frame.geometry.values, return_index=True)
    problems = []
    bad = ~np.isfinite(coords).all(axis=1)
    if crs.is_geographic:
        bad |= (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
    for i in np.unique(index[bad]):
        hint = ("coordinates outside lon/lat range: projected coordinates need a CRS "
                "(GeoJSON is WGS84 lon/lat)") if crs.is_geographic else "non-finite coordinates"
        sample = coords[index == i][0].tolist()
        problems.append(problem(path, hint, feature=int(i), feature_id=ids[i],
                                field="geometry", value=sample))
    return problems


def utm_crs(frame: gpd.GeoDataFrame) -> pyproj.CRS:
    """The UTM zone CRS for the centre of ``frame`` (metric, for areas and distances)."""
    crs = frame.estimate_utm_crs()
    if crs is None:
        raise InputError(problem("<layers>", "cannot choose a UTM zone for these layers"))
    return crs


def project(frame: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    """Reproject ``frame`` to ``crs`` (no-op when already there)."""
    if frame.crs is not None and pyproj.CRS(frame.crs) == pyproj.CRS(crs):
        return frame
    return frame.to_crs(crs)


def check_metric(crs) -> pyproj.CRS:
    """Return ``crs`` as a pyproj CRS, refusing a geographic one."""
    crs = pyproj.CRS.from_user_input(crs)
    if crs.is_geographic:
        raise ValueError(f"`crs` must be metric (projected); got {crs.to_string()}")
    return crs
