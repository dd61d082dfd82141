"""What a rule check reads: the plan, the scenario, the sector table and the mandate."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from planner.domain.plan import Plan
from planner.domain.sectors import Requirement, SectorTable
from planner.rules.context import units_of

if TYPE_CHECKING:
    from planner.domain.scenario import Mandate


@dataclass(frozen=True)
class Situation:
    """A plan seen against a scenario under one mandate: a
    :class:`planner.rules.context.RuleContext` with a plan.

    ``contingents`` are the contingents in play by code (a what-if may leave some out);
    ``vetoes`` the stakeholder vetoes in force.
    """

    plan: Plan
    table: SectorTable
    mandate: Mandate
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

    def unit_of(self, code: str) -> int:
        return units_of(self, code)
