"""A greedy plan: largest requirement first, the most capable contingent leads.

The optimizer's baseline in ``bench/solve.py`` and its starting hint. It respects mandates,
availability, vetoes and hard lead restrictions, and fills each sector's requirement in whole
troop units from the contingents that accept most of its tasks; other rules may break.
"""
from __future__ import annotations

from planner.plan import Assignment, Plan
from planner.rules.situation import vetoed


def greedy(scenario, mandate, tbl, *, contingents=None, vetoes=None) -> Plan:
    """A plan built sector by sector, largest requirement first (see the module docstring)."""
    force = list(contingents if contingents is not None else scenario.contingents)
    vetoes = tuple(scenario.vetoes if vetoes is None else vetoes)
    m = scenario.mandates[mandate]
    restrictions = [r for r in scenario.rules if r.kind == "lead_restriction" and r.severity == "hard"]
    unit = scenario.troop_unit
    rows = []
    for p in tbl.phases:
        left = {c.code: c.troops for c in force}
        keys = sorted(tbl.open_in(p), key=lambda s: -tbl.requirement(p, s, m).troops)
        for s in keys:
            req = tbl.requirement(p, s, m)
            tags = tbl.tags(p, s)
            able = [c for c in force
                    if mandate in c.mandates and c.available_from <= p
                    and not vetoed(vetoes, c.code, s)
                    and all(r.params["attribute"] not in tags or c.code in r.params["nations"]
                            for r in restrictions)]
            able.sort(key=lambda c: (-len(req.tasks & c.tasks), -left[c.code], c.code))
            troops, need = {}, -(-req.troops // unit) * unit
            for c in able:
                take = min(need, left[c.code] // unit * unit)
                if take > 0:
                    troops[c.code] = take
                    left[c.code] -= take
                    need -= take
                if need <= 0:
                    break
            lead = next(iter(troops), able[0].code if able else None)
            rows.append(Assignment(p, s, lead, troops))
    return Plan.from_assignments(rows)
