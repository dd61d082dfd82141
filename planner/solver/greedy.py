"""A greedy plan: largest requirement first, the most capable contingent leads.

Only the optimizer's baseline in ``bench/solve.py``. It keeps the hard rules that say who
may be where (:class:`planner.solver.eligibility.Eligibility`) and fills each sector's
requirement in whole troop units (each contingent's own) from the contingents that accept most of its tasks; other
rules may break.
"""
from __future__ import annotations

from planner.domain.plan import Assignment, Plan
from planner.domain.sectors import SectorTable
from planner.solver.problem import PlanProblem
from planner.solver.warmstart import sector_troops


def greedy(scenario, mandate: str | None = None, table: SectorTable | None = None, *,
           rules=None, contingents=None, vetoes=None) -> Plan:
    """A plan built sector by sector, largest requirement first (see the module docstring).

    Parameters are those of :func:`planner.solver.optimize.solve`: a mandate key (default the
    scenario's first), the sector table when built, and what-if rules, contingents, vetoes.
    """
    problem = PlanProblem.from_scenario(scenario, mandate, table=table, rules=rules,
                                        contingents=contingents, vetoes=vetoes)
    eligibility, req = problem.eligibility, problem.requirements
    rows = []
    for p in problem.phases:
        left = {c.code: c.troops for c in eligibility.force}
        for s in sorted(problem.table.open_in(p), key=lambda s: -req[p, s].troops):
            ranked = eligibility.ranked(p, s, req[p, s], left)
            troops = sector_troops(problem, (p, s), ranked, left)
            lead = next(iter(troops), ranked[0] if ranked else None)
            rows.append(Assignment(p, s, lead, troops))
    return Plan.from_assignments(rows)
