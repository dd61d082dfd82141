"""Decide one case: the exact pre-checks first, then CP-SAT with a deterministic budget.

Each case is solved on one solver thread, with a fixed seed and CP-SAT's deterministic time
limit, so its answer does not depend on the worker, the number of workers or the load.
"""
from __future__ import annotations

import time

from planner.rules.check import soft_penalty
from planner.solver.optimize import Explanation, SolveResult, solve
from planner.solver.problem import PlanProblem
from planner.sweep.cases import Case, contingents_for, vetoes_for
from planner.sweep.problem import SweepProblem

SEED = 0


def case_inputs(problem: SweepProblem, case: Case) -> tuple[list, tuple]:
    """The contingents in play (troops scaled) and the vetoes in force for ``case``."""
    scenario = problem.scenario
    return contingents_for(case, scenario.contingents), vetoes_for(case, scenario.vetoes)


def precheck(problem: SweepProblem, case: Case) -> list:
    """The optimizer's own checks before solving (a task nobody accepts, the max-flow troop
    test): the reasons no plan exists, or an empty list when they find none."""
    contingents, vetoes = case_inputs(problem, case)
    return PlanProblem.from_scenario(problem.scenario, case.mandate, contingents=contingents,
                                     vetoes=vetoes, table=problem.table).impossibilities()


def solve_case(problem: SweepProblem, case: Case, *, time_limit_s: float,
               seed: int = SEED) -> SolveResult:
    """The optimizer's answer for ``case``: the plan and its check report when one exists
    (what the app shows when a sweep's case is opened), else the explanation.

    ``time_limit_s`` is counted in CP-SAT's deterministic time (about a second each on an
    ordinary core), on one solver thread.
    """
    contingents, vetoes = case_inputs(problem, case)
    return solve(problem.scenario, case.mandate, contingents=contingents, vetoes=vetoes,
                 table=problem.table, time_limit_s=time_limit_s, seed=seed, workers=1,
                 deterministic=True)


def decide(problem: SweepProblem, case: Case, *, time_limit_s: float, seed: int = SEED) -> dict:
    """One result row for ``case`` (see :data:`planner.sweep.results.COLUMNS`)."""
    start = time.perf_counter()
    reasons = precheck(problem, case)
    if reasons:
        explanation = Explanation(tuple(reasons), solved=False)
        return _row(case, start, status="INFEASIBLE", explanation=explanation)
    result = solve_case(problem, case, time_limit_s=time_limit_s, seed=seed)
    return _row(case, start, status=result.status, explanation=result.explanation,
                result=result, weights={r.id: r.weight for r in problem.scenario.rules})


def _row(case: Case, start: float, *, status: str, explanation=None, result=None,
         weights=None) -> dict:
    feasible = {"OPTIMAL": True, "FEASIBLE": True, "INFEASIBLE": False}.get(status)
    row = {"case": case.key, "coalition": "+".join(case.coalition), "size": len(case.coalition),
           "mandate": case.mandate, "vetoes": case.vetoes, "troop_scale": case.troop_scale,
           "feasible": feasible, "status": status,
           "decided_by": "pre-check" if explanation is not None and not explanation.solved
           else "solver",
           "troops": None, "peak_troops": None, "soft_penalty": None, "hard_violations": None,
           "rules": None, "explanation": None}
    if explanation is not None:
        row["rules"] = " | ".join(", ".join(r.rules) for r in explanation.reasons)
        row["explanation"] = explanation.text()
    if result is not None and result.plan is not None:
        by_phase = dict(result.report.force)  # the force's troops, as the checker counts them
        row.update(troops=sum(by_phase.values()), peak_troops=max(by_phase.values(), default=0),
                   soft_penalty=soft_penalty(result.report.soft, weights),
                   hard_violations=len(result.report.hard))
    row["seconds"] = time.perf_counter() - start
    return row
