"""Solving a model in stages: the objective's tiers minimized one after another.

Tiers, in priority order: hard conditions broken and troop shortfall (best-effort only);
soft penalties; with a reference plan, the least change from it; then the fewest troops.
Each stage holds the better tiers at their values, so small objectives per stage keep
CP-SAT's bounds tight where one weighted sum of all tiers would need huge coefficients.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from ortools.sat.python import cp_model

from planner.domain.change import change_terms
from planner.solver.model import Model

STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
          cp_model.INFEASIBLE: "INFEASIBLE", cp_model.UNKNOWN: "UNKNOWN",
          cp_model.MODEL_INVALID: "MODEL_INVALID"}


@dataclass(frozen=True)
class Limits:
    """What a solve may spend.

    Parameters
    ----------
    time_limit_s
        Seconds for the whole solve: wall-clock, or CP-SAT's deterministic time (which does
        not depend on the machine's load) with ``deterministic``.
    seed, workers
        CP-SAT's random seed and threads; the same inputs, seed and one worker give the
        same plan.
    """

    time_limit_s: float = 30.0
    seed: int = 0
    workers: int = 1
    deterministic: bool = False


def new_solver(limits: Limits, *, time_limit_s: float | None = None,
               workers: int | None = None) -> cp_model.CpSolver:
    """A CP-SAT solver set up from ``limits`` (a time or worker count of its own if given)."""
    solver = cp_model.CpSolver()
    seconds = float(limits.time_limit_s if time_limit_s is None else time_limit_s)
    if limits.deterministic:
        solver.parameters.max_deterministic_time = seconds
    else:
        solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = int(limits.workers if workers is None else workers)
    solver.parameters.random_seed = int(limits.seed)
    return solver


class Budget:
    """The time a solve may take and what the stages have spent of it (see :class:`Limits`)."""

    def __init__(self, limits: Limits):
        self.limits, self.start, self.spent = limits, time.perf_counter(), 0.0

    def left(self) -> float:
        used = self.spent if self.limits.deterministic else time.perf_counter() - self.start
        return self.limits.time_limit_s - used

    def charge(self, solver: cp_model.CpSolver) -> None:
        self.spent += solver.ResponseProto().deterministic_time


class _SolutionCallback(cp_model.CpSolverSolutionCallback):
    """Passes each improving solution's (seconds since ``start``, objective, bound) on."""

    def __init__(self, report: Callable[[float, float, float], None], start: float):
        super().__init__()
        self.report, self.start = report, start

    def on_solution_callback(self):
        self.report(time.perf_counter() - self.start, self.ObjectiveValue(),
                    self.BestObjectiveBound())


def tiers(model: Model, reference) -> list[tuple[str, object, int]]:
    """The objective's tiers in priority order: (name, expression, share of the time)."""
    out = []
    if model.best_effort:  # shortfalls are in troops already
        out += [("hard conditions broken", sum(model.hard_slack), 3),
                ("troop shortfall (troops)", sum(model.shortfalls.values()), 1)]
    out.append(("soft penalty", sum(w * e for w, e in model.soft_terms), 3))
    if reference is not None:
        # the one definition of the change measure, what ``planner diff`` reports
        out.append(("changes from the reference", sum(change_terms(model, reference)), 1))
    out.append(("troops deployed", sum(model.troops(*k) for k in model.units), 1))
    return out


@dataclass
class Staged:
    """What the stages reached: status, the first tier's objective and bound, each tier's
    value, and the solver holding the last solution (None when there is none)."""

    status: str = "UNKNOWN"
    objective: float | None = None
    bound: float | None = None
    values: dict = field(default_factory=dict)
    plan_solver: cp_model.CpSolver | None = None


def solve_in_stages(model: Model, stages, budget: Budget, *, start: float,
                    progress: Callable[[float, float, float], None] | None = None) -> Staged:
    """Lexicographic optimization: each tier of ``stages`` is minimized with the better ones
    held. The first tier's objective and bound are reported; the status is OPTIMAL only when
    every stage is proven optimal."""
    out, all_optimal, limits = Staged(), True, budget.limits
    for i, (name, expr, _) in enumerate(stages):
        weight = sum(w for _, _, w in stages[i:])
        share = max(0.5, budget.left() * stages[i][2] / weight)
        if isinstance(expr, int):
            out.values[name] = expr
            continue
        model.cp.Minimize(expr)
        if i == 0:
            helper = new_solver(limits, time_limit_s=share / 4, workers=1)
            model.complete_hint(helper)
            budget.charge(helper)
        solver = new_solver(limits, time_limit_s=share)
        callback = _SolutionCallback(progress, start) if progress else None
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
        model.hint_solution(solver.ResponseProto().solution)  # next stage starts here
    if out.plan_solver is not None:
        out.status = "OPTIMAL" if all_optimal and len(out.values) == len(stages) else "FEASIBLE"
    return out


def _keep_leads(model: Model, solver: cp_model.CpSolver) -> None:
    """Hold every lead as ``solver`` has it: once a tier is not proven optimal, the later
    tiers only rearrange troops, a much smaller search that finishes in the time left.
    (The plan is FEASIBLE, not OPTIMAL, either way.)"""
    for var in model.lead.values():
        model.cp.Add(var == solver.Value(var))
