"""Shared fixtures: the mini scenario (see factory.py) and the bundled Gaza scenario."""
from __future__ import annotations

import copy

import pytest

from factory import MINI_YAML, write_scenario


@pytest.fixture
def mini_doc():
    """A deep copy of the mini scenario's YAML mapping, free to edit."""
    return copy.deepcopy(MINI_YAML)


@pytest.fixture
def mini_dir(tmp_path):
    """The mini scenario written to a temporary folder."""
    return write_scenario(tmp_path / "mini")


@pytest.fixture
def mini(mini_dir):
    from planner.files.scenario_file import load_scenario
    return load_scenario(mini_dir)


@pytest.fixture(scope="session")
def gaza():
    from planner.files.scenario_file import load_scenario
    return load_scenario()


@pytest.fixture(autouse=True)
def workspace(tmp_path, monkeypatch):
    """Every test gets a plan store of its own: nothing is written to ./workspace."""
    folder = tmp_path / "workspace"
    monkeypatch.setenv("PLANNER_WORKSPACE", str(folder))
    return folder


@pytest.fixture(scope="session")
def mini_shared(tmp_path_factory):
    """The mini scenario loaded once for the session (read-only use)."""
    from planner.files.scenario_file import load_scenario
    return load_scenario(write_scenario(tmp_path_factory.mktemp("mini") / "mini"))
