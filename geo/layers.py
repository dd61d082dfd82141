"""Read, validate, repair and project vector layers.

Any format GDAL reads through pyogrio works: GeoJSON, GeoPackage, zipped Shapefile, KML.
Checks are vectorized over the whole layer and every problem is reported at once.
"""
from __future__ import annotations

import json
import math
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.errors import InputError, Problem, checked_file, problem, raise_if

# shapely type ids: Point 0, LineString 1, LinearRing 2, Polygon 3, MultiPoint 4,
# MultiLineString 5, MultiPolygon 6.
GEOMETRY_KINDS = {"polygon": (3, 6), "point": (0, 4), "line": (1, 2, 5)}
WGS84 = "EPSG:4326"
_GEOJSON_SUFFIXES = {".geojson", ".json"}
MAX_LAYER_BYTES = 200 * 1024 * 1024
MAX_VERTICES = 500_000          # per feature: more is no planning layer, and costs memory
MAX_ZIP_BYTES = 1024 * 1024 * 1024  # uncompressed size of a zipped layer
MAX_ZIP_RATIO = 200             # a member compressed more than this is a zip bomb
MAX_PRECHECK_BYTES = 64 * 1024 * 1024  # GeoJSON read in Python first to name bad features
DENSIFY_DEG = 0.01  # longest edge, in degrees, before projecting a geographic layer
DENSIFY_M = 500.0  # ... in metres, before projecting a projected one: under 0.01° up to
#                    63° of latitude, so a layer we write is read back without new vertices
AREA_DISTORTION = 0.01  # a CRS whose areas differ from geodesic ones by more is warned about


@dataclass(frozen=True)
class Layer:
    """A validated layer and what was repaired on the way."""

    path: str
    frame: gpd.GeoDataFrame
    repairs: tuple[Problem, ...] = field(default_factory=tuple)


def read_layer(path, *, geometry: str | None = None, id_field: str | None = None,
               repair: bool = False) -> Layer:
    """Read one vector layer, check its CRS and geometries, optionally repair polygons.

    Parameters
    ----------
    path
        File to read; ``.zip`` holding a Shapefile is read in place.
    geometry
        ``"polygon"``, ``"point"`` or ``"line"``: the geometry kind every feature must have.
    id_field
        Property naming each feature in messages (for example ``"sector_id"``).
    repair
        Repair invalid polygons with ``make_valid`` (listed in ``repairs``) instead of
        refusing them.

    Returns
    -------
    Layer
        The frame in the file's own CRS (WGS84 for GeoJSON), 2D, with repairs listed.

    Raises
    ------
    InputError
        Unreadable file (not UTF-8, zip with unsafe paths or a bomb), a GeoJSON that is not
        WGS84, no features, missing CRS, coordinates out of range or not finite, 3D
        coordinates, features of more than ``MAX_VERTICES`` vertices, empty, null or
        wrong-type geometries, invalid polygons (unless ``repair``).
    """
    if geometry is not None and geometry not in GEOMETRY_KINDS:
        raise ValueError(f"`geometry` must be one of {sorted(GEOMETRY_KINDS)}; got {geometry!r}")
    frame = _read_frame(path)
    frame = _ensure_crs(frame, path)
    if not len(frame):
        raise InputError(problem(path, "the layer has no features"))
    ids = _feature_ids(frame, id_field)
    problems, repairs = [], []
    frame, found = _check_geometries(frame, path, ids, geometry)
    problems += found
    if geometry == "polygon" and not problems:
        frame, repairs, found = _repair_polygons(frame, path, ids, repair)
        problems += found
    problems += _check_ranges(frame, path, ids)
    if problems:
        raise InputError(problems)
    return Layer(str(path), frame, tuple(repairs))


def _read_frame(path) -> gpd.GeoDataFrame:
    p = checked_file(path, MAX_LAYER_BYTES)
    if p.suffix.lower() == ".zip":
        _check_zip(p)
    if p.suffix.lower() in _GEOJSON_SUFFIXES and p.stat().st_size <= MAX_PRECHECK_BYTES:
        raise_if(_geojson_problems(p))
    try:
        with warnings.catch_warnings():  # GDAL's own warnings: what matters is raised below
            warnings.simplefilter("ignore")
            return gpd.read_file(p, engine="pyogrio")
    except Exception as exc:  # GDAL raises many types; all mean "cannot read this file"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, UnicodeDecodeError):
            reason = f"not UTF-8 text (byte {exc.start}); save it as UTF-8"
        raise InputError(problem(path, f"cannot read as a vector layer: {reason}")) from None


def _geojson_problems(path: Path) -> list[Problem]:
    """What GDAL would refuse for the whole file, said per feature: coordinates that are not
    finite numbers, and polygon rings that are not closed."""
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"),
                         parse_constant=lambda name: float(name.replace("Infinity", "inf")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return []  # not JSON or not UTF-8: GDAL's reading reports it
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        return []
    problems = []
    for i, feat in enumerate(features):
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        props = feat.get("properties") if isinstance(feat, dict) else None
        name = next((props[k] for k in ("id", "sector_id", "name")
                     if isinstance(props, dict) and isinstance(props.get(k), (str, int))), None)
        for message in _geometry_faults(geom):
            problems.append(problem(path, message, feature=i, feature_id=name, field="geometry"))
    return problems


def _geometry_faults(geom, depth=0) -> list[str]:
    """Non-finite coordinates and unclosed polygon rings of one GeoJSON geometry."""
    if not isinstance(geom, dict) or depth > 8:
        return []
    if geom.get("type") == "GeometryCollection":
        parts = geom.get("geometries")
        return [m for g in (parts if isinstance(parts, list) else [])
                for m in _geometry_faults(g, depth + 1)]
    kind, coords = geom.get("type"), geom.get("coordinates")
    if any(isinstance(x, float) and not math.isfinite(x) for x in _numbers(coords)):
        return ["coordinates must be finite numbers (NaN or Infinity found)"]
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
    rings = [r for poly in (polygons if isinstance(polygons, list) else [])
             if isinstance(poly, list) for r in poly]
    return [f"ring {j} is not closed: its first and last positions differ"
            for j, ring in enumerate(rings)
            if isinstance(ring, list) and len(ring) >= 2 and ring[0] != ring[-1]][:1]


def _numbers(value, depth=0):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value
    elif isinstance(value, list) and depth < 6:
        for v in value:
            yield from _numbers(v, depth + 1)


def _check_zip(path: Path) -> None:
    """Refuse a zip whose members climb out of its folder or that inflates like a bomb."""
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(problem(path, f"not a readable zip file ({exc})")) from None
    for m in members:
        parts = Path(m.filename.replace("\\", "/")).parts
        if m.filename.startswith(("/", "\\")) or ".." in parts or ":" in m.filename:
            raise InputError(problem(path, "zip member has an unsafe path", field="member",
                                     value=m.filename))
        if m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1) and m.file_size > 2**20:
            raise InputError(problem(path, f"zip member inflates {m.file_size / max(m.compress_size, 1):,.0f} "
                                     f"times (a zip bomb?)", field="member", value=m.filename))
    if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
        raise InputError(problem(path, f"zip holds more than {MAX_ZIP_BYTES / 2**30:g} GiB "
                                 "uncompressed"))


def _ensure_crs(frame: gpd.GeoDataFrame, path) -> gpd.GeoDataFrame:
    if frame.crs is not None:
        if Path(path).suffix.lower() in _GEOJSON_SUFFIXES and frame.crs.to_epsg() not in (4326, 4979) \
                and not frame.crs.equals("OGC:CRS84"):
            raise InputError(problem(path, "GeoJSON must be WGS84 longitude/latitude (RFC 7946); "
                                     "this file declares another CRS in a 'crs' member: "
                                     "reproject it to EPSG:4326", field="crs",
                                     value=frame.crs.to_string()))
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
    for i in np.flatnonzero(shapely.has_z(geoms)):
        problems.append(problem(path, "3D coordinates (a z value) are not supported; save the "
                                "layer in 2D (for example ogr2ogr -dim XY)", feature=int(i),
                                feature_id=ids[i], field="geometry"))
    counts = shapely.get_num_coordinates(geoms)
    for i in np.flatnonzero(counts > MAX_VERTICES):
        problems.append(problem(path, f"{counts[i]:,} vertices; at most {MAX_VERTICES:,} per "
                                "feature (simplify it)", feature=int(i), feature_id=ids[i],
                                field="geometry"))
    if geometry is not None:
        wrong = ~np.isin(shapely.get_type_id(geoms), GEOMETRY_KINDS[geometry]) & ~missing
        names = frame.geometry.geom_type.values
        for i in np.flatnonzero(wrong):
            problems.append(problem(path, f"expected a {geometry} geometry", feature=int(i),
                                    feature_id=ids[i], field="geometry", value=names[i]))
    return frame, problems


REPAIR_HINT = ("fix it, or repair it with make_valid: `--repair` on the command line, "
               "`geography.repair: true` in scenario.yaml")


def _repair_polygons(frame, path, ids, repair: bool, *, stage: str = ""):
    """Invalid polygons made valid (``repair``: listed as repairs) or reported as problems.

    ``stage`` says when the polygon is invalid (for example "once projected to EPSG:32636").
    """
    geoms = frame.geometry.values
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return frame, [], []
    reasons = shapely.is_valid_reason(geoms[invalid])
    fixed = polygonal_part(shapely.make_valid(geoms[invalid]))
    repaired = np.array(geoms, dtype=object)
    repaired[invalid] = fixed
    repairs, problems = [], []
    what = f"invalid polygon{' ' + stage if stage else ''}"
    for i, reason, geom in zip(np.flatnonzero(invalid), reasons, fixed):
        where = dict(feature=int(i), feature_id=ids[i], field="geometry")
        if shapely.is_empty(geom):
            problems.append(problem(path, f"{what} ({reason}) cannot be repaired", **where))
        elif repair:
            repairs.append(problem(path, f"{what} ({reason}) repaired with make_valid", **where))
        else:
            problems.append(problem(path, f"{what} ({reason}); {REPAIR_HINT}", **where))
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
    """Reproject ``frame`` to ``crs``, edges densified first (see :func:`densify`) so they
    keep their course: a layer written in WGS84 means, under RFC 7946's straight lon/lat
    edges, what it meant in its metric CRS (no-op when already in ``crs``)."""
    if frame.crs is not None and pyproj.CRS(frame.crs) == pyproj.CRS(crs):
        return frame
    return densify(frame).to_crs(crs)


def densify(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` with edges split so that projecting it keeps their shape.

    A straight edge in one CRS is a curve in another, but projection moves only vertices:
    a long edge would cut a corner, enough to make a valid polygon cross itself or two
    polygons that share an edge overlap. Split to at most 0.01° (about 1 km) in a
    geographic CRS, or 500 m in a projected one, an edge projects within about 1 cm of its
    true course.
    """
    crs = pyproj.CRS.from_user_input(frame.crs)
    step = DENSIFY_DEG if crs.is_geographic else DENSIFY_M / _metres_per_unit(crs)
    geoms = frame.geometry.values
    lines = np.isin(shapely.get_type_id(geoms), (1, 2, 3, 5, 6))
    if not lines.any():
        return frame
    dense = np.array(geoms, dtype=object)
    dense[lines] = shapely.segmentize(dense[lines], step)
    return frame.set_geometry(gpd.GeoSeries(dense, index=frame.index, crs=frame.crs))


def _metres_per_unit(crs: pyproj.CRS) -> float:
    axes = [a for a in crs.axis_info if a.unit_name]
    return float(axes[0].unit_conversion_factor) if axes else 1.0


def project_layer(layer: Layer, crs, *, geometry: str | None = None,
                  id_field: str | None = None, repair: bool = False) -> Layer:
    """``layer`` densified, projected to ``crs`` and validated again there.

    A polygon valid in longitude and latitude can cross itself once projected; every such
    polygon is repaired with ``make_valid`` (``repair``: listed in ``repairs``, after the
    repairs made on reading) or reported.

    Raises
    ------
    InputError
        Features that cannot be projected (coordinates not finite in ``crs``) and, unless
        ``repair``, polygons invalid in ``crs``.
    """
    crs = pyproj.CRS.from_user_input(crs)
    frame = layer.frame
    if frame.crs is not None and pyproj.CRS(frame.crs) == crs:
        return layer
    frame = project(frame, crs)
    ids = _feature_ids(frame, id_field)
    name = crs.to_string()
    coords, index = shapely.get_coordinates(frame.geometry.values, return_index=True)
    problems = [problem(layer.path, f"cannot be projected to {name}: it lies outside the area "
                        "that CRS covers", feature=int(i), feature_id=ids[i], field="geometry")
                for i in np.unique(index[~np.isfinite(coords).all(axis=1)])]
    repairs = []
    if geometry == "polygon" and not problems:
        frame, repairs, problems = _repair_polygons(frame, layer.path, ids, repair,
                                                    stage=f"once projected to {name}")
    if problems:
        raise InputError(problems)
    return Layer(layer.path, frame, layer.repairs + tuple(repairs))


def crs_problem(crs: pyproj.CRS) -> str | None:
    """Why ``crs`` cannot measure areas and distances, or None when it can.

    It must be projected (not geographic, not geocentric) with axes in metres.
    """
    if not crs.is_projected:
        kind = "geographic (degrees)" if crs.is_geographic else "not a projected CRS"
        return f"must be a projected CRS in metres, such as a UTM zone; this one is {kind}"
    units = {a.unit_name for a in crs.axis_info[:2]}
    if any(abs(a.unit_conversion_factor - 1.0) > 1e-12 for a in crs.axis_info[:2]):
        return (f"must be a projected CRS in metres, such as a UTM zone; this one is in "
                f"{', '.join(sorted(units))}")
    return None


def geodesic_area_m2(frame: gpd.GeoDataFrame) -> float:
    """Area of the polygons of ``frame`` on the WGS84 ellipsoid, in m²."""
    wgs = densify(frame).to_crs(WGS84) if pyproj.CRS(frame.crs) != pyproj.CRS(WGS84) \
        else densify(frame)
    geod = pyproj.Geod(ellps="WGS84")
    parts = shapely.orient_polygons(shapely.get_parts(wgs.geometry.values))  # CCW: positive
    return float(sum(geod.geometry_area_perimeter(g)[0] for g in parts))


def area_distortion(frame: gpd.GeoDataFrame, crs) -> tuple[float, float]:
    """Area of ``frame``'s polygons measured in ``crs`` and on the WGS84 ellipsoid, in m².

    Their ratio tells how far ``crs`` distorts areas there (EPSG:3857 at 31°N: +38%).
    """
    measured = float(shapely.area(densify(frame).to_crs(crs).geometry.values).sum())
    return measured, geodesic_area_m2(frame)
