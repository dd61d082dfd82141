"""Tiny hand-made layers with an explicit CRS, and a mini scenario folder to write."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import yaml
from shapely.geometry import LineString, Point, box

from geo.export import write_geojson

UTM = "EPSG:32636"
X0, Y0 = 600_000.0, 3_500_000.0  # a spot in UTM 36N, so GeoJSON round trips are realistic


def at(x, y):
    return X0 + x, Y0 + y


def rect(x1, y1, x2, y2):
    return box(*at(x1, y1), *at(x2, y2))


def frame(rows: dict, geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=list(geoms), crs=UTM)


MINI_LAYERS = {
    # 8 km x 4 km; the army holds the south half in phase 1, the south quarter in phase 2.
    "territory": lambda: frame({"name": ["Mini"]}, [rect(0, 0, 8000, 4000)]),
    "held": lambda: frame({"phase": [1, 2], "label": ["line 1", "line 2"]},
                          [rect(0, 0, 8000, 2000), rect(0, 0, 8000, 1000)]),
    "population": lambda: frame({"name": ["west", "east"], "population": [40_000, 20_000]},
                                [rect(0, 0, 4000, 4000), rect(4000, 0, 8000, 4000)]),
    "places": lambda: frame({"name": ["Town", "Gate"], "kind": ["city", "crossing"]},
                            [Point(at(2000, 3000)), Point(at(7000, 1500))]),
    "borders": lambda: frame({"kind": ["coast", "land", "land"],
                              "neighbour": [None, "Alpha", "Beta"],
                              "name": ["coast", "Alpha", "Beta"]},
                             [LineString([at(0, 4000), at(8000, 4000)]),
                              LineString([at(0, 0), at(8000, 0)]),
                              LineString([at(0, 0), at(0, 4000)])]),
    "sectors": lambda: frame({"sector_id": ["P1-S01", "P1-S02", "P2-S01", "P2-S02"],
                              "phase": [1, 1, 2, 2]},
                             [rect(0, 2000, 4000, 4000), rect(4000, 2000, 8000, 4000),
                              rect(0, 1000, 4000, 2000), rect(4000, 1000, 8000, 2000)]),
}

MINI_YAML = {
    "name": "Mini",
    "description": "A hand-made test scenario",
    "disclaimer": "Test data",
    "crs": UTM,
    "layers": {name: f"{name}.geojson" for name in MINI_LAYERS},
    "geography": {"urban_density": 2000, "touch_m": 25, "border_m": 600, "crossing_m": 600,
                  "min_contact_m": 200},
    "troop_unit": 10,
    "phases": [{"phase": 1, "label": "one"}, {"phase": 2, "label": "two"}],
    "mandates": {
        "chapter-vi": {"label": "VI", "troops_per_1000": 3, "troops_per_km2": 0,
                       "troops_min": 20, "tasks": {"all": ["monitoring"],
                                                   "contact_line": ["separation"],
                                                   "crossing": ["humanitarian"]}},
        "chapter-vii": {"label": "VII", "troops_per_1000": 12, "troops_per_km2": 0,
                        "troops_min": 100, "tasks": {"all": ["monitoring", "enforcement"],
                                                     "urban": ["disarmament"]}},
    },
    "contingents": [
        {"code": "AAA", "name": "Aland", "troops": 400, "available_from": 1,
         "tasks": ["monitoring", "separation", "humanitarian"],
         "mandates": ["chapter-vi", "chapter-vii"]},
        {"code": "BBB", "name": "Bland", "troops": 300, "available_from": 1,
         "tasks": ["monitoring", "separation", "enforcement"], "mandates": ["chapter-vi", "chapter-vii"],
         "prefers": ["border:Beta"]},
        {"code": "CCC", "name": "Cland", "troops": 200, "available_from": 2,
         "tasks": ["monitoring", "humanitarian"], "mandates": ["chapter-vi"]},
        {"code": "DDD", "name": "Dland", "troops": 200, "available_from": 1,
         "tasks": ["monitoring", "separation"], "mandates": ["chapter-vi"]},
    ],
    "vetoes": [{"id": "V1", "by": "Alpha", "nation": "DDD", "sectors": ["P1-S02"],
                "note": "not near the gate"}],
    "rules": [
        {"id": "R-LEAD", "kind": "one_lead_per_sector", "severity": "hard"},
        {"id": "R-TROOPS", "kind": "troops_required", "severity": "hard"},
        {"id": "R-CAP", "kind": "capacity", "severity": "hard"},
        {"id": "R-TASKS", "kind": "tasks_required", "severity": "hard",
         "params": {"min_share": 0.25}},
        {"id": "R-MANDATE", "kind": "mandate_accepted", "severity": "hard"},
        {"id": "R-PHASE", "kind": "phase_available", "severity": "hard"},
        {"id": "R-VETO", "kind": "veto", "severity": "hard"},
    ],
}


def write_scenario(folder: Path, doc: dict | None = None, layers: dict | None = None) -> Path:
    """Write a scenario folder from a YAML mapping and metric layer frames."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc or MINI_YAML, sort_keys=False),
                                          encoding="utf-8")
    for name, make in MINI_LAYERS.items():
        layer = (layers or {}).get(name, make())
        if layer is not None:
            write_geojson(layer, folder / f"{name}.geojson")
    return folder


