"""Sweep benchmark: coalition what-if sweeps on a local Dask cluster.

1. Every coalition of the bundled scenario's 8 contingents (256, the empty one included)
   under both mandates: 512 cases, on 1 and on 2 local worker processes. Goals: a speed-up
   of at least 1.7x on 2 cores, the whole sweep in under 2 minutes.
2. A drop-one sweep of the synthetic scenario of 300 sectors and 40 contingents (the one
   ``bench/solve.py`` uses): the whole force and each coalition one contingent short, 41
   cases on 2 workers.

Run: ``make bench-sweep`` (or ``.venv/bin/python bench/sweep.py``). The table gives, per run,
the time to start the cluster (worker processes up, the planner imported on each), the time
to decide the cases, cases per second, how many the pre-checks decided, and whether the rows
equal those of the 1-worker run (they must: one solver thread, fixed seed, deterministic
time limit). Times are wall-clock and depend on the machine's load, printed before and after;
"worker CPU s" is the CPU time the workers got during the sweep, and "cores used" that over
the sweep's wall time: below the worker count, other processes held the cores.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import machine, table  # noqa: E402
from bench.synthetic import write_synthetic  # noqa: E402
from planner.files.scenario_file import load_scenario  # noqa: E402
from planner.sweep.cases import build_cases, drop_coalitions, subset_coalitions  # noqa: E402
from planner.sweep.problem import problem_from_scenario  # noqa: E402
from planner.sweep.results import COLUMNS, ResultFile, options_key, read_results  # noqa: E402
from planner.sweep.run import dask_client, run_sweep  # noqa: E402


def _warm_up():
    import planner.sweep.decide  # noqa: F401 - imports OR-Tools, the rules and the solver
    return True


def _cpu_seconds() -> float:
    """CPU time of this (worker) process so far."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def run(problem, cases, workers, time_limit, folder):
    """One sweep on a fresh local cluster: (start seconds, stats, rows, worker CPU seconds)."""
    start = time.perf_counter()
    path = Path(folder) / f"{len(cases)}-{workers}.parquet"
    with dask_client(workers=workers) as client:
        client.run(_warm_up)
        started = time.perf_counter() - start
        cpu = sum(client.run(_cpu_seconds).values())
        results = ResultFile(path, digest=problem.digest,
                             options=options_key(time_limit_s=time_limit, seed=0))
        stats = run_sweep(problem, cases, results, time_limit_s=time_limit, client=client)
        cpu = sum(client.run(_cpu_seconds).values()) - cpu
    return started, stats, read_results(path), cpu


def row(name, workers, result, base=None):
    """A table row; ``base`` is the 1-worker run to compare rows and time with."""
    started, stats, frame, cpu = result
    same = "-" if base is None else ("yes" if frame[COMPARED].equals(base[2][COMPARED]) else "NO")
    speedup = "-" if base is None else f"{base[1].seconds / stats.seconds:.2f}x"
    return [name, stats.decided, workers, f"{started:.1f}", f"{stats.seconds:.1f}",
            f"{started + stats.seconds:.1f}", f"{stats.per_second:.3g}", speedup,
            f"{cpu:.1f}", f"{cpu / stats.seconds:.2f}", stats.by_precheck, stats.feasible, same]


COMPARED = [c for c in COLUMNS if c != "seconds"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0,
                        help="per case, deterministic seconds (bundled; default 10)")
    parser.add_argument("--synthetic-time-limit", type=float, default=6.0,
                        help="per case, deterministic seconds (synthetic; default 6)")
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        gaza = problem_from_scenario(load_scenario())
        cases = build_cases(subset_coalitions(gaza.codes, 0), list(gaza.scenario.mandates))
        name = f"bundled, every coalition x {len(gaza.scenario.mandates)} mandates"
        one = run(gaza, cases, 1, args.time_limit, tmp)
        rows.append(row(name, 1, one))
        two = run(gaza, cases, 2, args.time_limit, tmp)
        rows.append(row(name, 2, two, base=one))
        if not args.skip_synthetic:
            synth = problem_from_scenario(load_scenario(write_synthetic(
                Path(tmp) / "s", sectors=(150, 90, 60), contingents=40, seed=1,
                rules="planning")))
            drop = build_cases(drop_coalitions(synth.codes, 1), ["chapter-vi"])
            rows.append(row("synthetic 300 sectors, 40 contingents, drop one", 2,
                            run(synth, drop, 2, args.synthetic_time_limit, tmp)))
    print(machine())
    print("load average (1, 5, 15 min): before %.2f %.2f %.2f, after %.2f %.2f %.2f"
          % (*load_before, *os.getloadavg()))
    print(f"time limit per case: {args.time_limit:g} deterministic s (bundled), "
          f"{args.synthetic_time_limit:g} (synthetic)")
    print()
    print(table(["sweep", "cases", "workers", "cluster start s", "sweep s", "total s",
                 "cases/s", "speed-up", "worker CPU s", "cores used", "by pre-checks",
                 "feasible", "same rows as 1 worker"], rows))


if __name__ == "__main__":
    main()
