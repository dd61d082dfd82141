"""The Compare page, driven by streamlit.testing.v1.AppTest (the real multipage app):
choosing A and B, the requests the Plan page sends, what-if variants solved into named plans,
and applying them as one revision of the working plan."""

import pytest

from apppage import click, open_app, page_app, shown, store, widget

COMPARE = "app_pages/compare.py"


@pytest.fixture(autouse=True)
def no_polling(monkeypatch):
    monkeypatch.setenv("PLANNER_POLL_SECONDS", "0")


def on_compare(at):
    at.switch_page(COMPARE).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Compare plans"
    return at


def changed_sectors(at) -> list[str]:
    return list(at.dataframe[0].value["sector"])


def edit_lead(at, sector, lead):
    widget(at, "selectbox", "selected|").select(sector).run()
    widget(at, "selectbox", f"lead|1|{sector}|").select(lead).run()
    assert not at.exception, at.exception


def test_a_history_entry_opens_the_revision_against_the_working_plan():
    at = open_app()
    edit_lead(at, "P1-S12", "IDN")
    edit_lead(at, "P1-S03", "EGY")
    state = page_app(at)
    widget(at, "selectbox", "revision|").set_value(state.revision - 2).run()
    widget(at, "button", "compare|").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Compare plans"
    assert "compare_request" not in at.session_state  # honoured once, then cleared
    assert widget(at, "selectbox", "cmp_kind|a|").value == "revision"
    assert widget(at, "selectbox", "cmp_rev|a|").value == state.revision - 2
    assert widget(at, "selectbox", "cmp_kind|b|").value == "working"
    assert changed_sectors(at) == ["P1-S03", "P1-S12"]
    assert "B differs from A: 2 lead changes" in shown(at)
    # choosing another revision for A: only the last edit differs
    widget(at, "selectbox", "cmp_rev|a|").select(state.revision - 1).run()
    assert changed_sectors(at) == ["P1-S03"]
    # a row's sector is chosen in the box: it is the one selected in both maps
    widget(at, "selectbox", "cmp_sector|").select("P1-S03").run()
    assert at.session_state[f"compare|{at.session_state['scenario_path']}"].sector == "P1-S03"
    assert store().latest_number(state.name) == state.revision  # comparing writes nothing


def test_the_optimizers_proposal_compared_in_detail_then_applied_as_one_revision():
    at = open_app()
    before = page_app(at).revision
    widget(at, "button", "optimize|").click().run()
    assert page_app(at).proposal is not None
    click(at, "Compare in detail")
    assert at.title[0].value == "Compare plans"
    assert widget(at, "selectbox", "cmp_kind|b|").value == "proposal"
    assert "optimizer's proposal" in shown(at) and changed_sectors(at)
    assert store().latest_number(page_app(at).name) == before  # nothing written yet
    click(at, "Apply the proposal")
    state = page_app(at)
    assert state.proposal is None and state.revision == before + 1
    assert store().revision(state.name).message.startswith("optimize: ")
    # the page now shows what the apply did: the revision before against the working plan
    assert widget(at, "selectbox", "cmp_kind|a|").value == "revision"
    assert widget(at, "selectbox", "cmp_kind|b|").value == "working"


def test_choosing_a_saved_plan_an_uploaded_file_and_swapping(gaza):
    at = open_app()
    state = page_app(at)
    other = state.work.with_settings(mandate="chapter-vii")
    store().save("other", other, base=None, author="bob", message="under VII",
                 scope=gaza.name)
    edit_lead(at, "P1-S12", "IDN")
    on_compare(at)
    widget(at, "selectbox", "cmp_kind|a|").select("saved").run()
    assert widget(at, "selectbox", "cmp_saved|a|").value == "other"
    assert widget(at, "selectbox", "cmp_saved_rev|a|").value is None  # its latest
    text = shown(at)
    assert "plan 'other' (latest, revision 1: under VII)" in text
    assert "Chapter VII" in text and "Chapter VI" in text
    # an uploaded plan file: a valid one compares, a bad one is named and writes nothing
    at.session_state["compare_files"] = {
        "bad.csv": b"phase,sector_id,nation,troops,lead\n1,P1-S01,QQQ,100,1\n"}
    at.session_state["compare_request"] = {"a": ("working",), "b": ("file", "bad.csv")}
    at.run()
    assert not at.exception, at.exception
    refused = shown(at)
    assert "bad.csv cannot be compared (nothing was written)" in refused
    assert "row 1 (line 2) (id 'P1-S01'): column 'nation': value 'QQQ': unknown nation" in refused
    assert store().names(gaza.name) == ["main", "other"]
    click(at, "⇄ Swap")
    assert widget(at, "selectbox", "cmp_kind|a|").value == "file"
    assert widget(at, "selectbox", "cmp_kind|b|").value == "working"


@pytest.mark.parametrize("which", ["gaza", "mini"])
def test_a_what_if_variant_is_solved_into_a_named_plan_and_applied_on_request(
        which, mini_dir, monkeypatch):
    if which == "mini":
        monkeypatch.setenv("PLANNER_SCENARIO", str(mini_dir))
    at = on_compare(open_app())
    state = page_app(at)
    out = "IDN" if which == "gaza" else "BBB"
    widget(at, "multiselect", "v_out|").set_value([out])
    click(at, "Solve the variant")
    name = f"{state.name}~without-{out}"
    variant = store().revision(name)
    assert variant.number == 1 and variant.message.startswith(f"what-if: without {out} (")
    assert out not in variant.working(_scenario(at)).settings.force
    after = page_app(at)
    assert (after.revision, after.work) == (state.revision, state.work)  # untouched
    assert store().latest_number(state.name) == state.revision
    assert f"saved as revision 1 of '{name}'" in shown(at)
    assert widget(at, "selectbox", "cmp_kind|b|").value == "variant"
    assert widget(at, "selectbox", "cmp_variant|b|").value == name
    click(at, f"Apply '{name}' revision 1 to the working plan")
    applied = page_app(at)
    assert applied.revision == state.revision + 1
    assert applied.work == variant.working(_scenario(at))
    assert store().revision(state.name).message == f"apply what-if '{name}' revision 1"
    assert f"Applied '{name}' revision 1 as revision {applied.revision}." in shown(at)


def test_an_infeasible_variant_shows_why_and_saves_nothing():
    at = on_compare(open_app())
    widget(at, "selectbox", "v_mandate|").select("chapter-vii")
    click(at, "Solve the variant")
    text = shown(at)
    assert "No plan for the what-if (Chapter VII" in text
    assert "disarmament" in text and "R-TASKS" in text
    assert store().names() == ["main"]


def _scenario(at):
    from planner.files.scenario_file import load_scenario
    return load_scenario(at.session_state["scenario_path"])
