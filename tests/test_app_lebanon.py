"""The page on the second bundled scenario (southern Lebanon 2006): it opens with the
scenario's disclaimer and example plan, the optimizer's plan applies, and a new session
finds it again."""
import pytest

from apppage import click, hard_count, open_app, widget
from planner.domain.scenario import BUNDLED_SCENARIOS

LEBANON = BUNDLED_SCENARIOS[1]


@pytest.fixture(autouse=True)
def lebanon(monkeypatch):
    monkeypatch.setenv("PLANNER_SCENARIO", str(LEBANON))


def test_the_page_opens_on_lebanon_with_its_disclaimer_phases_and_example_plan():
    at = open_app()
    assert any("ILLUSTRATIVE" in c.value for c in at.caption)
    assert widget(at, "selectbox", "phase|").options == [
        "Phase 1: late August 2006", "Phase 2: mid-September 2006",
        "Phase 3: 1 October 2006 (northern Ghajar kept)"]
    assert hard_count(at) > 0  # the example plan's mistakes


def test_optimize_then_apply_then_a_new_session_keeps_the_plan_that_breaks_nothing():
    at = open_app()
    click(at, "Optimize")
    assert any(i.value.startswith("Optimizer: ") for i in at.info)
    click(at, "Apply")
    assert hard_count(at) == 0
    again = open_app()  # a new tab: the latest revision is restored from the plan store
    assert hard_count(again) == 0
