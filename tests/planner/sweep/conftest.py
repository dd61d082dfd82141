"""A real Dask cluster on loopback (``dask scheduler`` and ``dask worker`` processes from the
venv), the mini and bundled scenarios as sweep problems, and their in-process results."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factory import write_scenario

ROOT = Path(__file__).resolve().parents[3]
DASK = Path(sys.executable).parent / "dask"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # workers import the tree under test


def run_planner(*args, **kw) -> subprocess.CompletedProcess:
    """Run ``python -m planner ARGS`` on the tree under test."""
    return subprocess.run(planner_argv(*args), cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=300, **kw)


def planner_argv(*args) -> list[str]:
    return [sys.executable, "-m", "planner", *map(str, args)]


@pytest.fixture(scope="session")
def planner():
    """``planner(*args)`` runs the command line in a new process; ``planner.argv(*args)``
    and ``planner.env`` start it by hand."""
    run_planner.argv, run_planner.env, run_planner.root = planner_argv, ENV, ROOT
    return run_planner


class Cluster:
    """A scheduler on 127.0.0.1 (a free port, written to a scheduler file) and workers."""

    def __init__(self, folder: Path):
        self.file = folder / "scheduler.json"
        self.logs = folder
        self.scheduler = self._start("scheduler", [str(DASK), "scheduler", "--host", "127.0.0.1",
                                                   "--port", "0", "--no-dashboard",
                                                   "--scheduler-file", str(self.file)])
        self.workers: list[subprocess.Popen] = []
        deadline = time.monotonic() + 60
        while not self.file.exists():
            assert self.scheduler.poll() is None, self.log("scheduler")
            assert time.monotonic() < deadline, "the scheduler did not start in 60 s"
            time.sleep(0.1)
        import json
        self.address = json.loads(self.file.read_text())["address"]

    def _start(self, name, argv):
        log = open(self.logs / f"{name}.log", "wb")
        return subprocess.Popen(argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env=ENV, start_new_session=True)

    def log(self, name) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def add_worker(self) -> subprocess.Popen:
        """A worker process (no nanny: killing it kills the worker) with one thread."""
        name = f"worker{len(self.workers)}"
        proc = self._start(name, [str(DASK), "worker", self.address, "--nthreads", "1",
                                  "--no-nanny", "--no-dashboard", "--name", name,
                                  "--host", "127.0.0.1"])
        self.workers.append(proc)
        return proc

    def client(self, workers: int):
        from distributed import Client
        client = Client(self.address, timeout="30s")
        client.wait_for_workers(workers, timeout=90)
        return client

    def stop(self):
        """Workers first (so none waits to reconnect), then the scheduler; SIGKILL after 10 s."""
        for group in (self.workers, [self.scheduler]):
            for proc in group:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in group:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two workers on loopback, for the tests of one module."""
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        c.add_worker()
        c.add_worker()
        with c.client(2):
            pass
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="session")
def mini_dir_pkg(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("sweep") / "mini")


@pytest.fixture(scope="session")
def mini_problem(mini_dir_pkg):
    from planner.files.scenario_file import load_scenario
    from planner.sweep.problem import problem_from_scenario
    return problem_from_scenario(load_scenario(mini_dir_pkg))


@pytest.fixture(scope="session")
def gaza_problem(gaza):
    from planner.sweep.problem import problem_from_scenario
    return problem_from_scenario(gaza)
