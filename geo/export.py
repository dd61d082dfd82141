"""Write layers: RFC 7946 GeoJSON and GeoPackage, atomically (temp file, then rename)."""
from __future__ import annotations

import json
import math
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.layers import WGS84, project


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it over ``path`` only on success."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent or ".")
    os.close(fd)
    os.unlink(tmp)  # GDAL refuses to create over an existing file
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text_atomic(path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _plain(value):
    """A JSON-safe Python value for a property (numpy scalars, NaN -> null)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def geojson_text(frame: gpd.GeoDataFrame, *, name: str | None = None,
                 members: dict | None = None) -> str:
    """Serialise ``frame`` as RFC 7946 GeoJSON text.

    Coordinates are WGS84 lon/lat, polygon exteriors counter-clockwise and holes clockwise,
    no ``crs`` member. ``members`` are added as top-level foreign members (RFC 7946 6.1).
    Output is byte-for-byte deterministic for the same frame.
    """
    wgs = project(frame, WGS84) if frame.crs is not None else frame
    geoms = shapely.orient_polygons(wgs.geometry.values, exterior_cw=False)
    columns = [c for c in wgs.columns if c != wgs.geometry.name]
    records = wgs[columns].to_dict(orient="records")
    features = [
        {"type": "Feature",
         "properties": {k: _plain(v) for k, v in rec.items()},
         "geometry": json.loads(shapely.to_geojson(g)) if g is not None else None}
        for rec, g in zip(records, geoms)
    ]
    doc = {"type": "FeatureCollection"}
    if name:
        doc["name"] = name
    for key, value in (members or {}).items():
        if key not in ("type", "features", "crs", "bbox", "name"):
            doc[key] = value
    doc["features"] = features
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def write_geojson(frame: gpd.GeoDataFrame, path, *, name: str | None = None) -> None:
    """Write ``frame`` to ``path`` as RFC 7946 GeoJSON, atomically."""
    write_text_atomic(path, geojson_text(frame, name=name))


GPKG_VERSION = "1.3"  # read by every GDAL in use without a version warning


def write_gpkg(layers: dict[str, gpd.GeoDataFrame], path) -> None:
    """Write named layers into one GeoPackage 1.3 at ``path``, atomically."""
    with atomic_path(path) as tmp:
        for i, (layer, frame) in enumerate(layers.items()):
            options = {"VERSION": GPKG_VERSION} if i == 0 else {}  # set when the file is made
            frame.to_file(tmp, layer=layer, driver="GPKG", engine="pyogrio",
                          dataset_options=options)


def write_layer(frame: gpd.GeoDataFrame, path, *, name: str | None = None) -> None:
    """Write ``frame`` as GeoPackage when ``path`` ends in ``.gpkg``, else RFC 7946 GeoJSON."""
    if str(path).lower().endswith(".gpkg"):
        write_gpkg({name or Path(path).stem: frame}, path)
    else:
        write_geojson(frame, path, name=name)
