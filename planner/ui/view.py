"""What the page shows for an app state: the scenario and sectors in use, the check report.

Computed once per rerun from the :class:`~planner.ui.state.AppState` (pure; the sector table
and scenario come cached from the :class:`~planner.ui.state.Env`), and read by the page, the
exports and the tests alike, so all of them see the same figures.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from planner.domain.roles import force_troops, off_ground_troops, requirements_as_held
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

    @cached_property
    def held_requirements(self) -> dict:
        """:attr:`requirements` with each sector's troops as the plan holds it (observers
        alone need the mandate's ``observer_troops``): what the map shows, as the checker
        reads it (:func:`planner.domain.roles.requirements_as_held`)."""
        return requirements_as_held(self.requirements, self.plan, self.force)

    def off_ground(self, phase: int) -> dict[str, int]:
        """Troops of the units in the force that hold no ground (logistics, staff, naval) in
        ``phase``: part of the force, in no sector."""
        return off_ground_troops(self.force, self.vetoes, self.settings.mandate, phase,
                                 self.scenario.unit_of)

    def nation_troops(self, phase: int) -> dict[str, int]:
        """Each nation's troops in the force in ``phase``: in sectors, plus :meth:`off_ground`
        (what the checker counts for shares and nations)."""
        return force_troops(self.plan.troops_by_nation(phase), self.off_ground(phase))

    def sector_codes(self, phase: int, sectors=()) -> list[str]:
        """The contingents (scenario order) a sector of ``phase`` may be given as lead or
        troops: those whose role holds ground (ground, observers). One that holds no ground
        (logistics, staff, naval) is listed only where it already leads or has troops in one
        of ``sectors`` (an imported plan), so that it can be taken out."""
        present = set()
        for s in sectors:
            present |= set(self.plan.get(phase, s).nations)
        return [c.code for c in self.scenario.contingents
                if c.holds_ground or c.code in present]

    def open_in(self, phase: int) -> list[str]:
        return self.table.open_in(phase)


def view_of(state, env) -> View:
    """The :class:`View` of ``state``."""
    return View(state, env.scenario_for(state.work), env.table_for(state.work))
