"""Sectors benchmark: our partitioner against spopt's Skater and MaxPHeuristic, and our
adaptive cells against fixed ones.

Run: ``make bench-sectors`` (or ``.venv/bin/python -m bench.sectors`` after
``pip install -e '.[bench]'``). First table: every method gets the same square cells and
the same K: the bundled phase-1 increment at about 2,000 cells, and a synthetic zone at
about 10,000 cells, plus the bundled zone in ~180 coarse cells, where the competitors
finish. Times cover the partition of the cells only. Competitors run in a child process
capped at ``--cap`` seconds; a capped run is reported as such.

Second table: the whole cut (cells, partition, sectors dissolved and clipped), with a fixed
grid of about 2,000 cells against the adaptive quadtree, on the bundled phase-1 increment
and on a 56,000 km² territory whose people live mostly in 40 towns of 1 to 20 km² over an
almost empty countryside; deviations are measured on the sector polygons.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
import warnings

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse.csgraph import connected_components

from bench.common import Timer, machine, table
from geo.attributes import areal_population
from geo.graph import sparse_graph
from geo.partition import partition_graph
from geo.sectors import make_cells, partition_zone, polsby_popper

warnings.filterwarnings("ignore")


def square_cells(zone, population, target):
    """About ``target`` square cells of one size over ``zone`` (the grid before adaptive cells)."""
    return make_cells(zone, 1, population=population, cell_m=float(np.sqrt(zone.area / target)),
                      share=0)


def bundled_zone():
    from planner.files.scenario_file import load_scenario
    s = load_scenario(sectors=False)
    return s.zones.increments[1], s.layers.population


def _bundled_cells(target):
    return square_cells(*bundled_zone(), target)


def small_case():
    """The same zone in coarse cells: small enough for Skater and MaxP to finish."""
    return "bundled phase-1, coarse", _bundled_cells(150), 12


def bundled_case():
    return "bundled phase-1 increment", _bundled_cells(2000), 12


def synthetic_case():
    """A 30 x 20 km blob with three towns (Gaussian densities) over a rural floor."""
    rng = np.random.default_rng(42)
    x0, y0 = 600_000.0, 3_500_000.0
    zone = shapely.union_all([shapely.Point(x0 + 15_000, y0 + 10_000).buffer(10_000),
                              shapely.box(x0, y0 + 4000, x0 + 30_000, y0 + 16_000)])
    grid = [shapely.box(x0 + i, y0 + j, x0 + i + 500, y0 + j + 500)
            for i in range(0, 30_000, 500) for j in range(0, 20_000, 500)]
    centres = [(x0 + 8000, y0 + 9000, 3000), (x0 + 20_000, y0 + 12_000, 2000),
               (x0 + 25_000, y0 + 6000, 1500)]
    c = shapely.get_coordinates(shapely.centroid(grid))
    dens = 50 + sum(9000 * np.exp(-((c[:, 0] - cx) ** 2 + (c[:, 1] - cy) ** 2) / (2 * s ** 2))
                    for cx, cy, s in centres) * rng.uniform(0.8, 1.2, len(grid))
    pop = gpd.GeoDataFrame({"population": dens * 0.25}, geometry=grid, crs="EPSG:32636")
    return "synthetic zone", square_cells(zone, pop, 10_000), 20


def towns_zone():
    """56,000 km² with bites out of its edges; 1 to 6 residents per km² over 20 km squares,
    and 40 towns of 4,000 to 180,000 people at 3,000 to 15,000 per km² (1 to 20 km² each)."""
    rng = np.random.default_rng(3)
    x0, y0 = 400_000.0, 3_300_000.0
    zone = shapely.box(x0, y0, x0 + 320_000, y0 + 200_000)
    for _ in range(6):
        cx, cy = x0 + rng.uniform(0, 320_000), y0 + rng.choice([0, 200_000])
        zone = zone.difference(shapely.Point(cx, cy).buffer(rng.uniform(20_000, 45_000)))
    rural = [shapely.box(x0 + i, y0 + j, x0 + i + 20_000, y0 + j + 20_000)
             for i in range(0, 320_000, 20_000) for j in range(0, 200_000, 20_000)]
    counts = list(rng.uniform(1, 6, len(rural)) * 400)
    towns = []
    while len(towns) < 40:
        centre = shapely.Point(x0 + rng.uniform(0, 320_000), y0 + rng.uniform(0, 200_000))
        if zone.contains(centre):
            n = float(rng.choice([180_000, 60_000, 30_000, 15_000, 8_000, 4_000],
                                 p=[.05, .1, .15, .2, .25, .25]))
            towns.append(centre.buffer(np.sqrt(n / rng.uniform(3000, 15000) / np.pi) * 1000))
            counts.append(n)
    pop = gpd.GeoDataFrame({"population": counts}, geometry=rural + towns, crs="EPSG:32636")
    return zone, pop


def whole_cut(zone, population, k, *, fixed):
    """Cells, partition and dissolve: (seconds, cells, metrics on the sector polygons)."""
    cell_m = float(np.sqrt(zone.area / 2000)) if fixed else None
    with Timer() as t:
        sectors = partition_zone(zone, k, population=population, cell_m=cell_m,
                                 cell_share=0 if fixed else 0.02)
    cells = make_cells(zone, k, population=population, cell_m=cell_m,
                       share=0 if fixed else 0.02)
    geoms = sectors.geometry.values
    people = areal_population(geoms, population)
    ideal = people.sum() / k
    return t.seconds, len(cells.weights), {
        "max_dev": float(np.abs(people - ideal).max() / ideal),
        "contiguous": bool((shapely.get_type_id(geoms) == 3).all()),
        "pp": float(np.median(polsby_popper(geoms)))}


def adaptive_rows(quick: bool):
    cases = [("bundled phase-1 increment", *bundled_zone(), 12)]
    if not quick:
        zone, pop = towns_zone()
        cases += [(f"towns, {zone.area / 1e6:,.0f} km²", zone, pop, k) for k in (12, 30)]
    rows = []
    for name, zone, pop, k in cases:
        for fixed in (True, False):
            print(f"{name}, K={k}: {'fixed' if fixed else 'adaptive'} cells ...",
                  file=sys.stderr, flush=True)
            seconds, n, m = whole_cut(zone, pop, k, fixed=fixed)
            rows.append([f"{name} (K={k})", "fixed, ~2,000" if fixed else "adaptive",
                         f"{n:,}", f"{seconds:.2f}", f"{m['max_dev']:.1%}",
                         "yes" if m["contiguous"] else "no", f"{m['pp']:.2f}"])
    return rows


def evaluate(cells, labels, k) -> dict:
    """Deviation from the ideal (total / K), contiguity and median Polsby-Popper."""
    ids = np.unique(labels)
    loads = np.array([cells.weights[labels == i].sum() for i in ids])
    ideal = cells.weights.sum() / k
    pairs = cells.pairs
    contiguous = True
    for i in ids:
        nodes = np.flatnonzero(labels == i)
        mask = np.isin(pairs[:, 0], nodes) & np.isin(pairs[:, 1], nodes)
        local = np.searchsorted(nodes, pairs[mask])
        if connected_components(sparse_graph(len(nodes), local), directed=False)[0] != 1:
            contiguous = False
    geoms = [shapely.union_all(cells.geoms[labels == i]) for i in ids]
    return {"regions": len(ids), "max_dev": float(np.abs(loads - ideal).max() / ideal),
            "contiguous": contiguous, "pp": float(np.median(polsby_popper(geoms)))}


def _spopt_worker(method, cells, k, queue):
    import libpysal
    from spopt.region import MaxPHeuristic, Skater
    gdf = gpd.GeoDataFrame({"weight": cells.weights}, geometry=list(cells.geoms),
                           crs="EPSG:32636")
    neigh = {i: [] for i in range(len(cells.weights))}
    for a, b in cells.pairs.tolist():
        neigh[a].append(b)
        neigh[b].append(a)
    w = libpysal.weights.W(neigh, silence_warnings=True)
    start = time.perf_counter()
    if method == "Skater":
        model = Skater(gdf, w, ["weight"], n_clusters=k)
    else:
        model = MaxPHeuristic(gdf, w, ["weight"], "weight", cells.weights.sum() / k,
                              top_n=2, max_iterations_construction=99)
    model.solve()
    queue.put((time.perf_counter() - start, np.asarray(model.labels_)))


def run_spopt(method, cells, k, cap):
    queue = mp.get_context("fork").Queue()
    proc = mp.get_context("fork").Process(target=_spopt_worker, args=(method, cells, k, queue))
    proc.start()
    proc.join(cap)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None, None
    if queue.empty():
        return None, "failed"
    seconds, labels = queue.get()
    return seconds, labels


def row(name, method, seconds, metrics, cap, *, failed=False):
    if metrics is None:
        return [name, method, "failed" if failed else f"> {cap:.0f} (capped)",
                "-", "-", "-", "-"]
    return [name, method, f"{seconds:.2f}", metrics["regions"], f"{metrics['max_dev']:.1%}",
            "yes" if metrics["contiguous"] else "no", f"{metrics['pp']:.2f}"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=120, help="seconds per competitor run")
    parser.add_argument("--quick", action="store_true", help="the coarse case only")
    args = parser.parse_args(argv)
    cases = [small_case] + ([] if args.quick else [bundled_case, synthetic_case])
    rows, speedups = [], []
    for make in cases:
        name, cells, k = make()
        name = f"{name} ({len(cells.weights):,} cells, K={k})"
        print(f"{name}: ours ...", file=sys.stderr, flush=True)
        with Timer() as t:
            labels = partition_graph(cells.weights, cells.pairs, k, lengths=cells.lengths, seed=0)
        rows.append(row(name, "ours", t.seconds, evaluate(cells, labels, k), args.cap))
        for method in ("Skater", "MaxPHeuristic"):
            print(f"{name}: {method} ...", file=sys.stderr, flush=True)
            seconds, other = run_spopt(method, cells, k, args.cap)
            metrics = evaluate(cells, other, k) if isinstance(other, np.ndarray) else None
            rows.append(row(name, method, seconds, metrics, args.cap,
                            failed=isinstance(other, str)))
            if method == "Skater" and not isinstance(other, str):
                speedups.append((name, (seconds or args.cap) / t.seconds, seconds is None))
    print(machine())
    print()
    print(table(["case", "method", "seconds", "regions", "max deviation", "contiguous",
                 "median Polsby-Popper"], rows))
    print()
    for name, ratio, capped in speedups:
        print(f"{name}: ours is {'over ' if capped else ''}{ratio:,.0f}x faster than Skater")
    print()
    print(table(["case", "cells", "count", "seconds, whole cut", "max deviation",
                 "one polygon each", "median Polsby-Popper"], adaptive_rows(args.quick)))


if __name__ == "__main__":
    main()
