"""What a contingent's role means for the force's figures and for a sector's need.

Ground units garrison sectors; observers man observation posts (sectors whose only task is
monitoring), where the mandate's ``observer_troops`` are enough when observers alone hold
one; logistics, staff and naval units hold no ground: they deploy to no sector, but their
troops are part of the force. Who may be where is the ``roles`` rule's business
(:mod:`planner.rules.sector`); this module says what the roles *count for*, once, for the
checker, the optimizer, the solve summary, the app, the briefing and the comparisons:

- :func:`off_ground_troops`: the troops of the units that hold no ground in a phase;
- :func:`force_troops`: each nation's troops in the force in a phase (in sectors, plus those);
- :func:`held_by_observers` and :func:`sector_need`: what a sector needs under a plan;
  :func:`requirements_as_held`: every sector's, for a view that shows one figure each.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterable, Mapping

from planner.domain.scenario import Contingent, Veto


def vetoed_everywhere(vetoes: Iterable[Veto], nation: str, phase: int) -> Veto | None:
    """The first veto barring ``nation`` from every sector in ``phase`` (no boots on the
    ground at all), or None."""
    return next((v for v in vetoes if v.nation == nation and v.sectors is None
                 and (v.phases is None or phase in v.phases)), None)


def off_ground_troops(contingents: Iterable[Contingent], vetoes: Iterable[Veto], mandate: str,
                      phase: int, unit_of: Callable[[str], int]) -> dict[str, int]:
    """Troops each unit that holds no ground (logistics, staff, naval) adds to the force in
    ``phase``: its pledged troops rounded down to its whole units, when it serves in the
    phase, accepts the mandate in force (its key, ``mandate``) and is not vetoed from every
    sector in the phase. They are not a plan decision: the same in every plan."""
    vetoes = tuple(vetoes)
    out = {}
    for c in contingents:
        if c.holds_ground or not c.serves_in(phase) or mandate not in c.mandates \
                or vetoed_everywhere(vetoes, c.code, phase) is not None:
            continue
        troops = c.troops // unit_of(c.code) * unit_of(c.code)
        if troops > 0:
            out[c.code] = troops
    return out


def force_troops(in_sectors: Mapping[str, int], off_ground: Mapping[str, int]) -> dict[str, int]:
    """Each nation's troops in the force in a phase: ``in_sectors`` (a plan's
    ``troops_by_nation(phase)``) plus ``off_ground`` (:func:`off_ground_troops`). Every
    figure of the force per nation and phase reads this sum: shares, nations deployed,
    capacity, the solve summary, the app's and the briefing's force tables."""
    out = dict(in_sectors)
    for n, t in off_ground.items():
        out[n] = out.get(n, 0) + t
    return out


def held_by_observers(assignment, contingents: Mapping[str, Contingent]) -> bool:
    """Whether observers alone hold a sector: it has a lead or troops, and the lead and every
    nation with troops there are observers contingents in play."""
    nations = assignment.nations
    return bool(nations) and all(n in contingents and contingents[n].role == "observers"
                                 for n in nations)


def sector_need(requirement, assignment, contingents: Mapping[str, Contingent]) -> int:
    """Troops a sector needs as ``assignment`` holds it: the requirement's
    ``observer_troops`` when observers alone hold it, else its troops
    (:meth:`planner.domain.sectors.Requirement.need`)."""
    return requirement.need(held_by_observers(assignment, contingents))


def requirements_as_held(requirements: Mapping, plan, contingents) -> dict:
    """``requirements`` (by phase and sector) with each one's ``troops`` set to what the
    sector needs as ``plan`` holds it (:func:`sector_need`; ``contingents``: those in play,
    by code or as an iterable). For a view that reads a requirement's ``troops`` as the one
    figure to show per sector (the app's map), so it agrees with the checker."""
    if not isinstance(contingents, Mapping):
        contingents = {c.code: c for c in contingents}
    return {key: replace(req, troops=sector_need(req, plan.get(*key), contingents))
            for key, req in requirements.items()}


def least_need(requirement, contingents: Mapping[str, Contingent]) -> int:
    """The fewest troops that can meet ``requirement`` with ``contingents`` in play: its
    ``observer_troops`` when observers are among them (they might hold the sector alone),
    else its troops. A bound for the pre-checks and the explanations: a plan never needs
    fewer."""
    observers = any(c.role == "observers" for c in contingents.values())
    return requirement.need(observers)
