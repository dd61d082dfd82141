"""Geospatial layers of the Withdrawal-Zone Planner: load, validate, project, derive, partition, export.

Import from the modules (``geo.layers``, ``geo.zones``, ...); this package imports nothing, so
``geo.errors`` (which the plan store and the command line need first) loads without GeoPandas.
"""
