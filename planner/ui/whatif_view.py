"""The What-if sweeps page's logic: small sweeps of the plan in use, their analyses, and any
case opened as a what-if result in the Compare view.

No Streamlit here (``app_pages/what_if.py`` is the wiring); every function is plain and tested
(``tests/planner/ui/test_whatif_view.py``). The sweep itself is :mod:`planner.sweep`.

- **The base.** A sweep in the page starts from the working plan's settings
  (:func:`sweep_base`): its coalitions are drawn from the working force, the veto setting
  ``on`` means the vetoes in force there (``off`` none, ``each`` one case per veto in force
  lifted), troop figures are its what-if figures (scaled by each troop scale), and its sectors
  are those it is made over (re-cut phases and replaced layers included). The base's digest
  names all of that, so a results file resumes only for the same base; with the scenario's
  own settings it is the scenario folder's digest, the one ``planner sweep`` records.
- **Cases.** A :class:`SweepSpec` (mandates, drop one / drop two / every coalition of at least
  N, veto settings, troop scales, time limit) is counted before anything is built
  (:func:`case_count`); more than :data:`MAX_PAGE_CASES` is refused (:func:`refusal`), with
  the command line that runs it instead.
- **Running.** :func:`run_page_sweep` decides the cases in this process, writing each to the
  results file in the workspace (``<workspace>/sweeps/``, :func:`results_path`) as it
  finishes; rerunning the same sweep skips the cases already there.
- **Results.** :func:`results_files` lists the workspace's, :func:`read_upload` reads an
  uploaded one, :func:`analysis_tables` gives every analysis as table rows.
- **Opening a case.** :func:`open_case` re-solves a results row (the same seed and time limit
  the sweep used, so the same plan) and saves it as a named plan ``<plan>~sweep-...`` with the
  case's settings; :func:`compare_request` is what the Compare page reads to show it against
  the working plan. The working plan is never written.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import re
import shlex
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from geo.errors import InputError
from planner.domain.working import Settings, Working
from planner.files.store import StaleRevision
from planner.sweep.analysis import outcome, report_data
from planner.sweep.cases import (VETOES_OFF, VETOES_ON, WITHOUT, Case, build_cases,
                                 contingents_for, drop_coalitions, subset_coalitions,
                                 veto_settings, vetoes_for)
from planner.sweep.decide import SEED
from planner.sweep.problem import SweepProblem, folder_digest, problem_from_scenario
from planner.sweep.report import group_title
from planner.sweep.results import ResultFile, options_key, read_results
from planner.ui.compare_view import VARIANT_MARK, save_variant

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


def _mandate_label(mandates, key) -> str:
    return mandates[key].label if key in mandates else str(key)


def _coalition_words(coalition) -> str:
    codes = [c for c in str(coalition).split("+") if c]
    return " + ".join(codes) or "(nobody)"


def _group_rows(frame: pd.DataFrame, row: dict) -> pd.DataFrame:
    return frame[(frame["mandate"] == row["mandate"]) & (frame["vetoes"] == row["vetoes"])
                 & (frame["troop_scale"] == row["troop_scale"])]


def _number(value, kind=int):
    """A cell of a results row as a plain ``kind`` (None when missing)."""
    return None if value is None or pd.isna(value) else kind(value)


def analysis_tables(frame: pd.DataFrame, mandates) -> dict[str, list[dict]]:
    """Every analysis of a results frame as table rows (plain dicts, one table each):

    ``outcomes`` (per group: cases and how each ended), ``minimal`` (the smallest coalitions
    that can staff each group's mandate, with their troops), ``criticality`` (per group and
    nation: feasible coalitions its departure breaks, of those whose remainder was swept) and
    ``veto_costs`` (per mandate, troop scale and veto lifted).
    """
    data = report_data(frame)
    outcomes = [{GROUP_COLUMN: group_title(r, mandates), "cases": r["cases"],
                 "feasible": r["feasible"],
                 "infeasible (pre-check)": r["infeasible (pre-check)"],
                 "infeasible (solver)": r["infeasible (solver)"], "unknown": r["unknown"],
                 "seconds": round(r["seconds"], 1)} for r in data["summary"]]
    minimal = []
    for r in data["minimal_coalitions"]:
        rows = _group_rows(frame, r).set_index("coalition")
        for codes in r["coalitions"]:
            found = rows.loc["+".join(codes)] if "+".join(codes) in rows.index else None
            minimal.append({GROUP_COLUMN: group_title(r, mandates),
                            "coalition": " + ".join(codes), "contingents": len(codes),
                            "troops (all phases)": _number(None if found is None
                                                           else found["troops"]),
                            "troops (busiest phase)": _number(None if found is None
                                                              else found["peak_troops"]),
                            "soft penalty": _number(None if found is None
                                                    else found["soft_penalty"], float)})
    criticality = [{GROUP_COLUMN: group_title(r, mandates), "nation": r["nation"],
                    "breaks": r["breaks"], "of feasible coalitions": r["of"],
                    "share": round(r["breaks"] / r["of"], 3) if r["of"] else None}
                   for r in data["criticality"]]
    costs = [{"mandate": _mandate_label(mandates, r["mandate"]),
              "troops x": r["troop_scale"], "veto lifted": r["veto"],
              "coalitions": r["coalitions"], "feasible with it lifted": r["feasible_lifted"],
              "feasible with it": r["feasible_on"], "lost to it": r["lost"],
              "extra troops": None if r["extra_troops"] is None else round(r["extra_troops"]),
              "extra soft penalty": None if r["extra_soft_penalty"] is None
              else round(r["extra_soft_penalty"], 2)} for r in data["veto_costs"]]
    return {"outcomes": outcomes, "minimal": minimal, "criticality": criticality,
            "veto_costs": costs}


def groups(frame: pd.DataFrame, mandates) -> list[str]:
    """The groups of a results frame (one mandate, veto setting and troop scale each), as the
    tables name them, in the analyses' order."""
    keys = frame[["mandate", "vetoes", "troop_scale"]].drop_duplicates()
    return [group_title(r, mandates) for r in
            keys.sort_values(["mandate", "vetoes", "troop_scale"]).to_dict("records")]


def of_group(rows: list[dict], title: str) -> list[dict]:
    """The rows of one group's table (``minimal`` or ``criticality``), without the group
    column."""
    return [{k: v for k, v in r.items() if k != GROUP_COLUMN} for r in rows
            if r[GROUP_COLUMN] == title]


def _png(fig, dpi: int) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def outcome_chart(frame: pd.DataFrame, dpi: int = 100) -> bytes:
    """The nations x outcome chart of every case (:func:`planner.sweep.charts.outcome_figure`)
    as PNG bytes."""
    from planner.sweep.charts import outcome_figure
    return _png(outcome_figure(frame), dpi)


def criticality_chart(frame: pd.DataFrame, title: str, mandates, dpi: int = 100) -> bytes:
    """The criticality chart of one group (:func:`planner.sweep.charts.criticality_figure`)
    as PNG bytes."""
    from planner.sweep.charts import criticality_figure
    titles = frame.apply(lambda r: group_title(r, mandates), axis=1)
    return _png(criticality_figure(frame[titles == title]), dpi)


def case_choices(frame: pd.DataFrame, mandates) -> list[tuple[str, str]]:
    """``(case key, words)`` of every case of a results frame, in the frame's order:
    ``Chapter VI, vetoes on, troops x1: IDN + PAK + EGY: a plan, 14,950 troops``."""
    out = []
    for r in frame.to_dict("records"):
        verdict = outcome(r)
        if verdict == "feasible":
            troops = _number(r["troops"])
            verdict = "a plan" + (f", {troops:,} troops" if troops is not None else "")
        elif verdict == "unknown":
            verdict = "unknown (out of time)"
        else:
            verdict = f"no plan ({r['decided_by']})"
        out.append((r["case"], f"{group_title(r, mandates)}: "
                               f"{_coalition_words(r['coalition'])}: {verdict}"))
    return out


def no_plan(row) -> bool:
    """Whether a results row was decided infeasible (no plan exists for the case)."""
    return outcome(row).startswith("infeasible")


def row_of(frame: pd.DataFrame, key: str) -> dict:
    """The results row of case ``key``."""
    found = frame[frame["case"] == key]
    if not len(found):
        raise KeyError(f"no case {key!r} in the results")
    return found.iloc[0].to_dict()


# --- opening a case -------------------------------------------------------------------------
def case_problems(row, base: SweepBase) -> list[str]:
    """What keeps a results row from being opened on ``base`` (empty when it can be)."""
    scenario = base.problem.scenario
    codes = {c.code for c in scenario.contingents}
    case = Case.from_row(row)
    out = [f"{c} is not a contingent of {scenario.name}" for c in case.coalition
           if c not in codes]
    if case.mandate not in scenario.mandates:
        out.append(f"mandate {case.mandate!r} is not one of {scenario.name}'s "
                   f"({', '.join(scenario.mandates)})")
    if case.vetoes not in (VETOES_ON, VETOES_OFF) and not (
            case.vetoes.startswith(WITHOUT) and case.vetoes[len(WITHOUT):] in base.veto_ids):
        out.append(f"veto setting {case.vetoes!r} names no veto in force in the plan in use "
                   f"({', '.join(base.veto_ids) or 'none'})")
    if not (math.isfinite(case.troop_scale) and case.troop_scale > 0):
        out.append(f"troop scale {case.troop_scale!r} is not a number above 0")
    return out


def case_settings(case: Case, base: SweepBase) -> Settings:
    """The settings a case is solved under, as a working state keeps them: the coalition as
    the force, the vetoes its setting leaves in force, its mandate, and the troop figures its
    scale gives (those differing from the scenario's pledges)."""
    scenario = base.problem.scenario
    pledged = dict(base.pledged)
    contingents = contingents_for(case, scenario.contingents)
    return Settings(case.mandate, tuple(c.code for c in contingents),
                    tuple(v.id for v in vetoes_for(case, scenario.vetoes)),
                    tuple(sorted((c.code, c.troops) for c in contingents
                                 if c.troops != pledged.get(c.code))))


def case_working(work: Working, case: Case, base: SweepBase, plan) -> Working:
    """The working state of an opened case: ``plan`` under :func:`case_settings`, over the
    same sectors (re-cut phases, replaced layer) as ``work``."""
    return Working(plan, case_settings(case, base), work.cuts, work.source)


def case_label(case: Case, base: SweepBase) -> str:
    """A case in words: ``without IDN; Chapter VI; vetoes on; troops x1``."""
    scenario = base.problem.scenario
    force, coalition = list(base.force), set(case.coalition)
    dropped = [c for c in force if c not in coalition]
    added = [c for c in case.coalition if c not in force]
    if not dropped and not added:
        who = "the whole force"
    elif not added and len(dropped) <= len(coalition):
        who = "without " + ", ".join(dropped)
    else:
        who = "only " + (", ".join(case.coalition) or "nobody")
    vetoes = {VETOES_ON: "vetoes on", VETOES_OFF: "vetoes off"}.get(
        case.vetoes, f"veto {case.vetoes[len(WITHOUT):]} lifted")
    return (f"{who}; {_mandate_label(scenario.mandates, case.mandate)}; {vetoes}; "
            f"troops x{case.troop_scale:g}")


def case_name(plan_name: str, case: Case, base: SweepBase) -> str:
    """The store name of an opened case: ``main~sweep-without-IDN-chapter-vi`` (vetoes and
    troop scale added when not on and 1), at most :data:`MAX_NAME` characters (a long one
    ends in a short digest of the rest)."""
    coalition, force = set(case.coalition), list(base.force)
    dropped = [c for c in force if c not in coalition]
    added = [c for c in case.coalition if c not in force]
    if not dropped and not added:
        parts = ["all"]
    elif not added and len(dropped) <= len(coalition):
        parts = ["without", *dropped]
    else:
        parts = ["only", *(case.coalition or ("nobody",))]
    parts.append(case.mandate)
    if case.vetoes == VETOES_OFF:
        parts.append("vetoes-off")
    elif case.vetoes.startswith(WITHOUT):
        parts += ["veto-off", case.vetoes[len(WITHOUT):]]
    if case.troop_scale != 1.0:
        parts.append(f"troops-x{case.troop_scale:g}")
    slug = "-".join(parts)
    name = f"{plan_name}{VARIANT_MARK}{CASE_MARK}{slug}"
    if len(name) > MAX_NAME:
        digest = hashlib.sha256(slug.encode("utf-8")).hexdigest()[:8]
        name = name[:MAX_NAME - 10] + "~" + digest
    return name


@dataclass(frozen=True)
class CaseOutcome:
    """A case opened: the store name and revision of its plan (None when none was saved),
    the case in words, the optimizer's result, the working state saved, or why not."""

    name: str | None
    revision: int | None
    label: str
    result: object = None     # planner.solver.optimize.SolveResult
    work: Working | None = None
    error: str | None = None

    @property
    def solved(self) -> bool:
        return self.revision is not None


def _solve_options(row) -> tuple[float, int]:
    """The time limit and seed a row was decided with (the sweep's defaults when unknown)."""
    try:
        options = json.loads(str(row.get("options") or "{}"))
        return float(options.get("time_limit_s", 10.0)), int(options.get("seed", SEED))
    except (ValueError, TypeError, AttributeError):
        return 10.0, SEED


def open_case(state, env, base: SweepBase, row, *, source: str = "the sweep") -> CaseOutcome:
    """Solve a results row again and save its plan as the named plan :func:`case_name`.

    The case is solved as the sweep solved it (its time limit and seed, on one solver
    thread, in deterministic time), so it gives the plan the sweep found. A plan is saved as
    the next revision of ``<working plan>~sweep-...`` with the case's settings
    (:func:`case_working`), author ``env.author``; the working plan is never written. No plan:
    nothing is saved, and :func:`planner.ui.compare_view.explanation_lines` of the outcome's
    result says why.
    """
    from planner.sweep.decide import solve_case
    problems = case_problems(row, base)
    case = Case.from_row(row)
    label = case_label(case, base) if not problems else str(row.get("case"))
    if problems:
        return CaseOutcome(None, None, label,
                           error="The case cannot be opened: " + "; ".join(problems))
    time_limit_s, seed = _solve_options(row)
    result = solve_case(base.problem, case, time_limit_s=time_limit_s, seed=seed)
    name = case_name(state.name, case, base)
    if result.plan is None:
        return CaseOutcome(name, None, label, result)
    work = case_working(state.work, case, base, result.plan)
    message = f"what-if: sweep case {label} ({result.status}, from {source})"
    try:
        saved = save_variant(env, name, work, message)
    except (InputError, StaleRevision) as exc:
        return CaseOutcome(name, None, label, result, None, error=f"Not saved: {exc}")
    return CaseOutcome(name, saved.number, label, result, work)


def compare_request(outcome: CaseOutcome) -> dict:
    """What the Compare page reads to show an opened case (B) against the working plan (A)."""
    return {"a": ("working",), "b": ("variant", outcome.name)}


__all__ = ["COALITIONS", "CaseOutcome", "GROUP_COLUMN", "MAX_PAGE_CASES", "Meter", "SweepBase",
           "SweepSpec", "VETO_SETTINGS", "analysis_tables", "base_digest", "base_words",
           "case_choices", "case_count", "case_label", "case_name", "case_problems",
           "case_settings", "case_working", "cases_recorded", "coalition_count",
           "command_line", "compare_request", "criticality_chart", "groups", "no_plan",
           "of_group", "open_case", "outcome_chart", "parse_scales", "read_upload", "refusal",
           "results_files", "results_note", "results_path", "row_of", "run_page_sweep",
           "spec_problems", "sweep_base", "sweep_cases"]
