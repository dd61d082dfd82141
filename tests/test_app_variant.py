"""The page on a scenario variant (tests/data/variants/gaza-bangladesh extends the bundled Gaza
scenario): it opens on the variant's force, and the optimizer's plan applies without a hard
violation."""
from pathlib import Path

import pytest

from apppage import click, hard_count, open_app

VARIANT = Path(__file__).resolve().parent / "data" / "variants" / "gaza-bangladesh"


@pytest.fixture(autouse=True)
def variant(monkeypatch):
    monkeypatch.setenv("PLANNER_SCENARIO", str(VARIANT))


def test_the_page_opens_on_the_variant_and_its_optimized_plan_applies():
    at = open_app()
    assert not at.exception
    assert any("ILLUSTRATIVE" in c.value for c in at.caption)  # the base's disclaimer
    assert hard_count(at) > 0  # a new plan: nothing assigned yet
    click(at, "Optimize")
    click(at, "Apply")
    assert hard_count(at) == 0 and not at.exception
    force = next(w for w in at.multiselect if w.label.startswith("Contingents in the force"))
    assert force.options[-1] == "BGD" and "TUR" not in force.options
    scenarios = next(w for w in at.selectbox if w.label == "Scenario")
    assert scenarios.value == str(VARIANT)
    assert scenarios.options[0] == "Gaza ISF, Bangladesh for Türkiye (illustrative)"
