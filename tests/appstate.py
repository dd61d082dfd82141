"""Helpers for tests of the app's state model: an Env over a real scenario and plan store."""
from __future__ import annotations

from planner.domain.plan import Plan
from planner.domain.working import Working, default_settings
from planner.ui import actions
from planner.files.workspace import Tables
from planner.ui.panels import starting_plan
from planner.ui.state import Env

_TABLES: dict = {}


def env_for(scenario, store, author="alice", seconds=5.0) -> Env:
    """An Env whose scenario and sector tables are shared by every test of ``scenario``
    (tables are keyed by content, so sharing them across stores is sound)."""
    tables = _TABLES.setdefault(id(scenario), (scenario, Tables(store, scenario)))[1]
    tables.store = store
    return Env(store, scenario, author=author, scenario_for=tables.scenario,
               table_for=tables.table, solve_seconds=seconds)


def opened(env):
    """The app state a new tab opens: the scenario's example plan in a new store."""
    base = env.table_for(Working(Plan({}), default_settings(env.base)))
    return actions.open_plan(env, fallback=starting_plan(env.base, base))
