"""The optimizer: OR-Tools CP-SAT assigns contingents to sectors across phases.

Objective, in priority order, solved lexicographically (one stage per tier, each holding
the better ones): hard rules (only in best-effort mode, where they may bend); troop
shortfall (best-effort only); soft penalties; with a reference plan, the least change from
it; then the fewest troops deployed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from ortools.sat.python import cp_model

from planner.rules.check import Report, check
from planner.solver.feasibility import Reason, obvious_impossibilities, task_quantities
from planner.solver.warmstart import region_plan
from planner.solver.model import Model
from planner.domain.plan import Assignment, Plan, Pin
from planner.domain.sectors import SectorTable, sector_table
from planner.rules import bind_all
from planner.domain.scenario import RuleSpec

STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
          cp_model.INFEASIBLE: "INFEASIBLE", cp_model.UNKNOWN: "UNKNOWN",
          cp_model.MODEL_INVALID: "MODEL_INVALID"}


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


@dataclass(frozen=True)
class SolveResult:
    status: str
    plan: Plan | None
    objective: float | None = None
    bound: float | None = None
    seconds: float = 0.0
    explanation: Explanation | None = None
    report: Report | None = None
    penalties: dict = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


def _rules(scenario, rules, pins):
    specs = list(rules if rules is not None else scenario.rules)
    if pins and not any(s.kind == "pinned" for s in specs):
        specs.append(RuleSpec("pinned", "pinned", "hard", {}))  # pins are never changed
    return bind_all(specs)


def _check_pins(pins, unit):
    from geo.errors import InputError, problem
    bad = [problem("<pins>", f"pinned troops {t} are not a multiple of the troop unit {unit}",
                   feature=f"{s} (phase {p})", field=f"troops_{n}", value=t)
           for (p, s), pin in pins.items() for n, t in (pin.troops or {}).items() if t % unit]
    if bad:
        raise InputError(bad)


def solve(scenario, mandate: str = "chapter-vi", *, phases=None, pins=None, reference=None,
          time_limit_s: float = 30.0, seed: int = 0, workers: int = 1,
          best_effort: bool = False, rules=None, contingents=None, vetoes=None,
          table: SectorTable | None = None, deterministic: bool = False,
          progress: Callable[[float, float, float], None] | None = None) -> SolveResult:
    """Find the best plan the rules allow, or explain why none exists.

    Parameters
    ----------
    scenario
        The loaded scenario.
    mandate
        Key of a mandate of the scenario.
    phases
        Phases to plan (default: all). Other phases are kept from ``reference``.
    pins
        ``{(phase, sector_id): Pin}`` locked choices; never changed. The reference plan's
        own pins are added.
    reference
        A plan to change as little as possible (``planner solve --from``).
    time_limit_s, seed, workers
        CP-SAT limits; the same inputs, seed and one worker give the same plan.
    deterministic
        Count ``time_limit_s`` in CP-SAT's deterministic time instead of wall-clock seconds:
        with one worker the result is then the same whatever the machine's load (sweeps).
    best_effort
        Bend hard rules when no plan keeps them all, and return the least-bad plan.
    rules, contingents, vetoes
        Replacements for the scenario's rules, contingents in play and vetoes in force.
    progress
        Called with (seconds, objective, bound) at each improving solution.

    Returns
    -------
    SolveResult
        Status OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN, the plan and its check report, the
        objective, bound, gap and wall time, and an explanation when infeasible.
    """
    start = time.perf_counter()
    table = table or sector_table(scenario)
    force = {c.code: c for c in (contingents if contingents is not None else scenario.contingents)}
    vetoes = tuple(scenario.vetoes if vetoes is None else vetoes)
    m_def = scenario.mandates[mandate]
    pins = {**(reference.pins if reference is not None else {}), **(pins or {})}
    _check_pins(pins, scenario.troop_unit)
    bound = _rules(scenario, rules, pins)
    phases = tuple(phases or table.phases)
    context = {a.key: a.lead for a in reference if a.lead} if reference is not None else {}
    model = Model(table, m_def, force, vetoes, unit=scenario.troop_unit, phases=phases,
                  pins=pins, best_effort=best_effort, context=context)
    if not best_effort:
        reasons = obvious_impossibilities(bound, table, model.requirements, force, m_def, vetoes,
                                          scenario.troop_unit)
        if reasons:
            return SolveResult("INFEASIBLE", None, seconds=time.perf_counter() - start,
                               explanation=Explanation(tuple(reasons), solved=False))
    for rule in bound:
        rule.kind.encode(rule, model)
    model.hint(reference if reference is not None else
               region_plan(scenario, mandate, table, contingents=list(force.values()),
                           vetoes=vetoes, phases=phases))
    budget = _Budget(time_limit_s, deterministic)
    staged = _solve_in_stages(model, _tiers(model, reference), budget, seed, workers,
                              start, progress)
    seconds = time.perf_counter() - start
    if staged.plan_solver is not None:
        plan = _extract(model, staged.plan_solver, reference, pins)
        report = check(plan, scenario, mandate, rules=[_spec(r) for r in bound], table=table,
                       contingents=list(force.values()), vetoes=vetoes)
        return SolveResult(staged.status, plan, staged.objective, staged.bound, seconds,
                           report=report, penalties=staged.values)
    if staged.status == "INFEASIBLE" and not best_effort:
        guarded = Model(table, m_def, force, vetoes, unit=scenario.troop_unit, phases=phases,
                        pins=pins, explain=True, context=context)
        for rule in bound:
            rule.kind.encode(rule, guarded)
        explanation = explain(guarded, time_limit_s, seed, deterministic=deterministic)
        return SolveResult("INFEASIBLE", None, seconds=time.perf_counter() - start,
                           explanation=explanation)
    return SolveResult(staged.status, None, seconds=seconds)


def _spec(rule):
    return RuleSpec(rule.id, rule.kind.name, rule.severity, rule.params, rule.weight)


class _Budget:
    """The time a solve may take, in wall-clock seconds or in CP-SAT's deterministic time
    (which does not depend on the machine's load), and what the stages have spent of it."""

    def __init__(self, limit_s: float, deterministic: bool = False):
        self.limit_s, self.deterministic = float(limit_s), deterministic
        self.start, self.spent = time.perf_counter(), 0.0

    def left(self) -> float:
        used = self.spent if self.deterministic else time.perf_counter() - self.start
        return self.limit_s - used

    def charge(self, solver: cp_model.CpSolver) -> None:
        self.spent += solver.ResponseProto().deterministic_time


def _solver(time_limit_s, seed, workers, deterministic: bool = False):
    solver = cp_model.CpSolver()
    if deterministic:
        solver.parameters.max_deterministic_time = float(time_limit_s)
    else:
        solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    return solver


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report, start):
        super().__init__()
        self.report, self.start = report, start

    def on_solution_callback(self):
        self.report(time.perf_counter() - self.start, self.ObjectiveValue(),
                    self.BestObjectiveBound())


def _change_terms(model, reference):
    """Leads changed and troop units moved against ``reference``, as expressions: the one
    definition in :mod:`planner.domain.change` (what ``planner diff`` reports)."""
    from planner.domain.change import change_terms
    return change_terms(model, reference)


def _tiers(model, reference) -> list[tuple[str, object, int]]:
    """The objective's tiers in priority order: (name, expression, share of the time)."""
    tiers = []
    if model.best_effort:
        tiers += [("hard conditions broken", sum(model.hard_slack), 3),
                  ("troop shortfall (troops)", model.unit * sum(model.shortfalls.values()), 1)]
    tiers.append(("soft penalty", sum(w * e for w, e in model.soft_terms), 3))
    if reference is not None:
        tiers.append(("changes from the reference", sum(_change_terms(model, reference)), 1))
    tiers.append(("troops deployed (units)", sum(model.units.values()), 1))
    return tiers


@dataclass
class _Staged:
    status: str = "UNKNOWN"
    objective: float | None = None
    bound: float | None = None
    values: dict = field(default_factory=dict)
    plan_solver: cp_model.CpSolver | None = None


def _solve_in_stages(model, tiers, budget: _Budget, seed, workers, start, progress) -> _Staged:
    """Lexicographic optimization: each tier is minimized with the better ones held.

    Small objectives per stage keep CP-SAT's bounds tight, where one weighted sum of all
    tiers would need huge coefficients. The first tier's objective and bound are reported;
    the status is OPTIMAL only when every stage is proven optimal.
    """
    out, all_optimal = _Staged(), True
    for i, (name, expr, _) in enumerate(tiers):
        left = budget.left()
        weight = sum(w for _, _, w in tiers[i:])
        share = max(0.5, left * tiers[i][2] / weight)
        if isinstance(expr, int):
            out.values[name] = expr
            continue
        model.cp.Minimize(expr)
        if i == 0:
            helper = _solver(share / 4, seed, 1, budget.deterministic)
            model.complete_hint(helper)
            budget.charge(helper)
        solver = _solver(share, seed, workers, budget.deterministic)
        callback = _Progress(progress, start) if progress else None
        status = STATUS[solver.Solve(model.cp, callback)]
        budget.charge(solver)
        if status not in ("OPTIMAL", "FEASIBLE"):
            if out.plan_solver is None:
                out.status = status
            break
        value = int(round(solver.ObjectiveValue()))
        if out.plan_solver is None:
            out.objective, out.bound = solver.ObjectiveValue(), solver.BestObjectiveBound()
        out.values[name], out.plan_solver = value, solver
        all_optimal &= status == "OPTIMAL"
        model.cp.Add(expr <= value)
        if not all_optimal:
            _keep_leads(model, solver)
        _hint_from(model, solver)
    if out.plan_solver is not None:
        out.status = "OPTIMAL" if all_optimal and len(out.values) == len(tiers) else "FEASIBLE"
    return out


def _keep_leads(model, solver) -> None:
    """Hold every lead as ``solver`` has it: once a tier is not proven optimal, the later
    tiers only rearrange troops, a much smaller search that finishes in the time left.
    (The plan is FEASIBLE, not OPTIMAL, either way.)"""
    for var in model.lead.values():
        model.cp.Add(var == solver.Value(var))


def _hint_from(model, solver) -> None:
    """Start the next stage from the current solution, every variable hinted (a complete
    hint that still holds is CP-SAT's first solution at once)."""
    model.hint_solution(solver.ResponseProto().solution)


def _extract(model, solver, reference, pins) -> Plan:
    rows = []
    for p, s in model.keys:
        lead = next((n for n in model.nations if solver.Value(model.lead[p, s, n])), None)
        troops = {n: solver.Value(model.units[p, s, n]) * model.unit for n in model.nations}
        rows.append(Assignment(p, s, lead, troops))
    if reference is not None:
        rows += [a for a in reference if a.phase not in model.phases]
    return Plan.from_assignments(rows, pins)


def explain(model: Model, time_limit_s: float = 30.0, seed: int = 0, *,
            deterministic: bool = False) -> Explanation:
    """A minimal set of (rule, phase) guards that cannot hold together, with quantities.

    ``model`` must be built with ``explain=True`` (hard rules under guards).

    Solves without objective on one worker with every guard assumed (CP-SAT then returns a
    subset of the assumptions), then drops guards one at a time while the rest stay
    infeasible: what remains is minimal.
    """
    names = sorted(model.guards)
    core = _core(model, names, time_limit_s, seed, deterministic)
    for name in list(core):
        trial = [c for c in core if c != name]
        if _infeasible(model, trial, time_limit_s, seed, deterministic):
            core = trial
    phases = sorted({model.guard_rules[n][1] for n in core if model.guard_rules[n][1]})
    sentences = [_describe(model.guard_rules[n]) for n in core]
    codes = list(model.contingents)
    for p in phases:
        need = sum(r.troops for (q, _), r in model.requirements.items() if q == p)
        sentences.append(f"Phase {p} needs {need:,} troops under {model.mandate.label}; the "
                         f"contingents in play hold {sum(c.troops for c in model.contingents.values()):,}.")
        sentences += task_quantities(p, model.requirements, model.contingents, codes)
    return Explanation((Reason(tuple(core), tuple(sentences)),), solved=True)


def _core(model, names, time_limit_s, seed, deterministic=False) -> list[str]:
    solver = _solver(time_limit_s, seed, 1, deterministic)
    model.cp.ClearAssumptions()
    model.cp.AddAssumptions([model.guards[n] for n in names])
    status = solver.Solve(model.cp)
    if status != cp_model.INFEASIBLE:
        return names
    found = set(solver.SufficientAssumptionsForInfeasibility())
    return [n for n in names if model.guards[n].Index() in found]


def _infeasible(model, names, time_limit_s, seed, deterministic=False) -> bool:
    solver = _solver(time_limit_s, seed, 1, deterministic)
    model.cp.ClearAssumptions()
    model.cp.AddAssumptions([model.guards[n] for n in names])
    return solver.Solve(model.cp) == cp_model.INFEASIBLE


def _describe(guard) -> str:
    rule, phase = guard
    where = f" in phase {phase}" if phase is not None else ""
    params = ", ".join(f"{k}={v}" for k, v in rule.params.items() if v not in ([], None))
    return f"{rule.id} ({rule.kind.name}{': ' + params if params else ''}){where}: {rule.kind.doc}"
