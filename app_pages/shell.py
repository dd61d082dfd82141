"""What every page of the app shares: the scenario in use, the plan store, the session's app
state and the callbacks that run actions on it.

Everything per session lives in ``st.session_state`` (this module is imported once per
server process): ``ss.apps`` holds one :class:`planner.ui.state.AppState` per scenario the
session opened, ``ss.scenario_path`` the one in use.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import streamlit as st

from geo.errors import InputError
from planner.domain.plan import Plan
from planner.domain.working import Working, default_settings
from planner.files.scenario_file import load_scenario
from planner.files.store import PlanStore
from planner.ui import actions
from planner.files.workspace import Tables
from planner.ui.panels import starting_plan
from planner.ui.state import Env

ss = st.session_state
DATA = Path(__file__).resolve().parents[1] / "data"


def poll_seconds() -> float:
    """How often a page looks for revisions other planners saved (seconds; 0: never)."""
    return float(os.environ.get("PLANNER_POLL_SECONDS") or 3)


POLL_SECONDS = poll_seconds()


def folder_of(path: str) -> str:
    """A scenario folder as one absolute path (``data/x``, ``./data/x/`` and
    ``data/x/scenario.yaml`` are the same scenario)."""
    p = Path(path).expanduser()
    p = p.parent if p.name == "scenario.yaml" else p
    return str(p.resolve())


def bundled_scenarios() -> list[str]:
    """The folders of the scenarios shipped in ``data/``, PLANNER_SCENARIO's first."""
    chosen = os.environ.get("PLANNER_SCENARIO")
    found = [folder_of(chosen)] if chosen else []
    found += [folder_of(str(p.parent)) for p in sorted(DATA.glob("*/scenario.yaml"))]
    return list(dict.fromkeys(found))


@st.cache_resource(show_spinner="Loading scenario ...")
def cached_scenario(path: str):
    return load_scenario(path)


@st.cache_resource
def cached_store(folder: str | None):
    return PlanStore(folder)


@st.cache_resource
def cached_tables(folder: str | None, path: str):
    return Tables(cached_store(folder), cached_scenario(path))


def start():
    """Open the scenario and store of this session and its app state; stop the page with a
    clear message when either cannot be opened. Returns the :class:`Env`."""
    default = folder_of(os.environ.get("PLANNER_SCENARIO") or str(DATA / "gaza-isf"))
    path = ss.setdefault("scenario_path", default)
    workspace = os.environ.get("PLANNER_WORKSPACE") or None
    try:
        scenario = cached_scenario(path)
        store = cached_store(workspace)
    except InputError as exc:
        st.error(f"The scenario or the plan store cannot be opened:\n\n{exc}")
        st.stop()
    tables = cached_tables(workspace, path)
    if "author" not in ss and st.query_params.get("author"):
        ss.author = st.query_params["author"]  # kept in the address across reloads
    env = Env(store, scenario, author=ss.get("author", ""), scenario_for=tables.scenario,
              table_for=tables.table)
    ss.env = env
    apps = ss.setdefault("apps", {})
    if path not in apps:  # a new tab, or after a restart: the latest revision of the last plan
        base = tables.table(Working(Plan({}), default_settings(scenario)))
        apps[path] = actions.open_plan(env, fallback=starting_plan(scenario, base))
    # widget keys carry the epoch: no two scenarios' states may share one in a session
    seen = ss.get("epoch_seen", -1)
    if path != ss.get("epoch_path") and apps[path].epoch <= seen:
        apps[path] = replace(apps[path], epoch=seen + 1)
    ss.epoch_path, ss.epoch_seen = path, max(seen, apps[path].epoch)
    return env


def basemap_url() -> str | None:
    """The basemap's tile URL: ``PLANNER_BASEMAP`` names a tile URL template on the local
    network (``http://tiles.local/{z}/{x}/{y}.png``) or a local folder of XYZ tiles, which
    is served from the app's static folder. Without it no tile is requested from anywhere."""
    chosen = os.environ.get("PLANNER_BASEMAP")
    if not chosen:
        return None
    if "{z}" in chosen:
        return chosen
    return local_tiles(Path(chosen))


@st.cache_resource
def local_tiles(folder: Path) -> str | None:
    """A folder of ``z/x/y.png`` tiles served by Streamlit's static serving, and its URL
    template; None when it holds no tiles. A folder inside ``static/`` is served where it
    is; another is hard-linked (copied across file systems) into ``static/basemaps/`` once,
    as the static serving refuses links that lead out of ``static/``."""
    import hashlib
    import shutil
    static = Path(__file__).resolve().parents[1] / "static"
    tiles = sorted(folder.glob("*/*/*.*")) if folder.is_dir() else []
    if not tiles:
        st.warning(f"PLANNER_BASEMAP: {folder} holds no z/x/y tiles; no basemap is shown.")
        return None
    source = folder.resolve()
    if source.is_relative_to(static):
        served = source
    else:
        served = static / "basemaps" / hashlib.sha256(str(source).encode()).hexdigest()[:12]
        for tile in tiles:
            target = served / tile.relative_to(folder)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(tile, target)
                except OSError:
                    shutil.copy2(tile, target)
    return f"/app/static/{served.relative_to(static).as_posix()}/{{z}}/{{x}}/{{y}}{tiles[0].suffix}"


def app():
    """The app state of the scenario in use."""
    return ss.apps[ss.scenario_path]


def put(state) -> None:
    ss.apps[ss.scenario_path] = state


# --- callbacks: each runs one action with the value its widget holds ----------------------
def act(action, *args, **kw):
    put(action(app(), ss.env, *args, **kw))


def act_on(key, action, *args):
    """An action taking the value of widget ``key`` as its last argument."""
    put(action(app(), ss.env, *args, ss[key]))


def act_key(key, action):
    """A button's action taking the value of another widget ``key`` (when it has one)."""
    if ss.get(key):
        put(action(app(), ss.env, ss[key]))


def plain(action):
    """An action that needs neither the store nor a widget value (discard, dismiss)."""
    put(action(app()))


def view_on(key, action):
    """A view choice made in its own box (phase, sector)."""
    put(action(app(), ss[key], by_its_box=True))


def upload(key, action, *args):
    file = ss[key]
    if file is not None:
        put(action(app(), ss.env, *args, file.name, file.getvalue()))


@st.fragment(run_every=POLL_SECONDS if POLL_SECONDS > 0 else None)
def watch_store():
    """Notice a revision saved by another planner within a few seconds (and on every rerun).
    ``PLANNER_POLL_SECONDS=0`` turns live updates off: the page then learns of other
    planners' revisions only when its own save is merged with them."""
    if poll_seconds() <= 0:
        return
    fresh = actions.refresh(app(), ss.env)
    if fresh is not app():
        put(fresh)
        st.rerun()


def scenario_switch() -> None:
    """A box choosing among the bundled scenarios (each keeps its own plans)."""
    paths = bundled_scenarios()
    if len(paths) < 2:
        return
    names = {p: _name(p) for p in paths}

    def switch():
        ss.scenario_path = ss["scenario_choice"]
    st.selectbox("Scenario", paths, index=paths.index(ss.scenario_path)
                 if ss.scenario_path in paths else 0, key="scenario_choice",
                 format_func=lambda p: names[p], on_change=switch)


def _name(path: str) -> str:
    try:
        return cached_scenario(path).name
    except InputError:
        return f"{Path(path).name} (cannot be loaded)"


def remember_author() -> None:
    """Keep the name given for the history in the page's address (a reload keeps it)."""
    if ss.get("author"):
        st.query_params["author"] = ss.author
    else:
        st.query_params.pop("author", None)
