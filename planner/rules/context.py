"""What every rule runs against: one protocol for checking a plan and for building a model.

A rule kind's ``check`` reads a :class:`planner.rules.situation.Situation` (a plan seen
against a scenario); its ``encode`` writes into a :class:`planner.solver.model.Model`; what
it says about who may be where is asked by the pre-checks and the warm start through a
:class:`planner.solver.problem.PlanProblem`. All three are a :class:`RuleContext`: the
sector table, the mandate, the contingents in play, the vetoes in force and the troop unit.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Protocol, Sequence

if TYPE_CHECKING:  # the domain model holds rules; rules only read its types
    from planner.domain.scenario import Contingent, Mandate, Veto
    from planner.domain.sectors import Key, Requirement, SectorTable


class RuleContext(Protocol):
    """The ground a rule is read on (see the module docstring).

    ``mandate`` is the :class:`Mandate` in force (functions that take a mandate *key* call
    it ``mandate: str``); ``keys`` and ``phases`` are those being checked or planned.
    """

    table: SectorTable
    mandate: Mandate
    contingents: Mapping[str, Contingent]
    vetoes: tuple[Veto, ...]
    unit: int

    @property
    def keys(self) -> Sequence[Key]: ...

    @property
    def phases(self) -> Sequence[int]: ...

    @property
    def requirements(self) -> Mapping[Key, Requirement]: ...


def vetoed(vetoes, nation: str, sector: str) -> list:
    """The vetoes barring ``nation`` from ``sector``."""
    return [v for v in vetoes if v.nation == nation and (v.sectors is None or sector in v.sectors)]
