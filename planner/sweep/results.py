"""A sweep's results file: one Parquet row per case, rewritten atomically as cases finish.

Each row carries the digest of the scenario folder's content and the solve options it was
decided with; a rerun with the same ones keeps those rows and skips their cases, so an
interrupted sweep resumes where it stopped. Rows of another scenario content or other options
are dropped when the file is next written (the file then holds one sweep's answers).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from geo.errors import InputError, checked_file, problem
from geo.export import atomic_path

# column -> pandas dtype; nullable where a case may have no value (no plan, no explanation)
COLUMNS = {
    "case": "string",            # mandate|vetoes|scale|AAA+BBB
    "coalition": "string",       # contingent codes joined by '+', scenario order
    "size": "int64",             # contingents in the coalition
    "mandate": "string",
    "vetoes": "string",          # on, off or without:<veto id>
    "troop_scale": "float64",
    "feasible": "boolean",       # missing when the solver ran out of time (status UNKNOWN)
    "status": "string",          # OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN
    "decided_by": "string",      # pre-check or solver
    "troops": "Int64",           # the force's troops summed over phases (off-ground units too)
    "peak_troops": "Int64",      # the force's troops in the busiest phase
    "soft_penalty": "Float64",   # sum of rule weight x soft violation, by the checker
    "hard_violations": "Int64",  # by the checker: 0 for every plan the solver returns
    "rules": "string",           # minimal rule sets of the explanation, ' | ' between sets
    "explanation": "string",     # the explanation's sentences
    "seconds": "float64",        # wall time of the case (the one column that varies by run)
    "scenario": "string",        # digest of the scenario folder's files
    "options": "string",         # the solve options, as JSON
}
MAX_RESULTS_BYTES = 2 * 2**30


def options_key(*, time_limit_s: float, seed: int) -> str:
    """The solve options a row was decided with, as a stable string."""
    return json.dumps({"seed": int(seed), "time_limit_s": float(time_limit_s)}, sort_keys=True)


def frame_from_rows(rows) -> pd.DataFrame:
    """Rows (dicts) as a typed frame in a stable order: mandate, veto setting, troop scale,
    then the largest coalitions first."""
    frame = pd.DataFrame(list(rows), columns=list(COLUMNS))
    frame = frame.astype({c: t for c, t in COLUMNS.items()})
    frame = frame.sort_values(["mandate", "vetoes", "troop_scale", "size", "coalition"],
                              ascending=[True, True, True, False, True], kind="stable")
    return frame.reset_index(drop=True)


def read_results(path) -> pd.DataFrame:
    """A results file, checked to be one.

    Raises
    ------
    InputError
        When the file is missing, unreadable as Parquet or lacks a column of :data:`COLUMNS`.
    """
    checked_file(path, MAX_RESULTS_BYTES)
    try:
        frame = pd.read_parquet(path, engine="pyarrow")
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise InputError(problem(path, f"not a Parquet file ({type(exc).__name__}: {exc})"))
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(problem(path, "not a sweep results file: no column "
                                 + ", ".join(missing), field=missing[0]))
    return frame[list(COLUMNS)].astype(COLUMNS)


class ResultFile:
    """The results of one sweep (one scenario digest and options), kept in ``path``.

    Rows already in the file for the same digest and options are kept (:meth:`done` lists
    their cases); :meth:`add` records a finished case and rewrites the file atomically at
    most every ``flush_s`` seconds (and never more often than ten times the last write's
    duration), so a crash loses at most the last few cases. :meth:`flush` writes now.
    """

    def __init__(self, path, *, digest: str, options: str, flush_s: float = 1.0):
        self.path, self.digest, self.options, self.flush_s = Path(path), digest, options, flush_s
        self.rows: dict[str, dict] = {}
        self.discarded = 0
        if self.path.exists():
            old = read_results(self.path)
            same = (old["scenario"] == digest) & (old["options"] == options)
            self.rows = {r["case"]: r for r in old[same.fillna(False)].to_dict("records")}
            self.discarded = int((~same).sum())
        self._last, self._cost, self._dirty = 0.0, 0.0, self.discarded > 0

    def done(self) -> set[str]:
        """Keys of the cases already decided."""
        return set(self.rows)

    def add(self, row: dict) -> None:
        self.rows[row["case"]] = {**row, "scenario": self.digest, "options": self.options}
        self._dirty = True
        if time.monotonic() - self._last >= max(self.flush_s, 10 * self._cost):
            self.flush()

    def flush(self) -> None:
        """Write every row now (temporary file, then rename)."""
        start = time.monotonic()
        frame = frame_from_rows(self.rows.values())
        with atomic_path(self.path) as tmp:
            frame.to_parquet(tmp, engine="pyarrow", index=False)
        self._last, self._dirty = time.monotonic(), False
        self._cost = self._last - start

    def close(self) -> None:
        if self._dirty or not self.path.exists():
            self.flush()

    def frame(self) -> pd.DataFrame:
        return frame_from_rows(self.rows.values())
