"""The Streamlit page, driven by streamlit.testing.v1.AppTest (the real app script)."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_app_opens_on_the_bundled_scenario_with_its_disclaimer():
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Withdrawal-Zone Planner"
    assert any("ILLUSTRATIVE" in c.value for c in at.caption)
    assert at.selectbox[0].options == ["Phase 1: yellow line", "Phase 2",
                                       "Phase 3: security perimeter"]


def test_app_shows_a_clear_error_for_a_broken_scenario(tmp_path, monkeypatch):
    (tmp_path / "scenario.yaml").write_text("name: [\n", encoding="utf-8")
    monkeypatch.setenv("PLANNER_SCENARIO", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "invalid YAML" in at.error[0].value
