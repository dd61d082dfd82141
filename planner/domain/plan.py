"""The plan: for each phase and open sector, the lead nation and each contingent's troops.

Plans are immutable; every edit returns a new plan, so undo history costs nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Iterable, Mapping

Key = tuple[int, str]  # (phase, sector_id)


@dataclass(frozen=True)
class Assignment:
    """What one sector gets in one phase."""

    phase: int
    sector_id: str
    lead: str | None
    troops: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self):
        clean = {n: int(t) for n, t in sorted(self.troops.items()) if int(t) != 0}
        object.__setattr__(self, "troops", MappingProxyType(clean))

    @property
    def key(self) -> Key:
        return (self.phase, self.sector_id)

    @property
    def total(self) -> int:
        return sum(self.troops.values())

    @property
    def nations(self) -> frozenset[str]:
        """Nations deployed here: every contingent with troops, and the lead."""
        present = set(self.troops)
        if self.lead:
            present.add(self.lead)
        return frozenset(present)

    def __eq__(self, other):
        return (isinstance(other, Assignment) and self.key == other.key
                and self.lead == other.lead and dict(self.troops) == dict(other.troops))

    def __hash__(self):
        return hash((self.key, self.lead, tuple(self.troops.items())))


@dataclass(frozen=True)
class Pin:
    """A planner's lock on one sector and phase: its lead and, optionally, its troops."""

    lead: str | None
    troops: Mapping[str, int] | None = None

    def __post_init__(self):
        if self.troops is not None:
            clean = {n: int(t) for n, t in sorted(self.troops.items()) if int(t) != 0}
            object.__setattr__(self, "troops", MappingProxyType(clean))

    def __eq__(self, other):
        return (isinstance(other, Pin) and self.lead == other.lead
                and (None if self.troops is None else dict(self.troops))
                == (None if other.troops is None else dict(other.troops)))

    def __hash__(self):
        return hash((self.lead, None if self.troops is None else tuple(self.troops.items())))


@dataclass(frozen=True)
class Plan:
    """Assignments keyed by (phase, sector_id), plus the pins a planner locked."""

    assignments: Mapping[Key, Assignment]
    pins: Mapping[Key, Pin] = field(default_factory=dict)

    def __post_init__(self):
        # an assignment with no lead and no troops is the same as none: drop it, so equal
        # plans compare equal however they were read or edited
        ordered = {k: a for k, a in sorted(self.assignments.items())
                   if a.lead is not None or a.troops}
        object.__setattr__(self, "assignments", MappingProxyType(ordered))
        object.__setattr__(self, "pins", MappingProxyType(dict(sorted(self.pins.items()))))

    @classmethod
    def from_assignments(cls, rows: Iterable[Assignment], pins: Mapping[Key, Pin] | None = None):
        return cls({a.key: a for a in rows}, pins or {})

    def __iter__(self):
        return iter(self.assignments.values())

    def __len__(self):
        return len(self.assignments)

    def __eq__(self, other):
        return (isinstance(other, Plan) and dict(self.assignments) == dict(other.assignments)
                and dict(self.pins) == dict(other.pins))

    def get(self, phase: int, sector_id: str) -> Assignment:
        found = self.assignments.get((phase, sector_id))
        if found is None:  # an empty assignment, made once (plans are immutable)
            found = self._empty.get((phase, sector_id))
            if found is None:
                found = self._empty[phase, sector_id] = Assignment(phase, sector_id, None)
        return found

    @cached_property
    def _empty(self) -> dict[Key, Assignment]:
        return {}

    @cached_property
    def _by_phase(self) -> dict[int, list[Assignment]]:
        out: dict[int, list[Assignment]] = {}
        for a in self:
            out.setdefault(a.phase, []).append(a)
        return out

    def phase(self, phase: int) -> list[Assignment]:
        return self._by_phase.get(phase, [])

    def with_assignment(self, assignment: Assignment) -> "Plan":
        rows = dict(self.assignments)
        rows[assignment.key] = assignment
        return replace(self, assignments=rows)

    def with_lead(self, phase: int, sector_id: str, lead: str | None) -> "Plan":
        current = self.get(phase, sector_id)
        return self.with_assignment(replace(current, lead=lead))

    def with_troops(self, phase: int, sector_id: str, nation: str, troops: int) -> "Plan":
        if troops < 0:
            raise ValueError(f"`troops` must be 0 or more; got {troops}")
        current = self.get(phase, sector_id)
        new = dict(current.troops)
        new[nation] = int(troops)
        return self.with_assignment(replace(current, troops=new))

    def with_pin(self, phase: int, sector_id: str, *, troops: bool = True) -> "Plan":
        """Lock the sector's current lead (and troops) in this phase."""
        a = self.get(phase, sector_id)
        pins = dict(self.pins)
        pins[(phase, sector_id)] = Pin(a.lead, dict(a.troops) if troops else None)
        return replace(self, pins=pins)

    def without_pin(self, phase: int, sector_id: str) -> "Plan":
        pins = dict(self.pins)
        pins.pop((phase, sector_id), None)
        return replace(self, pins=pins)

    def troops_by_nation(self, phase: int) -> dict[str, int]:
        """Troops each nation deploys in ``phase``, over all sectors."""
        return dict(self._troops_by_phase.get(phase, {}))

    @cached_property
    def _troops_by_phase(self) -> dict[int, dict[str, int]]:
        out: dict[int, dict[str, int]] = {}
        for a in self:
            per = out.setdefault(a.phase, {})
            for n, t in a.troops.items():
                per[n] = per.get(n, 0) + t
        return out
