"""The working state of a plan: everything a planner decides, saved whole in each revision.

A revision is not only the assignments: the mandate the plan is made for, the contingents in
the force, the vetoes in force, the locks and the sectors the planner re-cut are part of what
the planner was doing, and reloading must bring all of them back. :class:`Working` holds them;
it is immutable, so undo history and comparisons cost nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Mapping

from planner.domain.plan import Key, Plan


@dataclass(frozen=True)
class Settings:
    """What the plan is checked and solved under.

    Parameters
    ----------
    mandate
        Key of one of the scenario's mandates.
    force
        Codes of the contingents in the force (a what-if may leave some out), in scenario order.
    vetoes
        Ids of the vetoes in force, in scenario order.
    """

    mandate: str
    force: tuple[str, ...]
    vetoes: tuple[str, ...]
    troops: tuple[tuple[str, int], ...] = ()  # what-if troop figures: (code, troops), sorted

    def as_dict(self) -> dict:
        out = {"mandate": self.mandate, "force": list(self.force), "vetoes": list(self.vetoes)}
        if self.troops:
            out["troops"] = dict(self.troops)
        return out

    def contingents(self, scenario) -> list:
        """The contingents in the force, in scenario order, with what-if troop figures."""
        figures = dict(self.troops)
        return [replace(c, troops=figures[c.code]) if c.code in figures else c
                for c in scenario.contingents if c.code in self.force]

    def vetoes_in_force(self, scenario) -> list:
        return [v for v in scenario.vetoes if v.id in self.vetoes]


def default_settings(scenario) -> Settings:
    """The scenario's first mandate, every contingent, every veto."""
    return Settings(next(iter(scenario.mandates)), tuple(c.code for c in scenario.contingents),
                    tuple(v.id for v in scenario.vetoes))


def settings_from(doc, scenario, base: Settings | None = None) -> Settings:
    """Settings read from a mapping (a saved revision or a plan file's members); what is
    missing or unknown to ``scenario`` comes from ``base`` (default:
    :func:`default_settings`), keeping the scenario's order. A CSV plan file records only
    its mandate: read over the working plan's settings, the rest stays as it was."""
    every = default_settings(scenario)
    base = base or every
    if not isinstance(doc, Mapping):
        return base
    mandate = doc.get("mandate") if doc.get("mandate") in scenario.mandates else base.mandate
    force = _known(doc.get("force"), every.force) if "force" in doc else base.force
    vetoes = _known(doc.get("vetoes"), every.vetoes) if "vetoes" in doc else base.vetoes
    if isinstance(doc.get("troops"), Mapping):
        troops = tuple(sorted((c, int(n)) for c, n in doc["troops"].items()
                              if c in every.force and isinstance(n, int)
                              and not isinstance(n, bool) and n >= 0))
    else:
        troops = () if "force" in doc else base.troops
    return Settings(mandate, force, vetoes, troops)


def _known(listed, every: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(listed, (list, tuple)):
        return every
    chosen = {x for x in listed if isinstance(x, str)}
    return tuple(x for x in every if x in chosen)


@dataclass(frozen=True)
class Working:
    """A plan with the settings it is made under and the sector cuts it is made over.

    Parameters
    ----------
    plan
        Assignments and pins (locks).
    settings
        Mandate, force and vetoes.
    cuts
        ``{phase: content hash}`` of the phases whose sectors the planner re-cut; the
        geometry is kept by the plan store under that hash (phases not listed use the
        scenario's own sectors).
    source
        Content hash of a copy of the scenario with a layer the planner replaced (kept in
        the workspace), or None for the scenario itself.
    """

    plan: Plan
    settings: Settings
    cuts: Mapping[int, str] = field(default_factory=dict)
    source: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "cuts", MappingProxyType(dict(sorted(self.cuts.items()))))

    def __eq__(self, other):
        return (isinstance(other, Working) and self.plan == other.plan
                and self.settings == other.settings and dict(self.cuts) == dict(other.cuts)
                and self.source == other.source)

    def __hash__(self):
        return hash((self.settings, tuple(self.cuts.items()), len(self.plan)))

    def with_plan(self, plan: Plan) -> "Working":
        return replace(self, plan=plan)

    def with_settings(self, **changes) -> "Working":
        return replace(self, settings=replace(self.settings, **changes))


def restricted(plan: Plan, keys) -> Plan:
    """``plan`` without assignments and pins outside ``keys`` (sectors that no longer exist)."""
    keep = set(keys)
    return Plan({k: a for k, a in plan.assignments.items() if k in keep},
                {k: p for k, p in plan.pins.items() if k in keep})


__all__ = ["Key", "Settings", "Working", "default_settings", "restricted", "settings_from"]
