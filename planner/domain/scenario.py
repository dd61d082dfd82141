"""The scenario: what a planner plans over (read from files by :mod:`planner.files.scenario_file`)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import geopandas as gpd
import pyproj

from geo.attributes import URBAN_RESIDENTS, URBAN_SHARE, Surroundings
from geo.errors import Problem
from geo.zones import PhaseZones

if TYPE_CHECKING:  # rules know the scenario's types at run time, not the other way round
    from planner.rules.base import Rule

TASKS = ("monitoring", "separation", "humanitarian", "policing", "enforcement", "disarmament")
# What a contingent is for. Ground units garrison sectors; observers man observation posts
# (sectors whose only task is monitoring); the others hold no ground: they count towards the
# force (its troops, shares, nations) but deploy to no sector (see planner.domain.roles).
ROLES = ("ground", "observers", "logistics", "staff", "naval")
GROUND_ROLES = ("ground", "observers")  # the roles that may lead or put troops in a sector
TASK_TRIGGERS = ("all", "contact_line", "crossing", "urban", "coastal")
# A sector tag names one of these followed by a name: the neighbour of a land border, the
# `name` of a coast line, the `zone` of a context zone (``border:Egypt``, ``zone:C``).
# ``line:<name>`` is a sector along a named line, ``contact:<party>`` one on the contact line
# with that party's held ground (in the phase).
TAG_PREFIXES = ("border:", "coast:", "zone:", "line:", "contact:")
SEVERITIES = ("hard", "soft")
DATA = Path(__file__).resolve().parents[2] / "data"
BUNDLED = DATA / "gaza-isf"
BUNDLED_SCENARIOS = (BUNDLED, DATA / "south-lebanon")  # the first is the default
LAYER_SPECS = {  # name -> (geometry kind, required)
    "territory": ("polygon", True), "held": ("polygon", True),
    "population": ("polygon", True), "places": ("point", True),
    "borders": ("line", True), "sectors": ("polygon", False), "zones": ("polygon", False),
    "handover": ("polygon", False), "lines": ("line", False),
}


def is_trigger(text: str) -> bool:
    """Whether ``text`` has the form of a sector tag a mandate, rule or preference can name."""
    return text in TASK_TRIGGERS or any(text.startswith(p) and len(text) > len(p)
                                        for p in TAG_PREFIXES)


@dataclass(frozen=True)
class Phase:
    phase: int
    label: str


@dataclass(frozen=True)
class Override:
    """What a mandate asks of sectors with one tag, instead of its general terms.

    Each field left None keeps the mandate's own; ``tasks`` replaces the sector's tasks.
    """

    trigger: str
    troops_per_1000: float | None = None
    troops_per_km2: float | None = None
    troops_min: int | None = None
    tasks: tuple[str, ...] | None = None
    observer_troops: int | None = None


@dataclass(frozen=True)
class Terms:
    """The terms a sector is held to under a mandate, once its overrides apply.

    ``overrides`` lists the triggers of the overrides that changed something, in order;
    ``observer_troops`` is what a sector held only by observers needs (None: the normal
    requirement, see :meth:`planner.domain.sectors.SectorTable.requirement`).
    """

    troops_per_1000: float
    troops_per_km2: float
    troops_min: int
    tasks: frozenset[str]
    overrides: tuple[str, ...] = ()
    observer_troops: int | None = None


@dataclass(frozen=True)
class Mandate:
    """A mandate's troop density and the tasks each kind of sector needs under it.

    ``tasks`` maps a trigger (``all``, ``contact_line``, ``crossing``, ``urban``, ``coastal``,
    ``border:<neighbour>``, ``coast:<name>`` or ``zone:<name>``) to the tasks a sector with
    that tag requires. ``overrides`` replace the general terms for sectors with a tag, in
    order: when several apply, the last one listed wins for each field it sets.
    ``observer_troops``: troops enough for an observation-only sector held only by observers
    (None: the normal requirement).
    """

    key: str
    label: str
    troops_per_1000: float
    troops_per_km2: float
    troops_min: int
    tasks: Mapping[str, tuple[str, ...]]
    overrides: tuple[Override, ...] = ()
    observer_troops: int | None = None

    def terms(self, tags) -> Terms:
        """Troop rates, minimum and tasks for a sector with ``tags``."""
        values = {"troops_per_1000": self.troops_per_1000, "troops_per_km2": self.troops_per_km2,
                  "troops_min": self.troops_min, "observer_troops": self.observer_troops,
                  "tasks": frozenset(t for trigger, ts in self.tasks.items() if trigger in tags
                                     for t in ts)}
        applied = []
        for o in self.overrides:
            if o.trigger not in tags:
                continue
            for name in values:
                value = getattr(o, name)
                if value is not None:
                    values[name] = frozenset(value) if name == "tasks" else value
            applied.append(o.trigger)
        return Terms(**values, overrides=tuple(applied))


@dataclass(frozen=True)
class Contingent:
    """One nation's pledged force.

    ``unit``: its troops deploy in whole units of this many (None: the scenario's
    ``troop_unit``; read it with :func:`unit_of`). It serves from phase ``available_from``
    to phase ``available_until`` (None: to the end). ``role``: one of :data:`ROLES`.
    """

    code: str
    name: str
    troops: int
    tasks: frozenset[str]
    mandates: frozenset[str]
    available_from: int
    prefers: tuple[str, ...] = ()
    unit: int | None = None
    available_until: int | None = None
    role: str = "ground"

    def serves_in(self, phase: int) -> bool:
        """Whether the contingent is available in ``phase``."""
        return self.available_from <= phase and (self.available_until is None
                                                 or phase <= self.available_until)

    @property
    def holds_ground(self) -> bool:
        """Whether its role lets it lead or put troops in a sector (ground, observers)."""
        return self.role in GROUND_ROLES


def unit_of(contingent: Contingent | None, troop_unit: int) -> int:
    """The troop unit of ``contingent``: its own, else the scenario's ``troop_unit``.

    The one place this is decided: the optimizer, the pre-checks, the warm start, the
    checker and the app all ask through here (``Scenario.unit_of``, ``RuleContext.unit_of``).
    """
    return contingent.unit if contingent is not None and contingent.unit else troop_unit


@dataclass(frozen=True)
class Veto:
    """A stakeholder bars ``nation`` from ``sectors`` (None: everywhere) in ``phases``
    (None: every phase)."""

    id: str
    by: str
    nation: str
    sectors: tuple[str, ...] | None
    note: str = ""
    phases: tuple[int, ...] | None = None

    def bars(self, nation: str, sector: str, phase: int | None = None) -> bool:
        """Whether this veto keeps ``nation`` out of ``sector`` (in ``phase``, when given)."""
        return (self.nation == nation and (self.sectors is None or sector in self.sectors)
                and (phase is None or self.phases is None or phase in self.phases))


@dataclass(frozen=True)
class Geography:
    """How sector attributes are measured (metres; residents per km²), and layer repair.

    A distance left None takes a share of the territory's size when the scenario is loaded
    (:func:`geo.attributes.scaled_distances`); see :class:`geo.attributes.Surroundings`.
    ``repair`` repairs invalid polygons (in the file or once projected) with a warning.
    """

    urban_density: float = 5000.0
    urban_share: float = URBAN_SHARE
    urban_residents: float = URBAN_RESIDENTS
    touch_m: float | None = None
    border_m: float | None = None
    crossing_m: float | None = None
    min_contact_m: float | None = None
    repair: bool = False


@dataclass(frozen=True)
class Sectoring:
    """How the scenario's sectors are cut when it ships no sector layer (or is regenerated)."""

    counts: Mapping[int, int]
    balance: str = "population"
    seed: int = 0
    cell_m: float | None = None  # smallest cell side in metres (None: from the zone's size)


@dataclass(frozen=True)
class Layers:
    """Validated layers, all projected to the scenario's metric CRS."""

    territory: gpd.GeoDataFrame
    held: gpd.GeoDataFrame
    population: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    borders: gpd.GeoDataFrame
    sectors: gpd.GeoDataFrame | None
    warnings: tuple[Problem, ...] = ()  # repairs made, gaps and slivers found
    zones: gpd.GeoDataFrame | None = None  # context zones: polygons with a `zone` name
    context: Mapping[str, gpd.GeoDataFrame] = field(default_factory=dict)  # drawn, exported
    handover: gpd.GeoDataFrame | None = None  # polygons with `phase` and `authority`
    lines: gpd.GeoDataFrame | None = None  # named agreed lines: `name`

    @property
    def crossings(self) -> gpd.GeoDataFrame:
        return self.places[self.places["kind"].astype(str).str.strip().str.lower()
                           == "crossing"]


@dataclass(frozen=True)
class Scenario:
    root: Path
    name: str
    description: str
    disclaimer: str
    crs: pyproj.CRS
    phases: tuple[Phase, ...]
    mandates: Mapping[str, Mandate]
    contingents: tuple[Contingent, ...]
    vetoes: tuple[Veto, ...]
    rules: tuple[Rule, ...]  # as the file states them; planner.rules.bind resolves them
    geography: Geography
    troop_unit: int
    sectoring: Sectoring
    layers: Layers = field(repr=False)
    marking: str = ""  # e.g. "UNCLASSIFIED // ILLUSTRATIVE": heads every briefing page
    digest: str = ""  # content hash of scenario.yaml and its layer files (see identity)

    @property
    def phase_numbers(self) -> list[int]:
        return [p.phase for p in self.phases]

    def mandate_key(self, key: str | None = None) -> str:
        """``key`` when it names one of the mandates; the first mandate's key when None.

        Raises
        ------
        ValueError
            ``key`` names no mandate of the scenario.
        """
        key = next(iter(self.mandates)) if key is None else key
        if key not in self.mandates:
            raise ValueError(f"`mandate` must be one of {', '.join(self.mandates)}; got {key!r}")
        return key

    def unit_of(self, code: str) -> int:
        """Troops of contingent ``code`` move in whole units of this size (see
        :func:`unit_of`; a code not in the scenario gets the ``troop_unit``)."""
        return unit_of(self.contingent(code), self.troop_unit)

    def contingent(self, code: str) -> Contingent | None:
        return next((c for c in self.contingents if c.code == code), None)

    @property
    def identity(self) -> dict:
        """What a plan file records of the scenario it was made for: name and content hash."""
        return {"name": self.name, "hash": self.digest}

    def phase_label(self, phase: int) -> str:
        return next((p.label for p in self.phases if p.phase == phase), f"Phase {phase}")

    @cached_property
    def zones(self) -> PhaseZones:
        """Held areas, vacated zones and increments of every phase, each computed once."""
        return PhaseZones(self.layers.territory, self.layers.held, tuple(self.phase_numbers),
                          self.layers.handover)

    def surroundings(self) -> Surroundings:
        """The layers sector attributes are measured against."""
        g = self.geography
        return Surroundings(self.layers.population, self.layers.crossings, self.layers.borders,
                            urban_density=g.urban_density, urban_share=g.urban_share,
                            urban_residents=g.urban_residents, touch_m=g.touch_m,
                            border_m=g.border_m, crossing_m=g.crossing_m,
                            min_contact_m=g.min_contact_m)

    def with_changes(self, **changes) -> "Scenario":
        """A copy with some fields replaced (what-if: contingents out, vetoes off, ...).

        The derived zones go along while the territory, held areas and phases are the same.
        """
        new = replace(self, **changes)
        zones = self.__dict__.get("zones")
        if zones is not None and new.layers is not None \
                and new.layers.territory is zones.territory \
                and new.layers.held is zones.held_layer and new.phases == self.phases \
                and new.layers.handover is zones.handover_layer:
            new.__dict__["zones"] = zones
        return new


