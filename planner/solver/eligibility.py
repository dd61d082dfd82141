"""Who may deploy to and lead each sector, as the hard rules being solved say.

Nothing here knows a rule kind by name: each bound rule answers through
:meth:`planner.rules.Rule.bars`, :meth:`~planner.rules.Rule.bars_lead` and
:attr:`~planner.rules.Rule.share_cap`, so the warm start and the greedy baseline keep exactly
the rules the optimizer encodes.
"""
from __future__ import annotations

from typing import Iterable

from planner.domain.sectors import Requirement
from planner.rules import Rule, RuleContext


class Eligibility:
    """Which contingents in play may deploy to, and lead, a sector under the hard ``rules``.

    Parameters
    ----------
    context
        The sector table, mandate, contingents in play and vetoes in force.
    rules
        Bound rules; only hard ones that bar contingents or cap shares are read.
    """

    def __init__(self, context: RuleContext, rules: Iterable[Rule]):
        self.context = context
        hard = [r for r in rules if r.hard]
        self.barring = [r for r in hard if r.definition.bars is not None]
        self.shares = [r.share_cap for r in hard if r.share_cap is not None]
        self.force = list(context.contingents.values())
        self._able: dict[tuple[int, str], list] = {}
        self._in_phase: dict[int, list] = {}
        # (rule, its reason): asked directly, as able() does for every sector
        reasons = [(r, r.definition.bars) for r in self.barring]
        self._anywhere = [(r, b.reason) for r, b in reasons if not b.per_sector]
        self._here = [(r, b.reason) for r, b in reasons if b.per_sector]

    def may_lead(self, code: str, p: int, s: str) -> bool:
        """Whether ``code`` may lead sector ``s`` in phase ``p`` (and so deploy there)."""
        return not any(r.bars_lead(self.context, (p, s), code) for r in self.barring)

    def able(self, p: int, s: str) -> list:
        """Contingents that may lead sector ``s`` in phase ``p``, in scenario order."""
        if (p, s) not in self._able:
            key, context = (p, s), self.context
            self._able[p, s] = [c for c in self._able_in_phase(p, s)
                                if not any(why(r, context, key, c.code) for r, why in self._here)]
        return list(self._able[p, s])

    def _able_in_phase(self, p: int, s: str) -> list:
        """Contingents no rule bars in phase ``p`` for reasons that hold in every sector
        (asked once per phase: such reasons do not read the sector)."""
        if p not in self._in_phase:
            key, context = (p, s), self.context
            self._in_phase[p] = [c for c in self.force
                                 if not any(why(r, context, key, c.code)
                                            for r, why in self._anywhere)]
        return self._in_phase[p]

    def share_cap(self, total: int) -> int:
        """Most troops one contingent may deploy in a phase of ``total`` troops under the
        hard share caps (no cap without such a rule)."""
        if not self.shares:
            return total + sum(c.troops for c in self.force)
        return int(min(self.shares) * total)

    def contingent(self, code):
        """The contingent with ``code`` in play, or None."""
        return self.context.contingents.get(code)

    def ranked(self, p: int, s: str, req: Requirement, left: dict[str, int],
               lead: str | None = None) -> list[str]:
        """Codes of :meth:`able` contingents: those accepting most of the tasks ``lead``
        does not, then ``lead``, then those accepting most of the sector's tasks, then
        those with most troops ``left``."""
        able = self.able(p, s)
        missing = req.tasks - next((c.tasks for c in able if c.code == lead), frozenset())
        able.sort(key=lambda c: (-len(missing & c.tasks), c.code != lead,
                                 -len(req.tasks & c.tasks), -left[c.code], c.code))
        return [c.code for c in able]
