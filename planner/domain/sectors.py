"""What each sector needs in each phase: tasks and troops, from its attributes and the mandate.

A :class:`SectorTable` is built once per scenario (geometry work, vectorized) and then read
by every rule, by the checker and by the optimizer, so both see the same requirements.

It owns the facts that change with the phase: whether a sector lies on the **contact line**
(its boundary runs at least ``min_contact_m`` along that phase's held area, within
``touch_m``) and which **crossings** it holds (a crossing belongs to the nearest sector open
in that phase, within ``crossing_m``). A sector layer's ``contact_line`` and ``crossings``
columns are the same facts in the phase the sector opens (:func:`opening_facts`).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import pandas as pd
import shapely

from geo.attributes import contact_km, crossing_names
from geo.graph import adjacency_pairs

Key = tuple[int, str]


OBSERVATION_TASKS = frozenset({"monitoring"})  # what observers do; a sector asking no more
# is an observation post they may man


@dataclass(frozen=True)
class Requirement:
    """What a sector needs in one phase under one mandate (``overrides``: the triggers of
    the mandate's overrides that set it, see :meth:`Mandate.terms`).

    ``troops`` is the normal requirement; ``observer_troops`` what the sector needs when
    observers alone hold it (lead and every troop), never more than ``troops``: it differs
    only in an observation-only sector whose mandate sets ``observer_troops``. Read the need
    of a sector through :meth:`need`.
    """

    troops: int
    tasks: frozenset[str]
    overrides: tuple[str, ...] = ()
    observer_troops: int | None = None

    @property
    def observation_only(self) -> bool:
        """Whether the sector's tasks are all monitoring (or none): observers may serve here."""
        return self.tasks <= OBSERVATION_TASKS

    @property
    def least(self) -> int:
        """The fewest troops that can meet the requirement (observers alone, where they may)."""
        return self.troops if self.observer_troops is None else self.observer_troops

    def need(self, observers_only: bool) -> int:
        """Troops the sector needs: ``observer_troops`` when ``observers_only`` (observers
        alone hold it, see :func:`planner.domain.roles.held_by_observers`), else ``troops``.
        The one definition the checker, the optimizer, the pre-checks and the warm start
        read."""
        return self.least if observers_only else self.troops


@dataclass(frozen=True)
class SectorInfo:
    sector_id: str
    phase: int  # the phase whose increment opens it
    population: int
    area_km2: float
    tags: frozenset[str]  # attributes that do not change with the phase
    handed_over: int | None = None  # the phase from which it is an authority's, not the force's
    authority: str | None = None  # who takes it over then

    def open_in(self, phase: int) -> bool:
        """Whether the force holds the sector in ``phase``: opened, not yet handed over."""
        return self.phase <= phase and (self.handed_over is None or phase < self.handed_over)


# column -> tag prefix
TAG_COLUMNS = {"borders": "border", "coasts": "coast", "zones": "zone", "lines": "line"}


def sector_tags(row) -> frozenset[str]:
    """Static tags of a sector row: ``all``, ``urban``, ``coastal``, ``border:<neighbour>``,
    ``coast:<name>`` and ``zone:<name>`` (from the ``;``-joined columns; a missing column
    gives none)."""
    tags = {"all"}
    if row["urban"]:
        tags.add("urban")
    if row["coastal"]:
        tags.add("coastal")
    for column, prefix in TAG_COLUMNS.items():
        value = row.get(column)
        text = value if isinstance(value, str) else ""
        tags |= {f"{prefix}:{n}" for n in text.split(";") if n}
    return frozenset(tags)


@dataclass(frozen=True)
class SectorTable:
    """Sectors of a scenario with their per-phase facts and adjacency (see the module docstring).

    Parameters
    ----------
    sectors
        Sector layer in the scenario's metric CRS with the attribute columns.
    held
        The held area of each phase (``Scenario.zones.held``), metric CRS.
    phases
        Phase numbers in order.
    touch_m, min_contact_m, crossing_points, crossing_m
        See :class:`geo.attributes.Surroundings`.
    held_by_party
        Per phase, each named party's held ground (``Scenario.zones.held_by_party``), or
        None: a sector along a party's ground gets the tag ``contact:<party>`` besides
        ``contact_line``.
    scenario
        What plan files record of the scenario (``Scenario.identity``: name and content
        hash), or None: plan files written over this table carry it, and plan files read
        against it must have been made for it (:mod:`planner.files.planfile`).
    """

    sectors: gpd.GeoDataFrame
    held: Mapping[int, shapely.Geometry]
    phases: tuple[int, ...]
    touch_m: float = 25.0
    min_contact_m: float = 200.0
    crossing_points: gpd.GeoDataFrame | None = None
    crossing_m: float = 1000.0
    scenario: Mapping | None = None
    held_by_party: Mapping[int, Mapping[str, shapely.Geometry]] | None = None

    @cached_property
    def info(self) -> dict[str, SectorInfo]:
        cols = ["sector_id", "phase", "population", "area_km2", "urban", "coastal"]
        cols += [c for c in TAG_COLUMNS if c in self.sectors.columns]
        cols += [c for c in HANDOVER_COLUMNS if c in self.sectors.columns]
        rows = self.sectors[cols].to_dict(orient="records")
        return {str(r["sector_id"]): SectorInfo(str(r["sector_id"]), int(r["phase"]),
                                                int(r["population"]), float(r["area_km2"]),
                                                sector_tags(r), *handover_of(r))
                for r in rows}

    @cached_property
    def ids(self) -> list[str]:
        return list(self.info)

    def open_in(self, phase: int) -> list[str]:
        """Sectors the force holds in ``phase``: opened by then (their increment vacated)
        and not yet handed over to an authority."""
        return [s for s, i in self.info.items() if i.open_in(phase)]

    def is_open(self, phase: int, sector_id: str) -> bool:
        """Whether ``sector_id`` is one of :meth:`open_in` ``phase``."""
        info = self.info.get(sector_id)
        return info is not None and info.open_in(phase)

    def when_open(self, sector_id: str) -> str:
        """When the force holds the sector, in words: "it opens in phase 2", with "and is
        handed over to LAF in phase 3" when it is."""
        info = self.info[sector_id]
        text = f"it opens in phase {info.phase}"
        if info.handed_over is not None:
            text += f" and is handed over to {info.authority} in phase {info.handed_over}"
        return text

    @cached_property
    def keys(self) -> list[Key]:
        """Every (phase, sector) a plan must cover, in a stable order."""
        return [(p, s) for p in self.phases for s in self.open_in(p)]

    def _geoms(self) -> dict[str, shapely.Geometry]:
        return dict(zip(self.sectors["sector_id"].astype(str), self.sectors.geometry.values))

    @cached_property
    def contact(self) -> dict[Key, bool]:
        """Whether each open sector lies on the held area's edge in each phase."""
        out, geoms = {}, self._geoms()
        for p in self.phases:
            open_ = self.open_in(p)
            km = contact_km([geoms[s] for s in open_], self.held[p], self.touch_m)
            out.update({(p, s): bool(k * 1000 >= self.min_contact_m) for s, k in zip(open_, km)})
        return out

    @cached_property
    def contact_parties(self) -> dict[Key, frozenset[str]]:
        """The parties each open sector is in contact with in each phase (only where the
        held layer names parties)."""
        out: dict[Key, frozenset[str]] = {}
        if not self.held_by_party:
            return out
        geoms = self._geoms()
        for p in self.phases:
            open_ = self.open_in(p)
            found = {s: set() for s in open_}
            for party, ground in self.held_by_party.get(p, {}).items():
                km = contact_km([geoms[s] for s in open_], ground, self.touch_m)
                for s, k in zip(open_, km):
                    if k * 1000 >= self.min_contact_m:
                        found[s].add(party)
            out.update({(p, s): frozenset(v) for s, v in found.items() if v})
        return out

    @cached_property
    def crossings(self) -> dict[Key, str]:
        """Crossings each open sector holds in each phase (``;``-joined names): a crossing
        belongs to the nearest sector open in that phase (within ``crossing_m``), so it is
        counted once per phase."""
        if self.crossing_points is None:
            return {}
        out, geoms = {}, self._geoms()
        for p in self.phases:
            open_ = self.open_in(p)
            names = crossing_names([geoms[s] for s in open_], self.crossing_points,
                                   self.crossing_m)
            out.update({(p, s): n for s, n in zip(open_, names) if n})
        return out

    def tags(self, phase: int, sector_id: str) -> frozenset[str]:
        """Tags of a sector in a phase: static tags plus ``contact_line`` and ``crossing``
        when they apply in that phase."""
        return self._tags[(phase, sector_id)]

    @cached_property
    def _tags(self) -> dict[Key, frozenset[str]]:
        out = {}
        for p, s in self.keys:
            tags = set(self.info[s].tags)
            if self.contact.get((p, s)):
                tags.add("contact_line")
            if (p, s) in self.crossings:
                tags.add("crossing")
            tags |= {f"contact:{party}" for party in self.contact_parties.get((p, s), ())}
            out[(p, s)] = frozenset(tags)
        return out

    @cached_property
    def neighbours(self) -> dict[str, frozenset[str]]:
        ids = self.sectors["sector_id"].astype(str).tolist()
        out = {s: set() for s in ids}
        for i, j in adjacency_pairs(self.sectors.geometry.values).tolist():
            out[ids[i]].add(ids[j])
            out[ids[j]].add(ids[i])
        return {s: frozenset(n) for s, n in out.items()}

    def requirement(self, phase: int, sector_id: str, mandate) -> Requirement:
        """Troops and tasks the sector needs in ``phase`` under ``mandate``: its rates and
        minimum, or those of the mandate's overrides for the sector's tags."""
        info = self.info[sector_id]
        terms = self.terms(phase, sector_id, mandate)
        density = terms.troops_per_1000 * info.population / 1000 + \
            terms.troops_per_km2 * info.area_km2
        troops = max(int(terms.troops_min), math.ceil(density - 1e-9))
        observers = None
        if terms.observer_troops is not None and terms.tasks <= OBSERVATION_TASKS \
                and terms.observer_troops < troops:
            observers = int(terms.observer_troops)
        return Requirement(troops, terms.tasks, terms.overrides, observers)

    def terms(self, phase: int, sector_id: str, mandate):
        """The mandate's terms for this sector in ``phase`` (see :meth:`Mandate.terms`)."""
        return mandate.terms(self.tags(phase, sector_id))

    def requirements(self, mandate) -> dict[Key, Requirement]:
        """:meth:`requirement` for every key, computed once per mandate (do not modify)."""
        memo = self._requirements
        if memo.get(mandate.key, (None,))[0] is not mandate:
            memo[mandate.key] = (mandate, {(p, s): self.requirement(p, s, mandate)
                                           for p, s in self.keys})
        return memo[mandate.key][1]

    @cached_property
    def _requirements(self) -> dict:
        return {}


def sector_table(scenario, sectors: gpd.GeoDataFrame | None = None) -> SectorTable:
    """The :class:`SectorTable` of ``scenario`` (its own sector layer unless one is given)."""
    layer = sectors if sectors is not None else scenario.layers.sectors
    if layer is None:
        raise ValueError(f"scenario {scenario.name!r} has no sector layer")
    g = scenario.geography
    zones = scenario.zones
    return SectorTable(layer, zones.held, tuple(scenario.phase_numbers),
                       g.touch_m, g.min_contact_m, scenario.layers.crossings, g.crossing_m,
                       scenario.identity, zones.held_by_party if zones.parties else None)


HANDOVER_COLUMNS = ("handover_phase", "authority")


def handover_of(row) -> tuple[int | None, str | None]:
    """A sector row's handover: the phase from which an authority holds it, and which (the
    layer's ``handover_phase`` and ``authority`` columns; missing or empty: never)."""
    phase, who = row.get("handover_phase"), row.get("authority")
    try:
        phase = None if phase is None or pd.isna(phase) else int(phase)
    except (TypeError, ValueError):
        phase = None
    who = who if isinstance(who, str) and who.strip() else None
    return (phase, who) if phase is not None and who is not None else (None, None)


def opening_facts(table: SectorTable) -> tuple[list[bool], list[str]]:
    """``contact_line`` and ``crossings`` of each row of ``table.sectors`` in the phase the
    sector opens: the layer columns, with the table's meaning."""
    opens = [(table.info[s].phase, s) for s in table.sectors["sector_id"].astype(str)]
    return ([table.contact.get(k, False) for k in opens],
            [table.crossings.get(k, "") for k in opens])
