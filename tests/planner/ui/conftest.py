"""Fixtures for the app's state model: a real plan store in a temporary folder, and each
end-to-end test over two scenarios (the mini one and the bundled Gaza one)."""
import pytest

from planner.files.store import PlanStore


@pytest.fixture
def store(tmp_path):
    return PlanStore(tmp_path / "ws")


@pytest.fixture(params=["mini_shared", "gaza"])
def scenario(request):
    return request.getfixturevalue(request.param)
