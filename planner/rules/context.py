"""What every rule runs against: one protocol for checking a plan and for building a model.

A rule kind's ``check`` reads a :class:`planner.rules.situation.Situation` (a plan seen
against a scenario); its ``encode`` writes into a :class:`planner.solver.model.Model`; what
it says about who may be where is asked by the pre-checks and the warm start through a
:class:`planner.solver.problem.PlanProblem`. All three are a :class:`RuleContext`: the
sector table, the mandate, the contingents in play, the vetoes in force and the troop units
(:meth:`RuleContext.unit_of`, which each implements with :func:`units_of`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Protocol, Sequence

if TYPE_CHECKING:  # the domain model holds rules; rules only read its types
    from planner.domain.scenario import Contingent, Mandate, Veto
    from planner.domain.sectors import Key, Requirement, SectorTable


class RuleContext(Protocol):
    """The ground a rule is read on (see the module docstring).

    ``mandate`` is the :class:`Mandate` in force (functions that take a mandate *key* call
    it ``mandate: str``); ``keys`` and ``phases`` are those being checked or planned;
    ``unit`` is the scenario's ``troop_unit`` and :meth:`unit_of` a contingent's own.
    """

    table: SectorTable
    mandate: Mandate
    contingents: Mapping[str, Contingent]
    vetoes: tuple[Veto, ...]
    unit: int

    def unit_of(self, code: str) -> int: ...

    @property
    def keys(self) -> Sequence[Key]: ...

    @property
    def phases(self) -> Sequence[int]: ...

    @property
    def requirements(self) -> Mapping[Key, Requirement]: ...


def vetoed(vetoes, nation: str, sector: str, phase: int | None = None) -> list:
    """The vetoes barring ``nation`` from ``sector`` (in ``phase``, when given)."""
    return [v for v in vetoes if v.bars(nation, sector, phase)]


def units_of(context, code: str) -> int:
    """``context.unit_of(code)``: the contingent's own unit, else the context's ``unit``
    (one definition: :func:`planner.domain.scenario.unit_of`)."""
    from planner.domain.scenario import unit_of
    return unit_of(context.contingents.get(code), context.unit)
