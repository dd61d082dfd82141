"""A greedy plan: largest requirement first, the most capable contingent leads.

The optimizer's baseline in ``bench/solve.py``. It respects mandates, availability, vetoes
and hard lead restrictions, and fills each sector's requirement in whole troop units from
the contingents that accept most of its tasks; other rules may break.
"""
from __future__ import annotations

from planner.domain.plan import Assignment, Plan
from planner.rules.situation import vetoed


class Eligibility:
    """Which contingents may deploy to, and lead, a sector: mandate, availability, vetoes
    and hard lead restrictions (the rules a constructed plan must not break outright)."""

    def __init__(self, scenario, mandate: str, contingents=None, vetoes=None):
        self.force = list(contingents if contingents is not None else scenario.contingents)
        self.vetoes = tuple(scenario.vetoes if vetoes is None else vetoes)
        self.mandate = mandate
        self.rules = list(scenario.rules)
        self.restrictions = [r for r in self.rules
                             if r.kind == "lead_restriction" and r.severity == "hard"]

    def share_cap(self, total: int, unit: int) -> int:
        """Most troops one contingent may deploy in a phase of ``total`` troops under the
        hard ``max_share`` rules (in whole units; no cap without such a rule)."""
        shares = [r.params["max_share"] for r in self.rules
                  if r.kind == "max_share" and r.severity == "hard"]
        if not shares:
            return total + sum(c.troops for c in self.force)
        return int(min(shares) * total) // unit * unit

    def contingent(self, code):
        """The contingent with ``code`` in play, or None."""
        return next((c for c in self.force if c.code == code), None)

    def able(self, tbl, p: int, s: str) -> list:
        """Contingents that may lead sector ``s`` in phase ``p``, in scenario order."""
        tags = tbl.tags(p, s)
        return [c for c in self.force
                if self.mandate in c.mandates and c.available_from <= p
                and not vetoed(self.vetoes, c.code, s)
                and all(r.params["attribute"] not in tags or c.code in r.params["nations"]
                        for r in self.restrictions)]

    def ranked(self, tbl, p, s, req, left, lead=None) -> list[str]:
        """Codes of :meth:`able` contingents: those accepting most of the tasks ``lead``
        does not, then ``lead``, then those accepting most of the sector's tasks, then
        those with most troops ``left``."""
        able = self.able(tbl, p, s)
        missing = req.tasks - next((c.tasks for c in able if c.code == lead), frozenset())
        able.sort(key=lambda c: (-len(missing & c.tasks), c.code != lead,
                                 -len(req.tasks & c.tasks), -left[c.code], c.code))
        return [c.code for c in able]


def fill_troops(need: int, ranked: list[str], left: dict[str, int], unit: int,
                troops: dict[str, int] | None = None) -> dict[str, int]:
    """Add troops from ``ranked`` contingents in order, in whole units, until ``need`` is met.

    ``troops`` are those already in the sector; ``left`` (troops each contingent has not
    yet deployed) is reduced in place.
    """
    troops = dict(troops or {})
    need = -(-need // unit) * unit - sum(troops.values())
    for code in ranked:
        take = min(need, left[code] // unit * unit)
        if take > 0:
            troops[code] = troops.get(code, 0) + take
            left[code] -= take
            need -= take
        if need <= 0:
            break
    return troops


def greedy(scenario, mandate, tbl, *, contingents=None, vetoes=None) -> Plan:
    """A plan built sector by sector, largest requirement first (see the module docstring)."""
    eligibility = Eligibility(scenario, mandate, contingents, vetoes)
    m = scenario.mandates[mandate]
    rows = []
    for p in tbl.phases:
        left = {c.code: c.troops for c in eligibility.force}
        for s in sorted(tbl.open_in(p), key=lambda s: -tbl.requirement(p, s, m).troops):
            req = tbl.requirement(p, s, m)
            ranked = eligibility.ranked(tbl, p, s, req, left)
            troops = fill_troops(req.troops, ranked, left, scenario.troop_unit)
            lead = next(iter(troops), ranked[0] if ranked else None)
            rows.append(Assignment(p, s, lead, troops))
    return Plan.from_assignments(rows)
