"""A synthetic scenario of any size, written as a scenario folder (for benchmarks)."""
from __future__ import annotations

import random
from pathlib import Path

import geopandas as gpd
import numpy as np
import yaml
from shapely.geometry import LineString, Point, box

from geo.export import write_geojson

CRS = "EPSG:32636"
X0, Y0 = 500_000.0, 3_400_000.0
TASKS = ["monitoring", "separation", "humanitarian", "policing", "enforcement"]


def _grid(x1, y1, x2, y2, nx, ny):
    xs, ys = np.linspace(x1, x2, nx + 1), np.linspace(y1, y2, ny + 1)
    return [box(X0 + xs[i], Y0 + ys[j], X0 + xs[i + 1], Y0 + ys[j + 1])
            for j in range(ny - 1, -1, -1) for i in range(nx)]


def write_synthetic(folder: Path, *, sectors=(2500, 1500, 1000), contingents=40, seed=0,
                    rules: str = "every kind") -> Path:
    """Write a scenario: a 100 x 60 km territory, three phases, a sector grid per increment.

    Phase increments are horizontal bands (north first); sector counts per phase are
    ``sectors``; contingents get random tasks, troops and availability (deterministic).
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    width, height = 100_000, 60_000
    cuts = [height, 30_000, 15_000, 5_000]  # vacated bands: [30-60], [15-30], [5-15] km
    frame = lambda rows, geoms: gpd.GeoDataFrame(rows, geometry=geoms, crs=CRS)
    write_geojson(frame({"name": ["Synthland"]}, [box(X0, Y0, X0 + width, Y0 + height)]),
                  folder / "territory.geojson")
    write_geojson(frame({"phase": [1, 2, 3]}, [box(X0, Y0, X0 + width, Y0 + c)
                                               for c in cuts[1:]]), folder / "held.geojson")
    pops = _grid(0, 0, width, height, 10, 6)
    write_geojson(frame({"population": [rng.randint(5_000, 400_000) for _ in pops]}, pops),
                  folder / "population.geojson")
    places = [Point(X0 + rng.uniform(0, width), Y0 + rng.uniform(5_000, height)) for _ in range(30)]
    write_geojson(frame({"name": [f"X{i}" for i in range(30)], "kind": ["crossing"] * 30}, places),
                  folder / "places.geojson")
    write_geojson(frame({"kind": ["coast", "land", "land"], "neighbour": [None, "East", "West"],
                         "name": ["coast", "East", "West"]},
                        [LineString([(X0, Y0 + height), (X0 + width, Y0 + height)]),
                         LineString([(X0 + width, Y0), (X0 + width, Y0 + height)]),
                         LineString([(X0, Y0), (X0, Y0 + height)])]), folder / "borders.geojson")
    geoms, ids, phases = [], [], []
    for p, n in enumerate(sectors, start=1):
        top, bottom = cuts[p - 1], cuts[p]
        ny = max(1, round((n * (top - bottom) / width) ** 0.5))
        nx = -(-n // ny)  # enough columns for n cells; the last row may be partly used
        cells = _grid(0, bottom, width, top, nx, ny)[:n]
        geoms += cells
        ids += [f"P{p}-S{i + 1:04d}" for i in range(len(cells))]
        phases += [p] * len(cells)
    write_geojson(frame({"sector_id": ids, "phase": phases}, geoms), folder / "sectors.geojson")
    codes = [f"N{i:02d}" for i in range(contingents)]
    doc = {
        "name": f"Synthetic ({len(ids)} sectors)", "description": "benchmark", "crs": CRS,
        "disclaimer": "Synthetic data for benchmarks.",
        "layers": {k: f"{k}.geojson" for k in ("territory", "held", "population", "places",
                                               "borders", "sectors")},
        "geography": {"urban_density": 400, "border_m": 500, "crossing_m": 2000},
        "phases": [{"phase": p, "label": f"Phase {p}"} for p in (1, 2, 3)],
        "mandates": {"chapter-vi": {"label": "VI", "troops_per_1000": 3, "troops_min": 20,
                                    "tasks": {"all": ["monitoring"],
                                              "contact_line": ["separation"],
                                              "crossing": ["humanitarian"]}}},
        "contingents": [{"code": c, "name": f"Nation {c}", "troops": rng.randint(500, 6000),
                         "available_from": rng.choice([1, 1, 1, 2, 3]),
                         "tasks": ["monitoring"] + rng.sample(TASKS[1:], rng.randint(1, 3)),
                         "mandates": ["chapter-vi"],
                         "prefers": ["border:East"] if i % 7 == 0 else []}
                        for i, c in enumerate(codes)],
        "vetoes": [{"id": "V1", "by": "Party", "nation": codes[1], "sectors": "all"},
                   {"id": "V2", "by": "Party", "nation": codes[2], "sectors": ids[:50]}],
        "rules": _all_rules(codes) if rules == "every kind" else _planning_rules(codes),
    }
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return folder


def _planning_rules(codes):
    """Rules like the bundled scenario's: what a planner would set for a real force."""
    return [
        {"id": "lead", "kind": "one_lead_per_sector"}, {"id": "troops", "kind": "troops_required"},
        {"id": "capacity", "kind": "capacity"},
        {"id": "tasks", "kind": "tasks_required", "params": {"min_share": 0.2}},
        {"id": "mandate", "kind": "mandate_accepted"}, {"id": "phase", "kind": "phase_available"},
        {"id": "veto", "kind": "veto"},
        {"id": "east", "kind": "lead_restriction",
         "params": {"attribute": "border:East", "nations": codes[:10]}},
        {"id": "share", "kind": "max_share", "params": {"max_share": 0.2}},
        {"id": "nations", "kind": "min_nations", "params": {"min_nations": 5}},
        {"id": "continuity", "kind": "continuity", "severity": "soft", "weight": 20},
        {"id": "prefer", "kind": "preference", "severity": "soft", "weight": 5},
        {"id": "together", "kind": "contiguous_area", "severity": "soft", "weight": 2},
    ]


def _all_rules(codes):
    """Every rule kind, some set tight, to load the checker (not a realistic force)."""
    tight = {"share": {"max_share": 0.1}, "nations": {"min_nations": 10}}
    rules = [dict(r, params=tight.get(r["id"], r.get("params", {}))) for r in _planning_rules(codes)]
    return rules + [
        {"id": "sectors", "kind": "max_sectors", "params": {"max_sectors": 200}},
        {"id": "apart", "kind": "adjacency_exclusion", "params": {"nations": codes[3:5]}},
        {"id": "pinned", "kind": "pinned"},
        {"id": "balance", "kind": "troop_balance", "severity": "soft"},
    ]
