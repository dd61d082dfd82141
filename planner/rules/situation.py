"""What a rule check reads: the plan, the scenario, the sector table and the mandate."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from planner.domain.plan import Plan
from planner.domain.sectors import Requirement, SectorTable


@dataclass(frozen=True)
class Situation:
    """A plan seen against a scenario under one mandate.

    ``contingents`` are the contingents in play (a what-if may leave some out);
    ``vetoes`` the stakeholder vetoes in force.
    """

    plan: Plan
    table: SectorTable
    mandate: object
    contingents: dict
    vetoes: tuple
    unit: int = 1

    @cached_property
    def requirements(self) -> dict[tuple[int, str], Requirement]:
        return self.table.requirements(self.mandate)

    @property
    def keys(self):
        return self.table.keys

    @property
    def phases(self):
        return self.table.phases

    def assignment(self, key):
        return self.plan.get(*key)

    def nations_in_phase(self, phase: int) -> dict[str, int]:
        """Troops of each nation deployed in ``phase`` (leads without troops count 0)."""
        out: dict[str, int] = {}
        for s in self.table.open_in(phase):
            a = self.plan.get(phase, s)
            for n in a.nations:
                out[n] = out.get(n, 0) + a.troops.get(n, 0)
        return out


def vetoed(vetoes, nation: str, sector: str) -> list:
    """The vetoes barring ``nation`` from ``sector``."""
    return [v for v in vetoes if v.nation == nation and (v.sectors is None or sector in v.sectors)]
