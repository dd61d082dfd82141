"""Geospatial layers of the Withdrawal-Zone Planner: load, validate, project, derive, partition, export.

Names are imported from their modules on first use, so ``geo.errors`` (which the plan store
and the command line need before anything else) loads without GeoPandas.
"""
from importlib import import_module

_HOME = {
    "ATTRIBUTE_COLUMNS": "attributes", "Surroundings": "attributes",
    "polygon_attributes": "attributes", "InputError": "errors", "Problem": "errors",
    "geojson_text": "export", "write_geojson": "export", "write_gpkg": "export",
    "write_layer": "export", "Layer": "layers", "project": "layers", "read_layer": "layers",
    "utm_crs": "layers", "held_by_phase": "zones", "increments": "zones",
    "vacated_zones": "zones",
}
__all__ = sorted(_HOME)


def __getattr__(name):
    if name not in _HOME:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    return getattr(import_module(f"geo.{_HOME[name]}"), name)
