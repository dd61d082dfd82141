"""Geospatial layers of the Withdrawal-Zone Planner: load, validate, project, derive, partition, export."""
from geo.attributes import ATTRIBUTE_COLUMNS, Surroundings, polygon_attributes
from geo.errors import InputError, Problem
from geo.export import geojson_text, write_geojson, write_gpkg, write_layer
from geo.layers import Layer, project, read_layer, utm_crs
from geo.zones import held_by_phase, increments, vacated_zones

__all__ = [
    "ATTRIBUTE_COLUMNS", "InputError", "Layer", "Problem", "Surroundings", "geojson_text",
    "held_by_phase", "increments", "polygon_attributes", "project", "read_layer", "utm_crs",
    "vacated_zones", "write_geojson", "write_gpkg", "write_layer",
]
