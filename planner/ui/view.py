"""What the page shows for an app state: the scenario and sectors in use, the check report.

Computed once per rerun from the :class:`~planner.ui.state.AppState` (pure; the sector table
and scenario come cached from the :class:`~planner.ui.state.Env`), and read by the page, the
exports and the tests alike, so all of them see the same figures.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from planner.domain.roles import force_troops, off_ground_troops
from planner.rules.check import Report, check


@dataclass(frozen=True)
class View:
    """The working state of an :class:`AppState` seen against its scenario."""

    state: object
    scenario: object
    table: object

    @property
    def plan(self):
        return self.state.work.plan

    @property
    def settings(self):
        return self.state.work.settings

    @cached_property
    def force(self) -> list:
        """The contingents in the force, in scenario order, with what-if troop figures."""
        return self.settings.contingents(self.scenario)

    @cached_property
    def vetoes(self) -> list:
        """The vetoes in force."""
        return self.settings.vetoes_in_force(self.scenario)

    @property
    def mandate(self):
        """The mandate object the plan is made under."""
        return self.scenario.mandates[self.settings.mandate]

    @property
    def codes(self) -> list[str]:
        """Every contingent of the scenario (in the force or not)."""
        return [c.code for c in self.scenario.contingents]

    @cached_property
    def report(self) -> Report:
        return check(self.plan, self.scenario, self.settings.mandate, table=self.table,
                     contingents=self.force, vetoes=self.vetoes)

    @cached_property
    def requirements(self) -> dict:
        return self.table.requirements(self.mandate)

    def off_ground(self, phase: int) -> dict[str, int]:
        """Troops of the units in the force that hold no ground (logistics, staff, naval) in
        ``phase``: part of the force, in no sector."""
        return off_ground_troops(self.force, self.vetoes, self.settings.mandate, phase,
                                 self.scenario.unit_of)

    def nation_troops(self, phase: int) -> dict[str, int]:
        """Each nation's troops in the force in ``phase``: in sectors, plus :meth:`off_ground`
        (what the checker counts for shares and nations)."""
        return force_troops(self.plan.troops_by_nation(phase), self.off_ground(phase))

    def open_in(self, phase: int) -> list[str]:
        return self.table.open_in(phase)


def view_of(state, env) -> View:
    """The :class:`View` of ``state``."""
    return View(state, env.scenario_for(state.work), env.table_for(state.work))
