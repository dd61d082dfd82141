"""What differs between two plans, entry by entry: a diff that can be inverted and applied.

``apply(diff(a, b), a) == b`` for any two plans, and ``diff(b, a) == diff(a, b).inverse()``.
A (phase, sector) that one plan has and the other does not is a sector added or removed
(re-cut plans cover different sector ids); lead and troop changes are listed for the
(phase, sector) pairs both plans have.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Iterable, Mapping

from planner.domain.plan import Assignment, Key, Pin, Plan


@dataclass(frozen=True)
class LeadChange:
    """A sector's lead in one phase, before and after (None: no lead)."""

    phase: int
    sector_id: str
    before: str | None
    after: str | None

    def inverse(self) -> "LeadChange":
        return LeadChange(self.phase, self.sector_id, self.after, self.before)

    def as_dict(self) -> dict:
        return {"phase": self.phase, "sector_id": self.sector_id, "from": self.before,
                "to": self.after}


@dataclass(frozen=True)
class TroopChange:
    """One contingent's troops in one sector and phase, before and after."""

    phase: int
    sector_id: str
    nation: str
    before: int
    after: int

    def inverse(self) -> "TroopChange":
        return TroopChange(self.phase, self.sector_id, self.nation, self.after, self.before)

    def as_dict(self) -> dict:
        return {"phase": self.phase, "sector_id": self.sector_id, "nation": self.nation,
                "from": self.before, "to": self.after}


@dataclass(frozen=True)
class SectorEntry:
    """A (phase, sector) only one plan has, with what that plan gives it."""

    phase: int
    sector_id: str
    lead: str | None
    troops: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "troops", MappingProxyType(dict(sorted(self.troops.items()))))

    def __eq__(self, other):
        return (isinstance(other, SectorEntry) and self.assignment() == other.assignment())

    def __hash__(self):
        return hash(self.assignment())

    def assignment(self) -> Assignment:
        return Assignment(self.phase, self.sector_id, self.lead, self.troops)

    def as_dict(self) -> dict:
        return {"phase": self.phase, "sector_id": self.sector_id, "lead": self.lead,
                "troops": dict(self.troops)}


@dataclass(frozen=True)
class PinChange:
    """A lock on one sector and phase, before and after (None: not locked)."""

    phase: int
    sector_id: str
    before: Pin | None
    after: Pin | None

    def inverse(self) -> "PinChange":
        return PinChange(self.phase, self.sector_id, self.after, self.before)

    def as_dict(self) -> dict:
        return {"phase": self.phase, "sector_id": self.sector_id,
                "from": _pin_dict(self.before), "to": _pin_dict(self.after)}


def _pin_dict(pin: Pin | None) -> dict | None:
    if pin is None:
        return None
    return {"lead": pin.lead, "troops": None if pin.troops is None else dict(pin.troops)}


@dataclass(frozen=True)
class PlanDiff:
    """Every difference from plan A to plan B, each list sorted by phase, sector, nation.

    Parameters
    ----------
    lead_changes, troop_changes
        For (phase, sector) pairs both plans have.
    sectors_added, sectors_removed
        (phase, sector) pairs only B, or only A, has, with that plan's lead and troops.
    pin_changes
        Locks set, lifted or changed.
    """

    lead_changes: tuple[LeadChange, ...] = ()
    troop_changes: tuple[TroopChange, ...] = ()
    sectors_added: tuple[SectorEntry, ...] = ()
    sectors_removed: tuple[SectorEntry, ...] = ()
    pin_changes: tuple[PinChange, ...] = ()

    @property
    def empty(self) -> bool:
        """True when the two plans are the same."""
        return not (self.lead_changes or self.troop_changes or self.sectors_added
                    or self.sectors_removed or self.pin_changes)

    def inverse(self) -> "PlanDiff":
        """The diff from B back to A."""
        return PlanDiff(tuple(c.inverse() for c in self.lead_changes),
                        tuple(c.inverse() for c in self.troop_changes),
                        self.sectors_removed, self.sectors_added,
                        tuple(c.inverse() for c in self.pin_changes))

    def phases(self) -> list[int]:
        """The phases with at least one difference."""
        return sorted({c.phase for group in self._groups() for c in group})

    def only(self, phases: Iterable[int]) -> "PlanDiff":
        """The differences in ``phases`` only."""
        keep = set(phases)
        return PlanDiff(*(tuple(c for c in group if c.phase in keep) for group in self._groups()))

    def _groups(self):
        return (self.lead_changes, self.troop_changes, self.sectors_added,
                self.sectors_removed, self.pin_changes)

    def as_dict(self) -> dict:
        return {"lead_changes": [c.as_dict() for c in self.lead_changes],
                "troop_changes": [c.as_dict() for c in self.troop_changes],
                "sectors_added": [c.as_dict() for c in self.sectors_added],
                "sectors_removed": [c.as_dict() for c in self.sectors_removed],
                "lock_changes": [c.as_dict() for c in self.pin_changes]}


def diff(a: Plan, b: Plan, *, keys_a=None, keys_b=None) -> PlanDiff:
    """Every difference from plan ``a`` to plan ``b`` (see :class:`PlanDiff`).

    ``keys_a`` and ``keys_b`` are the (phase, sector) pairs each plan is made over (its sector
    table's keys): a sector in both is compared even where a plan assigns it nothing (a lead
    given there is a lead change), and a sector in one only is added or removed. By default
    each plan covers the pairs it assigns something to.
    """
    keys_a = set(a.assignments) if keys_a is None else set(keys_a)
    keys_b = set(b.assignments) if keys_b is None else set(keys_b)
    leads, troops = [], []
    for key in sorted(keys_a & keys_b):
        x, y = a.get(*key), b.get(*key)
        if x.lead != y.lead:
            leads.append(LeadChange(*key, x.lead, y.lead))
        if x.troops != y.troops:
            troops += [TroopChange(*key, n, x.troops.get(n, 0), y.troops.get(n, 0))
                       for n in sorted(set(x.troops) | set(y.troops))
                       if x.troops.get(n, 0) != y.troops.get(n, 0)]
    pins = [PinChange(*key, a.pins.get(key), b.pins.get(key))
            for key in sorted(set(a.pins) | set(b.pins)) if a.pins.get(key) != b.pins.get(key)]
    return PlanDiff(tuple(leads), tuple(troops), _entries(b, keys_b - keys_a),
                    _entries(a, keys_a - keys_b), tuple(pins))


def _entries(plan: Plan, keys) -> tuple[SectorEntry, ...]:
    return tuple(SectorEntry(*k, plan.get(*k).lead, plan.get(*k).troops) for k in sorted(keys))


class DiffConflict(ValueError):
    """A diff applied to a plan that does not hold what the diff changes from."""


def apply(changes: PlanDiff, plan: Plan) -> Plan:
    """``plan`` with ``changes`` made: ``apply(diff(a, b), a) == b``.

    Raises
    ------
    DiffConflict
        When ``plan`` does not hold what a change starts from (another lead, other troops, a
        sector it lacks or already has), naming the sector, phase and values.
    """
    rows: dict[Key, Assignment] = dict(plan.assignments)
    for e in changes.sectors_removed:
        here = rows.get((e.phase, e.sector_id)) or Assignment(e.phase, e.sector_id, None)
        _expect(here == e.assignment(), e, "removed", e.as_dict(), here)
        rows.pop((e.phase, e.sector_id), None)
    for e in changes.sectors_added:
        _expect((e.phase, e.sector_id) not in rows, e, "added", None, rows.get((e.phase, e.sector_id)))
        rows[e.phase, e.sector_id] = e.assignment()
    for c in changes.lead_changes:
        current = _present(rows, c)
        _expect(current.lead == c.before, c, "lead", c.before, current.lead)
        rows[c.phase, c.sector_id] = replace(current, lead=c.after)
    for c in changes.troop_changes:
        current = _present(rows, c)
        _expect(current.troops.get(c.nation, 0) == c.before, c, f"troops of {c.nation}",
                c.before, current.troops.get(c.nation, 0))
        rows[c.phase, c.sector_id] = replace(current, troops={**current.troops, c.nation: c.after})
    pins = dict(plan.pins)
    for c in changes.pin_changes:
        _expect(pins.get((c.phase, c.sector_id)) == c.before, c, "lock", _pin_dict(c.before),
                _pin_dict(pins.get((c.phase, c.sector_id))))
        if c.after is None:
            del pins[c.phase, c.sector_id]
        else:
            pins[c.phase, c.sector_id] = c.after
    return Plan(rows, pins)


def _present(rows, change) -> Assignment:
    """The sector's assignment (an empty one where the plan assigns it nothing)."""
    return rows.get((change.phase, change.sector_id)) or Assignment(change.phase,
                                                                    change.sector_id, None)


def _expect(ok: bool, change, what: str, expected, found) -> None:
    if not ok:
        raise DiffConflict(f"cannot apply the change to {change.sector_id} (phase "
                           f"{change.phase}): {what} expected {expected!r}, found {found!r}")
