"""The What-if page: the base a sweep starts from (the working plan), the sweep asked for, its
cases counted and refused when too many.
"""
from __future__ import annotations

import hashlib
import json
import math
import shlex
from dataclasses import dataclass, replace

from planner.domain.working import Working
from planner.sweep.cases import (VETOES_OFF, VETOES_ON, WITHOUT, Case, build_cases,
                                 drop_coalitions, subset_coalitions,
                                 veto_settings)
from planner.sweep.decide import SEED
from planner.sweep.problem import SweepProblem, folder_digest, problem_from_scenario
from planner.sweep.results import options_key


MAX_PAGE_CASES = 300      # a larger sweep goes to the command line or a cluster
SWEEPS_FOLDER = "sweeps"  # in the workspace
CASE_MARK = "sweep-"      # a case opened from plan ``main`` is saved as ``main~sweep-...``
MAX_NAME = 80             # characters of a case's plan name
GROUP_COLUMN = "mandate, vetoes, troops"  # the column naming a row's group in the tables
COALITIONS = {
    "drop-1": "Drop one: the force, and the force without each contingent",
    "drop-2": "Drop two: the force without up to two contingents",
    "subsets": "Every coalition of at least N contingents",
}
VETO_SETTINGS = {
    VETOES_ON: "on: the vetoes in force",
    VETOES_OFF: "off: no veto",
    "each": "each veto in force lifted in turn",
}


@dataclass(frozen=True)
class SweepBase:
    """What a page sweep starts from (see the module docstring).

    ``problem`` is the scenario with the working plan's troop figures and vetoes in force (no
    geometry); ``force`` the working force, which coalitions are drawn from; ``pledged`` each
    contingent's troops in the scenario itself (a case's troop figures are saved relative to
    them); ``label`` the base in words.
    """

    problem: SweepProblem
    force: tuple[str, ...]
    pledged: tuple[tuple[str, int], ...]
    label: str

    @property
    def veto_ids(self) -> list[str]:
        return [v.id for v in self.problem.scenario.vetoes]


def base_digest(scenario, work: Working) -> str:
    """The digest a page sweep's rows record: the scenario folder's (what ``planner sweep``
    records) when the working plan has the scenario's vetoes, pledged troops and sectors,
    else a digest of that and of the vetoes in force, troop figures and re-cut phases."""
    folder = folder_digest(scenario.root)
    s = work.settings
    extra = {}
    if list(s.vetoes) != [v.id for v in scenario.vetoes]:
        extra["vetoes"] = list(s.vetoes)
    if s.troops:
        extra["troops"] = dict(s.troops)
    if work.cuts:
        extra["cuts"] = {str(p): h for p, h in work.cuts.items()}
    if not extra:
        return folder
    text = json.dumps({"folder": folder, **extra}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def sweep_base(scenario, table, work: Working) -> SweepBase:
    """The base of a page sweep over ``work`` (its scenario and sector table given)."""
    s = work.settings
    figures = dict(s.troops)
    contingents = tuple(replace(c, troops=figures[c.code]) if c.code in figures else c
                        for c in scenario.contingents)
    base = scenario.with_changes(contingents=contingents,
                                 vetoes=tuple(s.vetoes_in_force(scenario)))
    problem = problem_from_scenario(base, table, base_digest(scenario, work))
    return SweepBase(problem, tuple(s.force), tuple((c.code, c.troops)
                                                   for c in scenario.contingents),
                     base_words(scenario, work))


def base_words(scenario, work: Working) -> str:
    """``force IDN, PAK, EGY; vetoes in force V1; troop figures IDN 5,000; phase 2 re-cut``."""
    s = work.settings
    parts = [f"force {', '.join(s.force) or '(none)'}",
             f"vetoes in force {', '.join(s.vetoes)}" if s.vetoes else "no veto in force"]
    if s.troops:
        parts.append("troop figures " + ", ".join(f"{c} {n:,}" for c, n in s.troops))
    if work.cuts:
        parts.append("re-cut phase" + "s" * (len(work.cuts) > 1) + " "
                     + ", ".join(map(str, work.cuts)))
    if work.source:
        parts.append("a replaced layer")
    return "; ".join(parts)


# --- what to sweep --------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepSpec:
    """A page sweep: mandates to try, which coalitions (:data:`COALITIONS`; ``min_size`` for
    ``subsets``), veto settings (:data:`VETO_SETTINGS`), troop scales and the time limit per
    case (CP-SAT's deterministic seconds)."""

    mandates: tuple[str, ...]
    coalitions: str = "drop-1"
    min_size: int = 1
    vetoes: tuple[str, ...] = (VETOES_ON,)
    troop_scales: tuple[float, ...] = (1.0,)
    time_limit_s: float = 10.0

    @property
    def options(self) -> str:
        """The solve options its rows record (:func:`planner.sweep.results.options_key`)."""
        return options_key(time_limit_s=self.time_limit_s, seed=SEED)


def parse_scales(text: str) -> tuple[tuple[float, ...], list[str]]:
    """Troop scales from ``0.8, 1`` (as ``planner sweep --troops`` reads them), and what is
    wrong with the text (each bad entry named)."""
    values, problems = [], []
    for word in [w.strip() for w in str(text).replace(";", ",").split(",") if w.strip()]:
        try:
            value = float(word)
        except ValueError:
            value = math.nan
        if math.isfinite(value) and 0 < value <= 100:
            values.append(value)
        else:
            problems.append(f"troop scale {word!r}: a scale is a number above 0 and at most "
                            "100, such as 0.8")
    if not values and not problems:
        problems.append("name at least one troop scale, such as 1 or 0.8, 1")
    return tuple(dict.fromkeys(values)), problems


def spec_problems(spec: SweepSpec, base: SweepBase) -> list[str]:
    """What is wrong with ``spec`` for ``base`` (empty when it can run)."""
    scenario = base.problem.scenario
    out = []
    if not spec.mandates:
        out.append("choose at least one mandate")
    out += [f"unknown mandate {m!r}; mandates are {', '.join(scenario.mandates)}"
            for m in spec.mandates if m not in scenario.mandates]
    if spec.coalitions not in COALITIONS:
        out.append(f"unknown coalition choice {spec.coalitions!r}; use "
                   f"{', '.join(COALITIONS)}")
    if not base.force:
        out.append("the working plan's force is empty: put contingents in it on the Plan page")
    if spec.coalitions == "subsets" and not 0 <= spec.min_size <= len(base.force):
        out.append(f"the smallest coalition must have 0 to {len(base.force)} contingents; "
                   f"got {spec.min_size}")
    if not spec.vetoes:
        out.append("choose at least one veto setting")
    for v in spec.vetoes:
        known = v in VETO_SETTINGS or (v.startswith(WITHOUT) and v[len(WITHOUT):] in
                                       base.veto_ids)
        if not known:
            out.append(f"unknown veto setting {v!r}; use on, off, each or without:ID with a "
                       f"veto in force ({', '.join(base.veto_ids) or 'none'})")
    if not spec.troop_scales:
        out.append("name at least one troop scale")
    if not (math.isfinite(spec.time_limit_s) and spec.time_limit_s > 0):
        out.append(f"the time limit must be a positive number of seconds; got "
                   f"{spec.time_limit_s}")
    return out


def _veto_settings(spec: SweepSpec, base: SweepBase) -> list[str]:
    return veto_settings(list(spec.vetoes), base.veto_ids,
                         file=base.problem.scenario.root / "scenario.yaml")


def coalition_count(spec: SweepSpec, n: int) -> int:
    """Coalitions of a force of ``n`` that ``spec`` sweeps (counted, never listed)."""
    if spec.coalitions == "subsets":
        return sum(math.comb(n, size) for size in range(max(spec.min_size, 0), n + 1))
    most = 2 if spec.coalitions == "drop-2" else 1
    return sum(math.comb(n, dropped) for dropped in range(min(most, n) + 1))


def case_count(spec: SweepSpec, base: SweepBase) -> int:
    """Cases of ``spec``: coalitions x mandates x veto settings x troop scales."""
    return (coalition_count(spec, len(base.force)) * len(set(spec.mandates))
            * len(_veto_settings(spec, base)) * len(set(spec.troop_scales)))


def sweep_cases(spec: SweepSpec, base: SweepBase) -> list[Case]:
    """Every case of ``spec`` (check :func:`spec_problems` and :func:`refusal` first)."""
    force = list(base.force)
    if spec.coalitions == "subsets":
        coalitions = subset_coalitions(force, spec.min_size)
    else:
        coalitions = drop_coalitions(force, 2 if spec.coalitions == "drop-2" else 1)
    return build_cases(coalitions, list(dict.fromkeys(spec.mandates)),
                       _veto_settings(spec, base), list(dict.fromkeys(spec.troop_scales)))


def command_line(spec: SweepSpec, scenario_root, output: str = "results.parquet") -> str:
    """The ``planner sweep`` command that runs ``spec`` on the scenario's own settings."""
    how = {"drop-1": ["--drop", "1"], "drop-2": ["--drop", "2"],
           "subsets": ["--subsets", "--min-size", str(spec.min_size)]}[spec.coalitions]
    words = ["planner", "sweep", "--scenario", str(scenario_root),
             "--mandates", ",".join(spec.mandates), *how,
             "--vetoes", ",".join(spec.vetoes),
             "--troops", ",".join(f"{t:g}" for t in spec.troop_scales),
             "--time-limit", f"{spec.time_limit_s:g}", "-o", output]
    return " ".join(shlex.quote(w) for w in words)


def refusal(count: int, spec: SweepSpec, base: SweepBase) -> str | None:
    """Why the page will not run a sweep of ``count`` cases (None when it will)."""
    if count <= MAX_PAGE_CASES:
        return None
    note = ("" if base.problem.digest == folder_digest(base.problem.scenario.root) else
            " (it sweeps the scenario's own force, vetoes and troop figures, not the working "
            "plan's what-ifs)")
    return (f"This sweep has {count:,} cases; the page runs at most {MAX_PAGE_CASES:,}. Run it "
            f"from the command line, on this machine's cores or on a Dask cluster "
            f"(--scheduler tcp://host:8786){note}:\n\n"
            f"{command_line(spec, base.problem.scenario.root)}\n\n"
            f"then open results.parquet here.")
