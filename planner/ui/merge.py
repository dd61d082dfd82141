"""Three-way merge of working states: two planners on one plan.

A working state is seen as units: each sector-phase (its lead, troops and lock), each setting
(mandate, force, vetoes), each re-cut phase and the scenario copy. Against the common parent,
a unit only one side changed takes that side's value; a unit both changed to the same value
takes it; a unit both changed differently is a conflict, and nothing is decided for it without
the planner's choice.
"""
from __future__ import annotations

from typing import Mapping

from planner.domain.plan import Assignment, Pin, Plan
from planner.domain.working import Settings, Working

_SETTINGS = ("mandate", "force", "vetoes", "troops")


def units(work: Working) -> dict[tuple, object]:
    """Every unit of ``work`` with a hashable value (absent units are not listed)."""
    out: dict[tuple, object] = {}
    plan = work.plan
    for key in set(plan.assignments) | set(plan.pins):
        a = plan.assignments.get(key)
        pin = plan.pins.get(key)
        out[("sector", *key)] = (
            None if a is None else (a.lead, tuple(a.troops.items())),
            None if pin is None else (pin.lead, None if pin.troops is None
                                      else tuple(pin.troops.items())))
    for name in _SETTINGS:
        out[("setting", name)] = getattr(work.settings, name)
    for phase, digest in work.cuts.items():
        out[("cut", phase)] = digest
    out[("source",)] = work.source
    return out


def from_units(values: Mapping[tuple, object]) -> Working:
    """The working state :func:`units` describes."""
    rows, pins, cuts = {}, {}, {}
    for unit, value in values.items():
        if unit[0] == "sector" and value is not None:
            key = (unit[1], unit[2])
            assignment, pin = value
            if assignment is not None:
                rows[key] = Assignment(key[0], key[1], assignment[0], dict(assignment[1]))
            if pin is not None:
                pins[key] = Pin(pin[0], None if pin[1] is None else dict(pin[1]))
        elif unit[0] == "cut" and value is not None:
            cuts[unit[1]] = value
    settings = Settings(*(values[("setting", n)] for n in _SETTINGS))
    return Working(Plan(rows, pins), settings, cuts, values.get(("source",)))


def changed_units(old: Working, new: Working) -> list[tuple]:
    """Units whose value differs from ``old`` to ``new``, in a stable order."""
    a, b = units(old), units(new)
    return sorted((u for u in set(a) | set(b) if a.get(u) != b.get(u)), key=_order)


def _order(unit):
    return (unit[0], *[str(x) for x in unit[1:]])


def merge(base: Working, mine: Working, theirs: Working,
          choices: Mapping[tuple, str] | None = None) -> tuple[Working, list[tuple]]:
    """Merge ``mine`` and ``theirs``, both made from ``base``.

    Parameters
    ----------
    choices
        ``{unit: "mine" | "theirs"}`` for units both sides changed differently.

    Returns
    -------
    (Working, list)
        The merged state, and the conflicting units left without a choice (they take
        ``theirs`` in the returned state; it must not be saved while the list is not empty).
    """
    b, m, t = units(base), units(mine), units(theirs)
    merged, conflicts = {}, []
    for unit in sorted(set(b) | set(m) | set(t), key=_order):
        old, left, right = b.get(unit), m.get(unit), t.get(unit)
        if left == old or left == right:
            merged[unit] = right
        elif right == old:
            merged[unit] = left
        elif (choices or {}).get(unit) == "mine":
            merged[unit] = left
        else:
            merged[unit] = right
            if (choices or {}).get(unit) != "theirs":
                conflicts.append(unit)
    return from_units(merged), conflicts


def describe_unit(unit: tuple) -> str:
    """A unit in plain words: ``P1-S03 (phase 1)``, ``the mandate``, ``phase 2's sectors``."""
    if unit[0] == "sector":
        return f"{unit[2]} (phase {unit[1]})"
    if unit[0] == "setting":
        return {"mandate": "the mandate", "force": "the contingents in the force",
                "vetoes": "the vetoes in force", "troops": "what-if troop figures"}[unit[1]]
    if unit[0] == "cut":
        return f"phase {unit[1]}'s sectors (re-cut)"
    return "the scenario's layers"


def describe_value(unit: tuple, work: Working) -> str:
    """The value of ``unit`` in ``work`` in plain words."""
    value = units(work).get(unit)
    if unit[0] == "sector":
        if value is None or value[0] is None:
            text = "nothing assigned"
        else:
            lead, troops = value[0]
            shown = ", ".join(f"{n} {t:,}" for n, t in troops) or "no troops"
            text = f"lead {lead or 'none'}, {shown}"
        return text + (", locked" if value is not None and value[1] is not None else "")
    if unit[0] == "setting":
        if unit[1] == "mandate":
            return str(value)
        if unit[1] == "troops":
            return ", ".join(f"{c} {n:,}" for c, n in value) or "as pledged"
        return ", ".join(value) or "none"
    if unit[0] == "cut":
        return "re-cut" if value else "the scenario's own"
    return "an uploaded layer" if value else "the scenario's own"


def describe_changes(old: Working, new: Working) -> list[str]:
    """What differs from ``old`` to ``new``, one sentence per unit."""
    return [f"{describe_unit(u)}: {describe_value(u, old)} -> {describe_value(u, new)}"
            for u in changed_units(old, new)]
