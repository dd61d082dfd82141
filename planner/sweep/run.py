"""Run a sweep's cases on Dask distributed (or in this process) and record each as it finishes.

The problem (the scenario without geometry, :mod:`planner.sweep.problem`) is scattered once
to every worker; each task receives it and one case and builds its own CP-SAT model. Tasks
run one solver thread each, and a local cluster gives each worker process one thread, so
solver threads never outnumber cores. A worker that dies has its cases run again elsewhere
(Dask reschedules them); the results do not depend on where a case ran.
"""
from __future__ import annotations

import logging
import os
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from planner.sweep.decide import SEED, decide
from planner.sweep.results import ResultFile


@dataclass(frozen=True)
class SweepStats:
    """What a run did: cases asked for, skipped as already recorded, decided now (and how)."""

    total: int
    skipped: int
    decided: int
    by_precheck: int
    feasible: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.decided / self.seconds if self.seconds > 0 else 0.0

    def text(self) -> str:
        return (f"{self.total} cases: {self.decided} decided now ({self.by_precheck} by the "
                f"pre-checks, {self.decided - self.by_precheck} by the solver; {self.feasible} "
                f"feasible), {self.skipped} already in the results; {self.seconds:.1f} s, "
                f"{self.per_second:.1f} cases/s")


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None):
    """A Dask client: on the cluster at ``scheduler`` (``tcp://host:8786``), else on a local
    cluster of ``workers`` processes (default: one per core) with one thread each."""
    from distributed import Client, LocalCluster
    if scheduler:
        with Client(scheduler, timeout="10s") as client:
            _warn_oversubscribed(client)
            yield client
        return
    n = workers or os.cpu_count() or 1
    if n > (os.cpu_count() or 1):
        print(f"warning: {n} worker processes on {os.cpu_count()} cores: cases will wait "
              "for each other's cores", file=sys.stderr)
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def _warn_oversubscribed(client) -> None:
    """Say so when a worker runs more tasks at once than its machine has cores (each task
    is one solver thread)."""
    cores = client.run(os.cpu_count)
    for address, info in client.scheduler_info()["workers"].items():
        if info["nthreads"] > (cores.get(address) or info["nthreads"]):
            print(f"warning: worker {address} runs {info['nthreads']} tasks at once on "
                  f"{cores[address]} cores; start it with --nthreads {cores[address]} or fewer",
                  file=sys.stderr)


def run_sweep(problem, cases, results: ResultFile, *, time_limit_s: float, seed: int = SEED,
              client=None, progress=None) -> SweepStats:
    """Decide every case of ``cases`` not already in ``results``; record each as it finishes.

    Parameters
    ----------
    problem
        The :class:`planner.sweep.problem.SweepProblem` the cases are about.
    cases
        :class:`planner.sweep.cases.Case` list.
    results
        Where rows go (and which cases are already decided).
    time_limit_s, seed
        Per case: CP-SAT's deterministic time limit and its seed.
    client
        A Dask client; None decides the cases one after another in this process.
    progress
        Called once per finished case.
    """
    start = time.perf_counter()
    done = results.done()
    todo = [c for c in cases if c.key not in done]
    rows = _rows_dask(client, problem, todo, time_limit_s, seed) if client is not None else \
        (decide(problem, c, time_limit_s=time_limit_s, seed=seed) for c in todo)
    counts = {"decided": 0, "pre-check": 0, "feasible": 0}
    try:
        for row in rows:
            results.add(row)
            counts["decided"] += 1
            counts["pre-check"] += row["decided_by"] == "pre-check"
            counts["feasible"] += row["feasible"] is True
            if progress is not None:
                progress()
    finally:
        results.close()
    return SweepStats(len(cases), len(cases) - len(todo), counts["decided"], counts["pre-check"],
                      counts["feasible"], time.perf_counter() - start)


def _rows_dask(client, problem, cases, time_limit_s, seed):
    """Rows of ``cases`` decided on the cluster, in the order they finish."""
    from distributed import as_completed
    if not cases:
        return
    # a key of its own (hash=False): another sweep of the same problem on a shared cluster
    # must not lose its copy when this one ends
    shipped = client.scatter(problem, broadcast=True, hash=False)
    run = uuid.uuid4().hex[:8]
    futures = [client.submit(decide, shipped, case, time_limit_s=time_limit_s, seed=seed,
                             key=f"sweep-{run}-{i}", pure=False)
               for i, case in enumerate(cases)]
    try:
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.cancel(futures)
        shipped.release()
