"""Helpers for driving the real page with streamlit.testing.v1.AppTest.

Widget keys end with the app state's epoch (see planner/ui/state.py), so tests find widgets by
the start of their key.
"""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_app(timeout=120):
    """A new session of the page (a new tab); the scenario and workspace come from the
    environment (PLANNER_SCENARIO, PLANNER_WORKSPACE)."""
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    assert not at.exception, at.exception
    return at


def page_app(at):
    """The app state of the page's session (the scenario in use)."""
    return at.session_state["apps"][at.session_state["scenario_path"]]


def widgets(at, kind: str, prefix: str) -> list:
    return [w for w in getattr(at, kind) if w.key and str(w.key).startswith(prefix)]


def widget(at, kind: str, prefix: str):
    """The one widget of ``kind`` whose key starts with ``prefix``."""
    found = widgets(at, kind, prefix)
    assert len(found) == 1, f"{len(found)} {kind} widgets with keys starting {prefix!r}"
    return found[0]


def click(at, label: str):
    """Click the button labelled ``label`` and run the page."""
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def hard_count(at) -> int:
    text = next(m.value for m in at.markdown if "hard** and" in m.value)
    return int(text.split("**")[1].split()[0])


def assignments(at):
    """The assignment table of the page (the frame with a ``sector`` column)."""
    return next(d.value for d in at.dataframe if "sector" in d.value.columns)


def lead_in_table(at, sector):
    return assignments(at).set_index("sector").loc[sector, "lead"]


_TABLES: dict = {}


def page_view(at, scenario):
    """The :class:`planner.ui.view.View` of the page's app state, computed the way the page
    computes it (same store, same scenario), for checking what the page shows."""
    import os

    from planner.files.store import PlanStore
    from planner.files.workspace import Tables
    from planner.ui.state import Env
    from planner.ui.view import view_of
    folder = os.environ["PLANNER_WORKSPACE"]
    key = (folder, id(scenario))
    if key not in _TABLES:
        _TABLES.clear()
        store = PlanStore(folder)
        _TABLES[key] = (store, Tables(store, scenario))
    store, tables = _TABLES[key]
    env = Env(store, scenario, scenario_for=tables.scenario, table_for=tables.table)
    return view_of(page_app(at), env)


def store():
    """The plan store of the app's workspace (``$PLANNER_WORKSPACE``)."""
    import os

    from planner.files.store import PlanStore
    return PlanStore(os.environ["PLANNER_WORKSPACE"])


SHOWN = ("markdown", "caption", "success", "error", "info", "title")


def shown(at, kinds=SHOWN) -> str:
    """Every text of ``kinds`` the page shows, Markdown escapes removed."""
    texts = [m.value for kind in kinds for m in getattr(at, kind)]
    return "\n".join(texts).replace("\\", "")

