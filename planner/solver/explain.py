"""Why no plan exists: a minimal set of guarded hard rules, with the numbers behind them."""
from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.domain.roles import least_need
from planner.solver.feasibility import Reason, force_text, never_deploying, task_quantities
from planner.solver.model import Model
from planner.solver.stages import Limits, new_solver


@dataclass(frozen=True)
class Explanation:
    """Why no plan exists: minimal rule sets (``rule_id@phase``) with plain sentences."""

    reasons: tuple[Reason, ...]
    solved: bool  # False when found by the checks before solving

    def text(self) -> str:
        lines = []
        for r in self.reasons:
            lines.append(f"- rules {', '.join(r.rules)}:")
            lines += [f"    {s}" for s in r.sentences]
        return "\n".join(lines)


def explain(model: Model, limits: Limits = Limits()) -> Explanation:
    """A minimal set of (rule, phase) guards that cannot hold together, with quantities.

    ``model`` must be built with ``explain=True`` (hard rules under guards); its objective,
    hints and held guards are cleared first.

    Solves without objective on one worker with every guard assumed (CP-SAT then returns a
    subset of the assumptions), then drops guards one at a time while the rest stay
    infeasible: what remains is minimal.
    """
    model.cp.clear_objective()
    model.cp.ClearHints()
    model.hold_guards(False)
    names = sorted(model.guards)
    core = _core(model, names, limits)
    for name in list(core):
        trial = [c for c in core if c != name]
        if _infeasible(model, trial, limits):
            core = trial
    phases = sorted({model.guard_rules[n][1] for n in core if model.guard_rules[n][1]})
    sentences = [_describe(model.guard_rules[n]) for n in core]
    codes = [n for n, c in model.contingents.items() if c.holds_ground]
    for p in phases:
        sentences.append(_force_sentence(model, p))
        sentences += task_quantities(p, model.requirements, model.contingents, codes)
    sentences += _unit_sentence(model)
    return Explanation((Reason(tuple(core), tuple(sentences)),), solved=True)


def _unit_sentence(model: Model) -> list[str]:
    """Contingents in play too small for their troop unit: they can never deploy."""
    return never_deploying(model.contingents, model.unit_of, model.nations)


def _force_sentence(model: Model, p: int) -> str:
    """Phase ``p``'s need against the troops in play, and the part of them that may deploy
    in that phase at all (the hard rules that bar whole contingents, in whole units). Units
    that hold no ground (logistics, staff, naval) are left out of the troops in play, and
    said so; a sector observers might hold alone counts its least need."""
    need = sum(least_need(r, model.contingents) for (q, _), r in model.requirements.items()
               if q == p)
    ground = {n: c for n, c in model.contingents.items() if c.holds_ground}
    held = sum(c.troops for c in ground.values())
    off = model.off_ground(p)
    besides = f" (besides {force_text(model.contingents, sorted(off))}, units that hold no " \
              "ground)" if off else ""
    text = (f"Phase {p} needs {need:,} troops under {model.mandate.label}; the contingents "
            f"in play hold {held:,}{besides}")
    everywhere = [r for r in model.rules if r.hard and r.definition.bars is not None
                  and not r.definition.bars.per_sector and not r.definition.bars.lead_only]
    key = next(k for k in model.keys if k[0] == p)
    usable = [n for n in ground if not any(r.bars(model, key, n) for r in everywhere)]
    troops = sum(model.contingents[n].troops // model.unit_of(n) * model.unit_of(n)
                 for n in usable)
    if troops == held:
        return text + "."
    who = " and ".join(r.definition.bars.who(model, p) for r in everywhere)
    return text + (f", {troops:,} of them in whole units of contingents that {who}" if who
                   else f", {troops:,} of them in whole units") + "."


def _assuming(model: Model, names, limits: Limits) -> tuple[cp_model.CpSolver, int]:
    """A one-worker solver that has solved ``model`` assuming the guards ``names``, and the
    status it returned."""
    solver = new_solver(limits, workers=1)
    model.cp.ClearAssumptions()
    model.cp.AddAssumptions([model.guards[n] for n in names])
    return solver, solver.Solve(model.cp)


def _core(model: Model, names, limits: Limits) -> list[str]:
    solver, status = _assuming(model, names, limits)
    if status != cp_model.INFEASIBLE:
        return names
    found = set(solver.SufficientAssumptionsForInfeasibility())
    return [n for n in names if model.guards[n].Index() in found]


def _infeasible(model: Model, names, limits: Limits) -> bool:
    return _assuming(model, names, limits)[1] == cp_model.INFEASIBLE


def _describe(guard) -> str:
    rule, phase = guard
    where = f" in phase {phase}" if phase is not None else ""
    params = ", ".join(f"{k}={v}" for k, v in rule.params.items() if v not in ([], None))
    doc = rule.definition.doc
    return f"{rule.id} ({rule.kind}{': ' + params if params else ''}){where}: {doc}"
