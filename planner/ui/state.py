"""The app's state: one immutable object the page renders, changed only by actions.

The rule every Streamlit page that edits shared data must keep
---------------------------------------------------------------
The plan is the one source of truth; widgets are views of it. A widget that keeps a value of
its own (``st.session_state[key]``) after the plan changed underneath it (optimize, undo,
import, another planner) would write that stale value back on its next event. So:

1. The whole working state lives in :class:`AppState`, with no Streamlit in it, and changes only
   through the plain functions of :mod:`planner.ui.actions` (``state = edit_lead(state, env,
   ...)``), each writing at most one revision to the plan store.
2. Every widget key includes :attr:`AppState.epoch`, which every action increments: after any
   change the page draws fresh widgets whose values come from the plan, and a widget of an
   older epoch can never fire again. (The one exception: a view choice made in its own box,
   the sector or the phase, changes no value any other widget shows, so it keeps the epoch
   and the page does not redraw every widget under the planner's pointer.)
3. A widget changes the plan only in its own ``on_change`` callback, with the value the user
   entered in it, by calling an action.
4. The page keeps no unsaved change: every write is a revision (autosave), so the plan shown
   is always the store's latest revision the session knows of, and a download or a change of
   view writes nothing.

Tests drive these functions directly and through the page (``tests/planner/ui``,
``tests/test_app*.py``), checking those invariants after every step.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from planner.domain.plan import Key, Plan
from planner.domain.working import Settings, Working

UNDO_LIMIT = 50  # states undo can walk back through (after reopening: saved revisions)


@dataclass(frozen=True)
class Proposal:
    """An optimizer result waiting for the planner: Apply makes it a revision, Discard drops it.

    ``revision`` and ``settings`` are those of the working state it was computed for: it is
    current only while the session is still there.
    """

    result: Any  # planner.solver.optimize.SolveResult
    revision: int
    settings: Settings
    least_change: bool
    best_effort: bool = False  # the least-bad plan, asked for when no plan keeps every rule


@dataclass(frozen=True)
class Solved:
    """An applied optimizer result, shown while the plan is still the one it produced."""

    result: Any
    revision: int
    settings: Settings
    best_effort: bool = False


@dataclass(frozen=True)
class ConflictItem:
    """One unit both planners changed differently since the common parent."""

    unit: tuple             # ("sector", phase, sector_id) | ("setting", name) | ("cut", phase)
    label: str              # plain words for the unit
    mine: str               # plain words for my value
    theirs: str             # plain words for their value


@dataclass(frozen=True)
class Conflict:
    """A save refused because another planner changed the same things; nothing was written.

    ``base`` is the parent both changes start from, ``mine`` the state the refused save
    wanted, ``theirs`` the revision saved since (the session now shows it).
    """

    base: Working
    mine: Working
    theirs_revision: int
    theirs_author: str
    items: tuple[ConflictItem, ...]
    message: str            # what the refused save was ("edit P1-S03 (phase 1)")
    changed_by_them: tuple[str, ...]


@dataclass(frozen=True)
class AppState:
    """Everything the page shows (see the module docstring).

    Parameters
    ----------
    name, revision
        The named plan in the store and the revision :attr:`work` is saved as.
    work
        The working state: plan, settings, re-cut phases, scenario copy.
    past, future
        Working states undo and redo move to (each move is saved as a revision).
    phase, selected
        The view: the phase shown and the sector selected in it.
    epoch
        Incremented by every action; part of every widget key.
    proposal, solved
        The optimizer's result waiting to be applied, or the one applied last.
    conflict
        A refused save waiting for the planner's choice.
    notice, error
        A message about the last action (merged, reloaded; or refused input).
    focus
        What the map was asked to zoom to (a sector or a place), until the phase changes.
    """

    name: str
    revision: int
    work: Working
    phase: int
    past: tuple[Working, ...] = ()
    future: tuple[Working, ...] = ()
    selected: str | None = None
    epoch: int = 0
    proposal: Proposal | None = None
    solved: Solved | None = None
    conflict: Conflict | None = None
    notice: str | None = None
    error: str | None = None
    focus: tuple | None = None  # what the map zooms to: ("sector", id) or ("place", name)

    @property
    def plan(self) -> Plan:
        return self.work.plan

    @property
    def settings(self) -> Settings:
        return self.work.settings

    def current(self, record: Proposal | Solved | None) -> bool:
        """Whether ``record`` was computed for the working state shown now."""
        return (record is not None and record.revision == self.revision
                and record.settings == self.work.settings)

    def locked(self, phase: int, sector: str) -> bool:
        return (phase, sector) in self.work.plan.pins


@dataclass
class Env:
    """What actions run against: the plan store, the scenarios and who is working.

    ``scenario_for(work)`` gives the scenario a working state is made over (the base one, or a
    copy with an uploaded layer) and ``table_for(work)`` its sector table (re-cut phases
    included); both are cached by content, so they cost nothing on a rerun.
    """

    store: Any                                   # planner.files.store.PlanStore
    base: Any                                    # the scenario the session opened
    author: str = ""
    scenario_for: Callable[[Working], Any] = None
    table_for: Callable[[Working], Any] = None
    solve_seconds: float = 10.0
    caches: dict = field(default_factory=dict)

    def __post_init__(self):
        from planner.files.workspace import Tables
        tables = Tables(self.store, self.base)
        self.scenario_for = self.scenario_for or tables.scenario
        self.table_for = self.table_for or tables.table


def sector_phase(key: Key) -> str:
    """``P1-S03 (phase 1)``."""
    return f"{key[1]} (phase {key[0]})"


__all__ = ["AppState", "Conflict", "ConflictItem", "Env", "Proposal", "Solved", "UNDO_LIMIT",
           "sector_phase"]
