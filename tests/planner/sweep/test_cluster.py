"""Sweeps on a real Dask cluster on loopback (``dask scheduler`` and two ``dask worker``
processes): the same rows as in this process, a worker killed in the middle of a sweep, and
an interrupted sweep resumed with only the missing cases solved."""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pandas as pd
import pytest

from planner.sweep.cases import build_cases, drop_coalitions, subset_coalitions
from planner.sweep.results import COLUMNS, ResultFile, options_key, read_results
from planner.sweep.run import run_sweep

LIMIT = 5  # deterministic seconds per case; every case here finishes well within it
COMPARED = [c for c in COLUMNS if c != "seconds"]  # wall time is the one column that varies
LONG = os.environ.get("PLANNER_LONG_TESTS") == "1"


def mini_cases(problem):
    return build_cases(subset_coalitions(problem.codes, 0), ["chapter-vi", "chapter-vii"],
                       ["on", "off"])


def gaza_cases(problem):
    """The whole bundled force and each coalition one contingent short, under Chapter VI:
    about a second of solving each, long enough to kill a worker mid-sweep."""
    return build_cases(drop_coalitions(problem.codes, 1), ["chapter-vi"])


def sweep(problem, cases, path, **kw):
    results = ResultFile(path, digest=problem.digest,
                         options=options_key(time_limit_s=LIMIT, seed=0))
    stats = run_sweep(problem, cases, results, time_limit_s=LIMIT, **kw)
    return stats, read_results(path)


def assert_same_rows(got: pd.DataFrame, expected: pd.DataFrame):
    pd.testing.assert_frame_equal(got[COMPARED], expected[COMPARED])


@pytest.fixture(scope="module")
def local(mini_problem, gaza_problem, tmp_path_factory):
    """Both sweeps decided one case after another in this process, without Dask."""
    folder = tmp_path_factory.mktemp("local")
    _, mini = sweep(mini_problem, mini_cases(mini_problem), folder / "mini.parquet")
    _, gaza = sweep(gaza_problem, gaza_cases(gaza_problem), folder / "gaza.parquet")
    return {"mini": mini, "gaza": gaza}


def test_sweep_through_scheduler_gives_the_in_process_rows(cluster, local, mini_dir_pkg,
                                                           planner, tmp_path):
    common = ["--scheduler", cluster.address, "--time-limit", LIMIT]
    out = planner("sweep", mini_dir_pkg, "--subsets", "--min-size", 0, "--vetoes", "on,off",
                  *common, "-o", tmp_path / "mini.parquet")
    assert out.returncode == 0, out.stderr
    assert "64 cases: 64 decided now" in out.stdout
    assert "2 workers" in out.stderr
    assert_same_rows(read_results(tmp_path / "mini.parquet"), local["mini"])
    out = planner("sweep", "--drop", 1, "--mandates", "chapter-vi", *common,
                  "-o", tmp_path / "gaza.parquet")
    assert out.returncode == 0, out.stderr
    assert_same_rows(read_results(tmp_path / "gaza.parquet"), local["gaza"])


def test_worker_killed_mid_sweep_leaves_every_case_decided(cluster, local, gaza_problem,
                                                           tmp_path):
    doomed = cluster.add_worker()
    with cluster.client(3) as client:
        name = {info["name"]: a for a, info in client.scheduler_info()["workers"].items()}
        address = name[f"worker{len(cluster.workers) - 1}"]
        killed = {}

        def kill_when_busy():
            if killed:
                return
            deadline = time.monotonic() + 30
            while not client.processing(address)[address] and time.monotonic() < deadline:
                time.sleep(0.02)
            killed["running"] = len(client.processing(address)[address])
            doomed.send_signal(signal.SIGKILL)

        stats, frame = sweep(gaza_problem, gaza_cases(gaza_problem), tmp_path / "r.parquet",
                             client=client, progress=kill_when_busy)
    assert killed["running"] >= 1  # the worker died holding a case
    assert doomed.wait(timeout=10) == -signal.SIGKILL
    assert stats.decided == len(gaza_cases(gaza_problem)) == len(frame)
    assert_same_rows(frame, local["gaza"])


def test_interrupted_sweep_reruns_only_the_missing_cases(local, gaza_problem, planner,
                                                         tmp_path):
    out = tmp_path / "r.parquet"
    proc = subprocess.Popen(planner.argv("sweep", "--drop", 1, "--mandates", "chapter-vi",
                                         "--workers", 0, "--time-limit", LIMIT, "-o", out),
                            cwd=planner.root, env=planner.env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (out.exists() and len(read_results(out)) >= 2):
            assert proc.poll() is None, "the sweep ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)  # harsher than Ctrl-C: no chance to save anything
    finally:
        proc.wait(timeout=30)
    recorded = read_results(out)  # the file is whole: written by rename
    cases = gaza_cases(gaza_problem)
    assert 2 <= len(recorded) < len(cases)
    solved = []
    stats, frame = sweep(gaza_problem, cases, out, progress=lambda: solved.append(1))
    assert stats.skipped == len(recorded)
    assert stats.decided == len(solved) == len(cases) - len(recorded)
    assert_same_rows(frame, local["gaza"])
    again, _ = sweep(gaza_problem, cases, out)
    assert (again.skipped, again.decided) == (len(cases), 0)


@pytest.mark.skipif(not LONG, reason="long: set PLANNER_LONG_TESTS=1")
def test_all_bundled_coalitions_on_the_cluster_match_the_in_process_sweep(cluster, gaza_problem,
                                                                          tmp_path):
    cases = build_cases(subset_coalitions(gaza_problem.codes, 0), ["chapter-vi", "chapter-vii"])
    _, here = sweep(gaza_problem, cases, tmp_path / "local.parquet")
    with cluster.client(2) as client:
        _, there = sweep(gaza_problem, cases, tmp_path / "cluster.parquet", client=client)
    assert_same_rows(there, here)
