"""Sectors benchmark: our partitioner against spopt's Skater and MaxPHeuristic.

Run: ``make bench-sectors`` (or ``.venv/bin/python bench/sectors.py`` after
``pip install -e '.[bench]'``). Every method gets the same cell layer and the same K:
the bundled phase-1 increment at about 2,000 cells, and a synthetic zone at about
10,000 cells, plus the bundled zone in ~180 coarse cells, where the competitors finish. Times cover the partition of the cells only. Competitors run in a child
process capped at ``--cap`` seconds; a capped run is reported as such.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import Timer, machine, table  # noqa: E402
from geo.graph import sparse_graph  # noqa: E402
from geo.partition import partition_graph  # noqa: E402
from geo.sectors import make_cells, polsby_popper  # noqa: E402

warnings.filterwarnings("ignore")


def _bundled_cells(target):
    from planner.domain.derive import scenario_increments
    from planner.files.scenario_file import load_scenario
    s = load_scenario(sectors=False)
    zone = scenario_increments(s).geometry.values[0]
    return make_cells(zone, population=s.layers.population, target_cells=target)


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
    return "synthetic zone", make_cells(zone, population=pop, target_cells=10_000), 20


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


def row(name, method, seconds, metrics, cap):
    if metrics is None:
        return [name, method, f"> {cap:.0f} (capped)", "-", "-", "-", "-"]
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
            labels = partition_graph(cells.weights, cells.pairs, k, seed=0)
        rows.append(row(name, "ours", t.seconds, evaluate(cells, labels, k), args.cap))
        for method in ("Skater", "MaxPHeuristic"):
            print(f"{name}: {method} ...", file=sys.stderr, flush=True)
            seconds, other = run_spopt(method, cells, k, args.cap)
            metrics = evaluate(cells, other, k) if isinstance(other, np.ndarray) else None
            rows.append(row(name, method, seconds, metrics, args.cap))
            if method == "Skater":
                speedups.append((name, (seconds or args.cap) / t.seconds, seconds is None))
    print(machine())
    print()
    print(table(["case", "method", "seconds", "regions", "max deviation", "contiguous",
                 "median Polsby-Popper"], rows))
    print()
    for name, ratio, capped in speedups:
        print(f"{name}: ours is {'over ' if capped else ''}{ratio:,.0f}x faster than Skater")


if __name__ == "__main__":
    main()
