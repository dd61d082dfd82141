"""A planning problem: everything one solve reads, checked and prepared before any solving.

:meth:`PlanProblem.from_scenario` validates the inputs (pins in whole troop units, rules
bound to their kinds, the mandate known) and resolves what-ifs (contingents in play, vetoes
in force); the problem then answers what the solver's steps ask: the pre-checks
(:meth:`~PlanProblem.impossibilities`), the starting plan (:meth:`~PlanProblem.start`), the
CP-SAT model with every rule encoded (:meth:`~PlanProblem.model`) and the check of a plan
(:meth:`~PlanProblem.report`). :func:`planner.solver.optimize.solve_problem` solves it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping

from geo.errors import InputError, problem
from planner.domain.plan import Key, Pin, Plan
from planner.domain.scenario import Contingent, Mandate, Veto
from planner.domain.sectors import Requirement, SectorTable, sector_table
from planner.rules import Rule, Situation, bind_all
from planner.rules.check import Report, evaluate
from planner.rules.context import units_of
from planner.rules.sector import with_roles_rule
from planner.solver.eligibility import Eligibility
from planner.solver.feasibility import obvious_impossibilities
from planner.solver.model import Model
from planner.solver.warmstart import region_plan


@dataclass(frozen=True)
class PlanProblem:
    """One planning problem (see the module docstring); a
    :class:`planner.rules.context.RuleContext`.

    Parameters
    ----------
    table
        The scenario's sector table.
    mandate
        The mandate in force.
    contingents
        The contingents in play, by code, in scenario order.
    vetoes
        The vetoes in force.
    unit
        The scenario's troop unit; each contingent's troops move in whole multiples of its
        own (:meth:`unit_of`).
    rules
        Bound rules (a ``pinned`` rule is added when there are pins).
    phases
        The phases to plan; the others are kept from ``reference``.
    pins
        Locked choices, never changed.
    reference
        A plan to change as little as possible, or None.
    best_effort
        Hard rules may bend (for the least-bad plan when none keeps them all).
    """

    table: SectorTable
    mandate: Mandate
    contingents: Mapping[str, Contingent]
    vetoes: tuple[Veto, ...]
    unit: int
    rules: tuple[Rule, ...]
    phases: tuple[int, ...]
    pins: Mapping[Key, Pin]
    reference: Plan | None = None
    best_effort: bool = False

    @classmethod
    def from_scenario(cls, scenario, mandate: str | None = None, *, phases=None, pins=None,
                      reference: Plan | None = None, rules=None, contingents=None,
                      vetoes=None, table: SectorTable | None = None,
                      best_effort: bool = False) -> "PlanProblem":
        """The problem of planning ``scenario`` under ``mandate`` (a key; default the
        scenario's first); every keyword as :func:`planner.solver.optimize.solve` takes it.

        Raises
        ------
        InputError
            Pins off their contingent's troop unit, or rules with unknown kinds or bad
        parameters.
        """
        mandate = scenario.mandate_key(mandate)
        table = table or sector_table(scenario)
        pins = {**(reference.pins if reference is not None else {}), **(pins or {})}
        force = contingents if contingents is not None else scenario.contingents
        listed = with_roles_rule(rules if rules is not None else scenario.rules, force)
        made = cls(table, scenario.mandates[mandate], {c.code: c for c in force},
                   tuple(scenario.vetoes if vetoes is None else vetoes), scenario.troop_unit,
                   tuple(_bound_rules(listed, pins)),
                   tuple(phases or table.phases), pins, reference, best_effort)
        _check_pins(pins, made.unit_of)
        return made

    def unit_of(self, code: str) -> int:
        """Troops in one unit of contingent ``code``."""
        return units_of(self, code)

    # --- what rules read (RuleContext) -------------------------------------------------------
    @cached_property
    def keys(self) -> list[Key]:
        """The (phase, sector) pairs being planned, in table order."""
        return [k for k in self.table.keys if k[0] in self.phases]

    @cached_property
    def requirements(self) -> dict[Key, Requirement]:
        return {k: self.table.requirement(*k, self.mandate) for k in self.keys}

    @cached_property
    def context(self) -> dict[Key, str]:
        """Leads of the phases not planned here, from the reference plan: rules spanning
        phases, like continuity, hold against them."""
        if self.reference is None:
            return {}
        return {a.key: a.lead for a in self.reference if a.lead and a.phase not in self.phases}

    @cached_property
    def eligibility(self) -> Eligibility:
        """Who may deploy and lead where, as the hard rules of this problem say."""
        return Eligibility(self, self.rules)

    # --- the solver's steps ------------------------------------------------------------------
    def impossibilities(self) -> list:
        """Reasons no plan can exist, found without a solver (empty when none is obvious)."""
        return obvious_impossibilities(self)

    def start(self) -> Plan:
        """The plan the search starts from: the reference, or the warm start's region plan."""
        return self.reference if self.reference is not None else region_plan(self)

    def model(self) -> Model:
        """The CP-SAT model with every rule encoded (hard rules under guards, ready to be
        explained, unless best-effort)."""
        model = Model(self, explain=not self.best_effort)
        for rule in self.rules:
            rule.encode(model)
        return model

    def report(self, plan: Plan) -> Report:
        """The check of ``plan`` (every phase) against this problem's rules."""
        sit = Situation(plan, self.table, self.mandate, dict(self.contingents), self.vetoes,
                        self.unit)
        return evaluate(sit, list(self.rules))


def _bound_rules(rules, pins) -> list[Rule]:
    rules = list(rules)
    if pins and not any(r.kind == "pinned" for r in rules):
        rules.append(Rule("pinned", "pinned", "hard"))  # pins are never changed
    return bind_all(rules)


def _check_pins(pins, unit_of):
    bad = [problem("<pins>", f"pinned troops {t} are not a multiple of {n}'s troop unit "
                   f"{unit_of(n)}", feature=f"{s} (phase {p})", field=f"troops_{n}", value=t)
           for (p, s), pin in pins.items() for n, t in (pin.troops or {}).items()
           if t % unit_of(n)]
    if bad:
        raise InputError(bad)
