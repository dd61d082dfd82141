"""The optimizer: OR-Tools CP-SAT assigns contingents to sectors across phases.

Building and solving are apart: :class:`planner.solver.problem.PlanProblem` gathers and
checks the inputs, :func:`solve_problem` pre-checks, encodes, hints, solves in stages
(:mod:`planner.solver.stages`), extracts and re-checks, or explains why no plan exists
(:mod:`planner.solver.explain`). :func:`solve` does both from a scenario.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from planner.domain.plan import Assignment, Plan
from planner.domain.sectors import SectorTable
from planner.rules.check import Report, plan_figures
from planner.solver.explain import Explanation, explain
from planner.solver.model import Model
from planner.solver.problem import PlanProblem
from planner.solver.stages import Budget, Limits, solve_in_stages, tiers

Progress = Callable[[float, float, float], None]  # (seconds, objective, bound)


@dataclass(frozen=True)
class SolveResult:
    """What a solve found. ``objective`` and ``bound`` are the solver's own (its first tier);
    ``penalties`` are the plan's figures as the checker measures them
    (:func:`planner.rules.check.plan_figures`), the figures ``planner solve`` prints."""

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


def solve(scenario, mandate: str | None = None, *, phases=None, pins=None, reference=None,
          time_limit_s: float = 30.0, seed: int = 0, workers: int = 1,
          best_effort: bool = False, rules=None, contingents=None, vetoes=None,
          table: SectorTable | None = None, deterministic: bool = False,
          progress: Progress | None = None) -> SolveResult:
    """Find the best plan the rules allow, or explain why none exists.

    Parameters
    ----------
    scenario
        The loaded scenario.
    mandate
        Key of a mandate of the scenario (default: the scenario's first).
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
    table
        The scenario's sector table, when already built.
    progress
        Called with (seconds, objective, bound) at each improving solution.

    Returns
    -------
    SolveResult
        Status OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN, the plan and its check report, the
        objective, bound, gap and wall time, and an explanation when infeasible.
    """
    start = time.perf_counter()
    problem = PlanProblem.from_scenario(scenario, mandate, phases=phases, pins=pins,
                                        reference=reference, rules=rules,
                                        contingents=contingents, vetoes=vetoes, table=table,
                                        best_effort=best_effort)
    return solve_problem(problem, Limits(time_limit_s, seed, workers, deterministic),
                         progress=progress, start=start)


def solve_problem(problem: PlanProblem, limits: Limits = Limits(), *,
                  progress: Progress | None = None, start: float | None = None) -> SolveResult:
    """Solve a built ``problem`` within ``limits`` (see :func:`solve`); ``start`` is when the
    wall time reported counts from (default: now)."""
    start = time.perf_counter() if start is None else start
    if not problem.best_effort:
        reasons = problem.impossibilities()
        if reasons:
            return SolveResult("INFEASIBLE", None, seconds=time.perf_counter() - start,
                               explanation=Explanation(tuple(reasons), solved=False))
    model = problem.model()
    model.hold_guards(True)
    model.hint(problem.start())
    staged = solve_in_stages(model, tiers(model, problem.reference), Budget(limits),
                             start=start, progress=progress)
    seconds = time.perf_counter() - start
    if staged.plan_solver is not None:
        plan = _extract(model, staged.plan_solver, problem)
        report = problem.report(plan)
        figures = plan_figures(report, plan, reference=problem.reference,
                               unit_of=problem.unit_of, best_effort=problem.best_effort)
        return SolveResult(staged.status, plan, staged.objective, staged.bound, seconds,
                           report=report, penalties=figures)
    if staged.status == "INFEASIBLE" and not problem.best_effort:
        explanation = explain(model, limits)
        return SolveResult("INFEASIBLE", None, seconds=time.perf_counter() - start,
                           explanation=explanation)
    return SolveResult(staged.status, None, seconds=seconds)


def _extract(model: Model, solver, problem: PlanProblem) -> Plan:
    """The plan ``solver`` holds, with the reference's unplanned phases and the pins."""
    rows = []
    for p, s in model.keys:
        lead = next((n for n in model.nations if solver.Value(model.lead[p, s, n])), None)
        troops = {n: solver.Value(model.units[p, s, n]) * model.unit_of(n)
                  for n in model.nations}
        rows.append(Assignment(p, s, lead, troops))
    if problem.reference is not None:
        rows += [a for a in problem.reference if a.phase not in model.phases]
    return Plan.from_assignments(rows, problem.pins)
