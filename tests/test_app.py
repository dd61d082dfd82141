"""The Streamlit page, driven by streamlit.testing.v1.AppTest (the real app script)."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_app():
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def hard_count(at):
    text = next(m.value for m in at.markdown if "hard** and" in m.value)
    return int(text.split("**")[1].split()[0])


def test_app_opens_on_the_bundled_scenario_with_its_disclaimer():
    at = open_app()
    assert at.title[0].value == "Withdrawal-Zone Planner"
    assert any("ILLUSTRATIVE" in c.value for c in at.caption)
    assert at.selectbox(key="phase").options == ["Phase 1: yellow line", "Phase 2",
                                                 "Phase 3: security perimeter"]
    assert hard_count(at) > 0  # the example plan breaks rules


def test_app_shows_a_clear_error_for_a_broken_scenario(tmp_path, monkeypatch):
    (tmp_path / "scenario.yaml").write_text("name: [\n", encoding="utf-8")
    monkeypatch.setenv("PLANNER_SCENARIO", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "invalid YAML" in at.error[0].value


def test_selecting_a_sector_and_changing_its_lead_updates_violations_and_undo_restores():
    at = open_app()
    before = hard_count(at)
    at.selectbox(key="selected").select("P1-S12").run()  # TUR leads it: vetoed
    at.selectbox(key="lead|1|P1-S12").select("IDN").run()
    at.number_input(key="troops|1|P1-S12|TUR").set_value(0).run()
    at.number_input(key="troops|1|P1-S12|IDN").set_value(300).run()
    assert not at.exception
    after = hard_count(at)
    assert after < before
    assert not any("TUR in P1-S12 (phase 1)" in b.label for b in at.button)
    for _ in range(3):
        next(b for b in at.button if b.label == "Undo").click().run()
    assert any("TUR in P1-S12 (phase 1)" in b.label for b in at.button)
    assert hard_count(at) == before


def test_choosing_a_violation_selects_its_sector():
    at = open_app()
    veto = next(b for b in at.button if "P1-S12" in b.label and "vetoed" in b.label)
    veto.click().run()
    assert at.selectbox(key="selected").value == "P1-S12"


def test_optimize_replaces_the_plan_with_one_that_keeps_every_hard_rule():
    at = open_app()
    next(b for b in at.button if b.label == "Optimize").click().run()
    assert not at.exception
    assert any(s.value.startswith("Optimizer: ") and "gap" in s.value for s in at.success)
    assert hard_count(at) == 0


def test_optimize_under_chapter_vii_explains_why_no_plan_exists():
    at = open_app()
    at.radio(key="mandate").set_value("chapter-vii").run()
    next(b for b in at.button if b.label == "Optimize").click().run()
    assert any("disarmament" in e.value for e in at.error)


def test_assignment_table_lists_the_phase_sectors_with_leads_and_troops():
    # AppTest shows st.data_editor as a read-only frame; edits are covered through
    # planner.editing.plan_from_rows in tests/planner/test_editing.py
    at = open_app()
    frame = at.dataframe[0].value
    assert frame["sector"].tolist()[:2] == ["P1-S01", "P1-S02"] and len(frame) == 12
    row = frame.set_index("sector").loc["P1-S12"]
    assert row["lead"] == "TUR" and row["TUR"] == 300


def test_recutting_a_phase_changes_its_sector_count_and_clears_their_assignments():
    at = open_app()
    at.selectbox(key="phase").select(2).run()
    count = next(n for n in at.number_input if n.label == "Sectors in this phase")
    count.set_value(6).run()
    next(b for b in at.button if b.label == "Re-cut this phase's sectors").click().run()
    assert not at.exception
    sectors = at.selectbox(key="selected").options
    assert len([s for s in sectors if s.startswith("P2-")]) == 6
    frame = at.dataframe[0].value
    assert frame.set_index("sector").loc["P2-S06", "lead"] == ""


def test_recutting_more_sectors_than_cells_shows_the_error():
    at = open_app()
    count = next(n for n in at.number_input if n.label == "Sectors in this phase")
    count.set_value(100000).run()
    next(b for b in at.button if b.label == "Re-cut this phase's sectors").click().run()
    assert not at.exception
    assert any("cells for 100000 sectors" in e.value for e in at.error)


def test_a_large_phase_is_paged_in_the_violation_list_and_the_table(tmp_path, monkeypatch):
    from bench.synthetic import write_synthetic
    folder = write_synthetic(tmp_path / "s", sectors=(230, 10, 10), contingents=6,
                             rules="planning")
    monkeypatch.setenv("PLANNER_SCENARIO", str(folder))
    at = AppTest.from_file(APP, default_timeout=120).run()  # nothing assigned: ~1,000 violations
    assert not at.exception, at.exception
    assert hard_count(at) > 500
    shown = [b for b in at.button if b.key and b.key.startswith("v|hard|")]
    assert 20 <= len(shown) <= 25  # one page (phase-wide ones are text, not buttons)
    summary = next(m.value for m in at.markdown if m.value.startswith("**Hard**"))
    assert "lead (one_lead_per_sector) 230" in summary
    assert [r for r in at.dataframe[0].value["sector"]][:1] == ["P1-S0001"]
    assert len(at.dataframe[0].value) == 100
    at.number_input(key="table_page|1").set_value(3).run()
    assert at.dataframe[0].value["sector"].tolist() == [f"P1-S{i:04d}" for i in range(201, 231)]
    first = {b.label for b in shown}
    at.number_input(key="page|hard").set_value(2).run()
    assert not first & {b.label for b in at.button if b.key and b.key.startswith("v|hard|")}


def change_lead(at, sector, lead, phase=1):
    at.selectbox(key="selected").select(sector).run()
    at.selectbox(key=f"lead|{phase}|{sector}").select(lead).run()
    assert not at.exception, at.exception


def lead_in_table(at, sector):
    return at.dataframe[0].value.set_index("sector").loc[sector, "lead"]


def test_every_edit_is_saved_and_a_new_session_finds_the_latest_revision():
    at = open_app()
    change_lead(at, "P1-S03", "EGY")
    again = open_app()  # a new tab, or the app after a server restart
    assert lead_in_table(again, "P1-S03") == "EGY"
    assert "revision 2" in " ".join(e.label for e in again.expander)


def test_a_stale_session_is_refused_shown_what_changed_and_can_reload():
    first, second = open_app(), open_app()  # two planners on the same plan
    change_lead(first, "P1-S03", "EGY")
    change_lead(second, "P1-S04", "ITA")  # based on revision 1: refused
    warning = second.warning[0].value
    assert "was not saved" in warning and "P1-S03 (phase 1): lead" in warning
    assert lead_in_table(second, "P1-S04") != "ITA"  # never applied silently
    next(b for b in second.button if b.label == "Reload the latest revision").click().run()
    assert lead_in_table(second, "P1-S03") == "EGY" and not second.warning
    change_lead(second, "P1-S04", "ITA")  # now based on the latest: saved
    assert lead_in_table(open_app(), "P1-S04") == "ITA"


def test_history_panel_restores_a_revision_and_undo_walks_saved_revisions():
    at = open_app()
    original = lead_in_table(at, "P1-S03")
    change_lead(at, "P1-S03", "EGY")
    change_lead(at, "P1-S03", "ITA")
    at = open_app()  # reopened: undo still walks back through the saved revisions
    next(b for b in at.button if b.label == "Undo").click().run()
    assert lead_in_table(at, "P1-S03") == "EGY"
    next(b for b in at.button if b.key == "restore|1").click().run()
    assert lead_in_table(at, "P1-S03") == original
    assert any(b.label.startswith("5: restored revision 1") for b in at.button)


def test_save_as_makes_a_new_plan_that_opens_by_name():
    at = open_app()
    change_lead(at, "P1-S03", "EGY")
    at.text_input(key="save_as_name").input("variant").run()
    next(b for b in at.button if b.label == "Save as").click().run()
    assert "Plan 'variant', revision 1" in [e.label for e in at.expander]
    change_lead(at, "P1-S03", "ITA")
    at.selectbox(key="open_name").select("main").run()
    next(b for b in at.button if b.label == "Open").click().run()
    assert lead_in_table(at, "P1-S03") == "EGY"
