"""The Streamlit page, driven by streamlit.testing.v1.AppTest (the real app script)."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from apppage import (assignments, click, hard_count, lead_in_table, open_app, widget)

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_app_opens_on_the_bundled_scenario_with_its_disclaimer():
    at = open_app()
    assert at.title[0].value == "Withdrawal-Zone Planner"
    assert any("ILLUSTRATIVE" in c.value for c in at.caption)
    assert widget(at, "selectbox", "phase|").options == [
        "Phase 1: yellow line", "Phase 2", "Phase 3: security perimeter",
        "Phase 4: civil police take over (illustrative)"]
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
    widget(at, "selectbox", "selected|").select("P1-S12").run()  # TUR leads it: vetoed
    widget(at, "selectbox", "lead|1|P1-S12|").select("IDN").run()
    widget(at, "number_input", "troops|1|P1-S12|TUR|").set_value(0).run()
    widget(at, "number_input", "troops|1|P1-S12|IDN|").set_value(300).run()
    assert not at.exception
    assert hard_count(at) < before
    assert not any("TUR in P1-S12 (phase 1)" in b.label for b in at.button)
    for _ in range(3):
        click(at, "Undo")
    assert any("TUR in P1-S12 (phase 1)" in b.label for b in at.button)
    assert hard_count(at) == before


def test_troops_that_are_not_whole_units_are_refused_and_the_box_shows_the_plan():
    at = open_app()
    widget(at, "selectbox", "selected|").select("P1-S12").run()
    widget(at, "number_input", "troops|1|P1-S12|TUR|").set_value(275).run()
    assert any("units of 50" in e.value for e in at.error)
    assert widget(at, "number_input", "troops|1|P1-S12|TUR|").value == 300


def test_choosing_a_violation_selects_its_sector():
    at = open_app()
    veto = next(b for b in at.button if "P1-S12" in b.label and "vetoed" in b.label)
    veto.click().run()
    assert widget(at, "selectbox", "selected|").value == "P1-S12"


def test_optimize_proposes_a_plan_that_applies_as_one_revision():
    at = open_app()
    click(at, "Optimize")
    assert not at.exception
    assert any(i.value.startswith("Optimizer: ") and "Applying it changes" in i.value
               for i in at.info)
    assert hard_count(at) > 0  # nothing applied yet
    click(at, "Apply")
    assert hard_count(at) == 0
    assert any(s.value.startswith("Optimizer: ") for s in at.success)


def test_optimize_under_chapter_vii_explains_why_no_plan_exists():
    at = open_app()
    widget(at, "radio", "mandate|").set_value("chapter-vii").run()
    click(at, "Optimize")
    assert any("disarmament" in e.value for e in at.error)
    widget(at, "radio", "mandate|").set_value("chapter-vi").run()
    assert not any("disarmament" in e.value for e in at.error)  # that answer was for VII


def test_assignment_table_lists_the_phase_sectors_with_leads_troops_and_locks():
    # AppTest shows st.data_editor as a read-only frame; edits go through
    # planner.ui.actions.edit_sectors, tested in tests/planner/ui/test_actions.py
    at = open_app()
    frame = assignments(at)
    assert frame["sector"].tolist()[:2] == ["P1-S01", "P1-S02"] and len(frame) == 12
    row = frame.set_index("sector").loc["P1-S12"]
    assert row["lead"] == "TUR" and row["TUR"] == 300 and not row["locked"]


def test_recutting_a_phase_changes_its_sector_count_and_a_reload_keeps_it():
    at = open_app()
    widget(at, "selectbox", "phase|").select(2).run()
    widget(at, "number_input", "count|2|").set_value(6).run()
    click(at, "Re-cut this phase's sectors")
    warning = next(w.value for w in at.warning if "Re-cut phase 2 into 6" in w.value)
    assert "4 sectors (P2-S01, P2-S02, P2-S03, P2-S04)" in warning and "cleared" in warning
    assert len([s for s in widget(at, "selectbox", "selected|").options
                if s.startswith("P2-")]) == 4  # nothing happens before the planner confirms
    click(at, "Re-cut")
    assert not at.exception
    sectors = widget(at, "selectbox", "selected|").options
    assert [s for s in sectors if s.startswith("P2-")] == [f"P2-R1-S{i:02d}" for i in range(1, 7)]
    assert assignments(at).set_index("sector").loc["P2-R1-S06", "lead"] == ""
    again = open_app()
    widget(again, "selectbox", "phase|").select(2).run()
    assert len([s for s in widget(again, "selectbox", "selected|").options
                if s.startswith("P2-")]) == 6


def test_recutting_more_sectors_than_cells_shows_the_error():
    at = open_app()
    widget(at, "number_input", "count|1|").set_value(100000).run()
    click(at, "Re-cut this phase's sectors")
    click(at, "Re-cut")
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
    assert [r for r in assignments(at)["sector"]][:1] == ["P1-S0001"]
    assert len(assignments(at)) == 100
    at.number_input(key="table_page|1").set_value(3).run()
    assert assignments(at)["sector"].tolist() == [f"P1-S{i:04d}" for i in range(201, 231)]
    first = {b.label for b in shown}
    at.number_input(key="page|hard").set_value(2).run()
    assert not first & {b.label for b in at.button if b.key and b.key.startswith("v|hard|")}


def change_lead(at, sector, lead, phase=1):
    widget(at, "selectbox", "selected|").select(sector).run()
    widget(at, "selectbox", f"lead|{phase}|{sector}|").select(lead).run()
    assert not at.exception, at.exception


def test_every_edit_is_saved_and_a_new_session_finds_the_latest_revision():
    at = open_app()
    change_lead(at, "P1-S03", "EGY")
    widget(at, "radio", "mandate|").set_value("chapter-vii").run()
    again = open_app()  # a new tab, or the app after a server restart
    assert lead_in_table(again, "P1-S03") == "EGY"
    assert widget(again, "radio", "mandate|").value == "chapter-vii"
    assert "revision 3" in " ".join(e.label for e in again.expander)


def test_two_planners_on_different_sectors_are_merged_and_the_same_sector_asks(monkeypatch):
    monkeypatch.setenv("PLANNER_POLL_SECONDS", "0")  # no live updates: saves meet stale bases
    first, second = open_app(), open_app()  # two planners on the same plan
    change_lead(first, "P1-S03", "EGY")
    change_lead(second, "P1-S04", "ITA")  # based on revision 1: merged
    assert any("merged with revision 2" in i.value for i in second.info)
    assert lead_in_table(second, "P1-S03") == "EGY" and lead_in_table(second, "P1-S04") == "ITA"
    theirs, mine = [c for c in ("IDN", "PAK", "EGY", "ITA")
                    if c != lead_in_table(first, "P1-S05")][:2]
    change_lead(first, "P1-S05", theirs)  # first is behind now, and...
    change_lead(second, "P1-S05", mine)  # ...second changes the same sector-phase
    warning = second.warning[0].value
    assert "was not saved" in warning
    assert lead_in_table(second, "P1-S05") == theirs  # never applied silently
    widget(second, "checkbox", "vetoes|").uncheck().run()  # an unrelated change...
    assert lead_in_table(open_app(), "P1-S05") == theirs  # ...does not carry the refused one
    radio = widget(second, "radio", "conflict|0|")  # and the choice is still waiting
    radio.set_value(radio.options[0]).run()  # mine
    click(second, "Apply my choices")
    assert lead_in_table(open_app(), "P1-S05") == mine


def test_history_panel_restores_a_revision_and_undo_walks_saved_revisions():
    at = open_app()
    original = lead_in_table(at, "P1-S03")
    change_lead(at, "P1-S03", "EGY")
    change_lead(at, "P1-S03", "ITA")
    at = open_app()  # reopened: undo still walks back through the saved revisions
    click(at, "Undo")
    assert lead_in_table(at, "P1-S03") == "EGY"
    widget(at, "selectbox", "revision|").set_value(1).run()
    click(at, "Restore")
    assert lead_in_table(at, "P1-S03") == original
    box = widget(at, "selectbox", "revision|")
    assert any(o.startswith("5: restore revision 1") for o in box.options)


def test_save_as_makes_a_new_plan_that_opens_by_name():
    at = open_app()
    change_lead(at, "P1-S03", "EGY")
    widget(at, "text_input", "save_as|").input("variant").run()
    click(at, "Save as")
    assert "Plan 'variant', revision 1" in [e.label for e in at.expander]
    change_lead(at, "P1-S03", "ITA")
    widget(at, "selectbox", "open_name|").select("main").run()
    click(at, "Open")
    assert lead_in_table(at, "P1-S03") == "EGY"


def test_first_open_says_where_the_plan_comes_from_and_where_to_start():
    at = open_app()
    guide = next(m.value for m in at.markdown if m.value.startswith("**Where to start.**"))
    assert f"with {hard_count(at)} hard violations on purpose" in guide and "Optimize" in guide
    click(at, "Got it")
    assert not any(m.value.startswith("**Where to start.**") for m in at.markdown)
    counts = next(m.value for m in at.markdown if "hard** and" in m.value)
    assert counts.startswith("All phases:")  # the header counts every phase...
    assert any(m.value.startswith("**Hard** in this phase") for m in at.markdown)  # ...lists this


def test_the_force_at_a_glance_shows_offered_deployed_left_share_and_phase_totals():
    at = open_app()
    force = next(d.value for d in at.dataframe if "contingent" in d.value.columns)
    row = force.set_index("contingent").loc["IDN"]
    assert row["offered"] == 8000 and row["left"] == row["offered"] - row["deployed"]
    assert abs(force["share"].sum() - 1.0) < 0.01 and row["sectors led"] >= 1
    assert not force.set_index("contingent").loc["AZE", "available"]  # from phase 2
    totals = next(m.value for m in at.markdown if "sectors need" in m.value)
    assert "12 sectors need" in totals and "deployed" in totals


def test_the_optimizer_answers_in_plain_words_and_offers_the_least_bad_plan():
    at = open_app()
    widget(at, "radio", "mandate|").set_value("chapter-vii").run()
    click(at, "Optimize")
    error = next(e.value for e in at.error if e.value.startswith("Optimizer:"))
    assert "No plan can keep every hard rule under Chapter VII" in error
    click(at, "Show the least-bad plan (it bends hard rules as little as it can)")
    info = next(i.value for i in at.info if i.value.startswith("Optimizer:"))
    assert "A least-bad plan under Chapter VII" in info and "breaks no hard rule" not in info
    click(at, "Apply")
    warning = next(w.value for w in at.warning if w.value.startswith("Optimizer:"))
    assert "least-bad" in warning and "hard condition" in warning
    revision = widget(at, "selectbox", "revision|")
    assert "least-bad plan (chapter-vii)" in revision.options[0]


def test_an_edit_offers_to_carry_the_lead_into_later_phases():
    at = open_app()
    widget(at, "selectbox", "selected|").select("P1-S03").run()
    widget(at, "selectbox", "lead|1|P1-S03|").select("ITA").run()
    click(at, "Also give P1-S03 to ITA, with these troops, in phases 2, 3, 4")
    for phase in (2, 3, 4):
        widget(at, "selectbox", "phase|").select(phase).run()
        assert lead_in_table(at, "P1-S03") == "ITA"


def test_the_lead_is_carried_only_until_the_police_take_the_sector_over():
    at = open_app()
    widget(at, "selectbox", "selected|").select("P1-S07").run()  # the police's from phase 4
    widget(at, "selectbox", "lead|1|P1-S07|").select("ITA").run()
    click(at, "Also give P1-S07 to ITA, with these troops, in phases 2, 3")
    widget(at, "selectbox", "phase|").select(3).run()
    assert lead_in_table(at, "P1-S07") == "ITA"
    widget(at, "selectbox", "phase|").select(4).run()
    assert "P1-S07" not in assignments(at)["sector"].tolist()


def test_finding_a_sector_selects_it_and_an_unknown_one_says_so():
    at = open_app()
    widget(at, "selectbox", "find|").select("P1-S07").run()
    assert widget(at, "selectbox", "selected|").value == "P1-S07"
    widget(at, "selectbox", "find|").select("Rafah").run()  # a place: the map goes there
    assert not at.error


def test_switching_scenarios_keeps_each_scenarios_own_plans(monkeypatch):
    from planner.files.store import PlanStore
    monkeypatch.setenv("PLANNER_SCENARIO", "data/gaza-isf")  # relative, as the README says
    at = open_app()
    gaza_hard = hard_count(at)
    change_lead(at, "P1-S03", "EGY")
    box = widget(at, "selectbox", "scenario_choice")
    assert len(box.options) == len(set(box.options)) == 2  # each scenario listed once
    assert any("Lebanon" in name for name in box.options)
    root = Path(__file__).resolve().parents[1] / "data"
    box.set_value(str(root / "south-lebanon")).run()
    assert not at.exception and not at.error
    assert widget(at, "selectbox", "phase|").value == 1  # Lebanon's own phase box
    assert hard_count(at) != gaza_hard
    name = next(e.label for e in at.expander if e.label.startswith("Plan '"))
    assert name != "Plan 'main', revision 2"  # not Gaza's plan
    change_lead(at, "P1-S01", "ITA")
    store = PlanStore()
    assert store.revision("main").plan.get(1, "P1-S01").lead != "ITA"  # Gaza's untouched
    widget(at, "selectbox", "scenario_choice").set_value(str(root / "gaza-isf")).run()
    assert lead_in_table(at, "P1-S03") == "EGY"


def test_the_name_for_the_history_survives_a_reload():
    at = open_app()
    at.text_input(key="author").input("Alice").run()
    assert at.query_params["author"] == ["Alice"] or at.query_params["author"] == "Alice"
    again = AppTest.from_file(APP, default_timeout=120)
    again.query_params["author"] = "Alice"
    again.run()
    change_lead(again, "P1-S03", "EGY")
    from planner.files.store import PlanStore
    assert PlanStore().revision("main").author == "Alice"
