"""The change measure: how far a plan is from a reference plan, as the optimizer counts it.

``planner solve --from`` minimises it (the tier after the soft penalty) and ``planner diff``
reports it; both go through this module, so the number a planner reads is the number the
optimizer minimised.

- A **lead changed** counts 1 for each (phase, sector) whose lead differs: another nation,
  or a lead given where there was none, or taken away.
- **Troop units moved** count, for each (phase, sector) and contingent,
  ``ceil(|troops after - troops before| / unit)`` with that contingent's unit: a part of a
  unit counts as a whole one, so every change of troops shows.

The measure is symmetric: from A to B it is the same as from B to A.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from planner.domain.plan import Key, Plan


@dataclass(frozen=True)
class ChangeMeasure:
    """Leads changed and troop units moved from one plan to another.

    Parameters
    ----------
    leads_changed
        Sectors (per phase) whose lead differs.
    units_moved
        Troop units moved, each contingent and sector counted on its own.
    unit
        The scenario's troop unit (troops); each contingent's units are counted in its own
        unit (``Scenario.unit_of``), which is this one unless the contingent sets another.
    """

    leads_changed: int
    units_moved: int
    unit: int
    mixed: bool = False  # contingents moved count in units of different sizes

    def units_words(self) -> str:
        """How the units moved are counted, for a sentence: ``of 50`` or, when contingents
        have units of their own, ``each in its contingent's own unit``."""
        return "each in its contingent's own unit" if self.mixed else f"of {self.unit:,}"

    @property
    def total(self) -> int:
        """What the optimizer minimises: leads changed plus troop units moved."""
        return self.leads_changed + self.units_moved

    def as_dict(self) -> dict:
        return {"leads_changed": self.leads_changed, "units_moved": self.units_moved,
                "troop_unit": self.unit, "units_of_each_contingent": self.mixed,
                "total": self.total}


def units_moved(before: int, after: int, unit: int) -> int:
    """Troop units moved when one contingent's troops in one sector go from ``before`` to
    ``after`` (troops): ``ceil(|after - before| / unit)``."""
    return -(-abs(int(after) - int(before)) // int(unit))


def change_measure(reference: Plan, plan: Plan, unit: int | Callable[[str], int], *,
                   keys: Iterable[Key] | None = None, troop_unit: int | None = None
                   ) -> ChangeMeasure:
    """The change from ``reference`` to ``plan`` (see the module docstring).

    Parameters
    ----------
    reference, plan
        The plans; a (phase, sector) one of them lacks counts as having no lead and no troops.
    unit
        The troop unit of every contingent (troops), or ``unit(code)`` giving each one's
        (``Scenario.unit_of``).
    keys
        The (phase, sector) pairs to count (default: every pair either plan has).
    troop_unit
        The scenario's troop unit, recorded in the result when ``unit`` is a function.

    Returns
    -------
    ChangeMeasure
    """
    unit_of = unit if callable(unit) else (lambda code: unit)
    if keys is None:
        keys = set(reference.assignments) | set(plan.assignments)
    leads = moved = 0
    sizes = set()
    for key in keys:
        before, after = reference.get(*key), plan.get(*key)
        leads += before.lead != after.lead
        for n in set(before.troops) | set(after.troops):
            step = units_moved(before.troops.get(n, 0), after.troops.get(n, 0), unit_of(n))
            moved += step
            if step:
                sizes.add(unit_of(n))
    shown = unit if not callable(unit) else troop_unit or _unit_of_owner(unit)
    return ChangeMeasure(leads, moved, shown, mixed=bool(sizes - {shown}))


def _unit_of_owner(unit_of) -> int:
    """The default troop unit behind a ``unit_of`` bound method (a scenario's or a
    context's), or 0 when it cannot be told."""
    owner = getattr(unit_of, "__self__", None)
    return int(getattr(owner, "troop_unit", getattr(owner, "unit", 0)) or 0)


def change_terms(model, reference: Plan) -> list:
    """CP-SAT terms whose sum is :func:`change_measure` ``(reference, plan).total`` over the
    model's (phase, sector) pairs, for the plan the model's variables hold.

    Parameters
    ----------
    model
        A :class:`planner.solver.model.Model` (its ``keys``, ``nations``, ``lead`` and
        ``units`` variables, each nation's in its own unit, ``model.unit_of``).
    reference
        The plan to change as little as possible.

    Returns
    -------
    list
        Linear expressions and constants; a contingent out of play (not among
        ``model.nations``) cannot keep its reference troops or lead, which counts as a
        constant.
    """
    terms = []
    for p, s in model.keys:
        ref = reference.get(p, s)
        terms.append(_lead_term(model, p, s, ref.lead))
        for n, troops in ref.troops.items():
            if n not in model.nations:
                terms.append(units_moved(troops, 0, model.unit_of(n)))
        for n in model.nations:
            terms.append(_units_term(model, p, s, n, ref.troops.get(n, 0)))
    return terms


def _lead_term(model, p, s, lead):
    """1 when the sector's lead is not ``lead`` (the reference's), else 0."""
    if lead is None:
        return sum(model.lead[p, s, n] for n in model.nations)
    if lead in model.nations:
        return 1 - model.lead[p, s, lead]
    return 1


def _units_term(model, p, s, n, troops: int):
    """``ceil(|unit * units - troops| / unit)`` for one contingent in one sector.

    With ``t, r = divmod(troops, unit)`` that is ``max(units - t, t + (r > 0) - units)``;
    where the reference has no troops it is the units themselves (no new variable).
    """
    units = model.units[p, s, n]
    if troops == 0:
        return units
    t, r = divmod(int(troops), model.unit_of(n))
    moved = model.cp.NewIntVar(0, max(t + 1, model.unit_bound(n)), f"moved|{p}|{s}|{n}")
    model.cp.AddMaxEquality(moved, [units - t, t + int(r > 0) - units])
    return moved
