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
    extra = {n: (lambda: None) for n in (layers or {}) if n not in MINI_LAYERS}
    for name, make in {**MINI_LAYERS, **extra}.items():
        layer = (layers or {}).get(name, make())
        if layer is not None:
            write_geojson(layer, folder / f"{name}.geojson")
    return folder


def disengagement(folder: Path, **changes) -> Path:
    """A disengagement of two armies on a 12 x 4 km strip, written to ``folder``.

    West holds x < 4 km and East x > 8 km in phase 1; in phase 2 they pull back to 2 km and
    10 km; phase 3 vacates nothing (a steady state), and from it the strip x 4 to 5 km is the
    Civil Administration's. Line A runs north-south at x = 6 km through the area of
    separation. ``changes`` replace top-level keys of the YAML.
    """
    strip = lambda x1, x2: rect(x1, 0, x2, 4000)
    layers = {
        "territory": frame({"name": ["Strip"]}, [strip(0, 12000)]),
        "held": frame({"phase": [1, 1, 2, 2, 3, 3],
                       "party": ["West", "East"] * 3},
                      [strip(0, 4000), strip(8000, 12000), strip(0, 2000),
                       strip(10000, 12000), strip(0, 2000), strip(10000, 12000)]),
        "population": frame({"name": ["all"], "population": [48_000]}, [strip(0, 12000)]),
        "places": frame({"name": ["Town"], "kind": ["town"]}, [Point(at(6500, 2000))]),
        "borders": frame({"kind": ["land"], "neighbour": ["Outside"]},
                         [LineString([at(0, 0), at(12000, 0)])]),
        "sectors": None,
        "handover": frame({"phase": [3], "authority": ["Civil Administration"]},
                          [strip(4000, 5000)]),
        "lines": frame({"name": ["Line A"]}, [LineString([at(6000, -500), at(6000, 4500)])]),
    }
    doc = {**MINI_YAML, "name": "Disengagement",
           "layers": {n: f"{n}.geojson" for n, layer in layers.items() if layer is not None},
           "phases": [{"phase": 1}, {"phase": 2}, {"phase": 3}],
           "sectoring": {"counts": {1: 4, 2: 2, 3: 0}, "balance": "population", "seed": 1},
           "vetoes": [],
           "mandates": {"chapter-vi": {
               "label": "VI", "troops_per_1000": 3, "troops_min": 20,
               "tasks": {"all": ["monitoring"], "contact:East": ["separation"],
                         "line:Line A": ["humanitarian"]}}},
           "contingents": [
               {"code": "AAA", "troops": 400, "tasks": ["monitoring", "separation",
                                                          "humanitarian"],
                "mandates": ["chapter-vi"]},
               {"code": "BBB", "troops": 400, "tasks": ["monitoring", "separation"],
                "mandates": ["chapter-vi"]},
               {"code": "CCC", "troops": 300, "tasks": ["monitoring", "humanitarian"],
                "mandates": ["chapter-vi"]}],
           **changes}
    return write_scenario(folder, doc, layers)


def disengagement_with_staff(folder: Path) -> Path:
    """:func:`disengagement` with a logistics unit (LOG, 200) and a staff element (HQS, 20)
    beside the ground contingents: units that hold no ground."""
    folder = disengagement(folder)
    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    doc["contingents"] += [
        {"code": "LOG", "troops": 200, "role": "logistics", "mandates": ["chapter-vi"]},
        {"code": "HQS", "troops": 20, "role": "staff", "mandates": ["chapter-vi"]}]
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc, sort_keys=False),
                                          encoding="utf-8")
    return folder

