"""The What-if page: a case opened as a what-if result (a named plan), for the Compare page.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass


from geo.errors import InputError
from planner.domain.working import Settings, Working
from planner.files.store import StaleRevision
from planner.sweep.cases import (VETOES_OFF, VETOES_ON, WITHOUT, Case, contingents_for, vetoes_for)
from planner.sweep.decide import SEED
from planner.ui.compare_view import VARIANT_MARK, save_variant
from planner.ui.whatif_view.spec import CASE_MARK, MAX_NAME, SweepBase
from planner.ui.whatif_view.tables import _mandate_label


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
