"""The What-if page: a small sweep run in the app, written to the workspace as cases finish;
results files listed and read.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

from geo.errors import InputError
from planner.sweep.decide import SEED
from planner.sweep.results import ResultFile, read_results
from planner.ui.whatif_view.spec import SWEEPS_FOLDER, SweepBase, SweepSpec


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "scenario"


def results_path(workspace, spec: SweepSpec, base: SweepBase) -> Path:
    """The results file of ``spec`` on ``base`` in the workspace's ``sweeps`` folder: the
    same sweep on the same base finds the same file (and resumes)."""
    key = json.dumps({"digest": base.problem.digest, "options": spec.options,
                      "mandates": sorted(set(spec.mandates)), "coalitions": spec.coalitions,
                      "min_size": spec.min_size if spec.coalitions == "subsets" else None,
                      "vetoes": sorted(set(spec.vetoes)),
                      "scales": sorted(set(spec.troop_scales))}, sort_keys=True)
    short = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    kind = spec.coalitions + (f"-min{spec.min_size}" if spec.coalitions == "subsets" else "")
    return (Path(workspace) / SWEEPS_FOLDER
            / f"{_slug(base.problem.scenario.name)}-{kind}-{short}.parquet")


def cases_recorded(path: Path, spec: SweepSpec, base: SweepBase, cases) -> int:
    """How many of ``cases`` the results file at ``path`` already holds for this base and
    these options (what a run will skip)."""
    if not Path(path).is_file():
        return 0
    try:
        frame = read_results(path)
    except InputError:
        return 0
    same = frame[(frame["scenario"] == base.problem.digest)
                 & (frame["options"] == spec.options)]
    return len(set(same["case"]) & {c.key for c in cases})


# --- running --------------------------------------------------------------------------------
class Meter:
    """Progress of a page sweep in words: cases done, cases per second, time left (the same
    measure as ``planner sweep``'s bar: from the cases decided since the run started)."""

    def __init__(self, total: int, done: int = 0, clock=None):
        from planner.progress import Progress
        kw = {"clock": clock} if clock is not None else {}
        self.bar = Progress(total, "cases", stream=io.StringIO(), done=done, rate=True,
                            every_s=3600.0, **kw)
        self.total = total

    @property
    def done(self) -> int:
        return self.bar.done

    @property
    def fraction(self) -> float:
        return min(self.done / self.total, 1.0) if self.total else 1.0

    def step(self) -> str:
        """Count one finished case; the words for the bar."""
        self.bar()
        return self.words()

    def words(self) -> str:
        rate, _, left = self.bar.speed().partition(", ")
        return (f"{self.done:,} of {self.total:,} cases decided · "
                f"{rate.replace('/s', ' cases/s')} · {left}")


def run_page_sweep(spec: SweepSpec, base: SweepBase, cases, path, *, progress=None):
    """Decide ``cases`` in this process into the results file ``path`` (made with its folder
    when new), skipping those already recorded there for this base and options.

    ``progress(fraction, words)`` is called before the first case and after each. Returns
    :class:`planner.sweep.run.SweepStats`.
    """
    from planner.sweep.run import run_sweep
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    results = ResultFile(path, digest=base.problem.digest, options=spec.options)
    meter = Meter(len(cases), len(results.done() & {c.key for c in cases}))
    if progress is not None:
        progress(meter.fraction, meter.words())

    def tick():
        words = meter.step()
        progress(meter.fraction, words)
    return run_sweep(base.problem, cases, results, time_limit_s=spec.time_limit_s, seed=SEED,
                     progress=tick if progress is not None else None)


# --- results --------------------------------------------------------------------------------
def results_files(workspace) -> list[Path]:
    """The results files of the workspace's ``sweeps`` folder, newest first."""
    folder = Path(workspace) / SWEEPS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.parquet"), key=lambda p: (-p.stat().st_mtime, p.name))


def read_upload(name: str, data: bytes) -> pd.DataFrame:
    """An uploaded results file, checked as :func:`planner.sweep.results.read_results` checks
    a file; errors name the uploaded file (nothing is kept)."""
    with tempfile.TemporaryDirectory(prefix="planner-sweep-") as folder:
        path = Path(folder) / (Path(name).name or "results.parquet")
        path.write_bytes(data)
        try:
            return read_results(path)
        except InputError as exc:
            raise InputError([replace(p, file=name, message=p.message.replace(str(path), name))
                              for p in exc.problems]) from None


def results_note(frame: pd.DataFrame, base: SweepBase) -> str | None:
    """What the reader should know when a results file was not swept on ``base``."""
    other = frame[frame["scenario"] != base.problem.digest]
    if not len(other):
        return None
    return (f"{len(other):,} of {len(frame):,} cases were swept on other scenario content or "
            "another base (force, vetoes in force, troop figures or sectors) than the plan in "
            "use; a case opened here is solved again on the plan in use's.")
