"""The What-if sweeps page, driven by streamlit.testing.v1.AppTest (the real multipage app):
a small sweep run on the mini scenario with its analyses, a case opened as a what-if result in
Compare, a sweep too large for the page refused, and uploaded results files read or refused."""
import io
import os
from pathlib import Path

import pytest

from apppage import open_app, page_app, store, widget
from apppage import shown as page_shown
from planner.sweep.analysis import report_data
from planner.sweep.results import frame_from_rows, read_results

WHAT_IF = "app_pages/what_if.py"


@pytest.fixture(autouse=True)
def no_polling(monkeypatch):
    monkeypatch.setenv("PLANNER_POLL_SECONDS", "0")


def shown(at) -> str:
    """Every text the page shows (warnings and code too), Markdown escapes removed."""
    return page_shown(at, ("markdown", "caption", "success", "error", "info", "warning",
                           "title", "code"))


def on_what_if(at):
    at.switch_page(WHAT_IF).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "What-if sweeps"
    return at


def press(at, label_start: str):
    next(b for b in at.button if b.label.startswith(label_start)).click().run()
    assert not at.exception, at.exception
    return at


def table_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_a_small_sweep_shows_its_analyses_and_a_case_opens_in_compare(mini_dir, monkeypatch):
    monkeypatch.setenv("PLANNER_SCENARIO", str(mini_dir))
    at = on_what_if(open_app())
    state = page_app(at)
    widget(at, "multiselect", "wi_vetoes|").set_value(["on", "off"]).run()
    assert "10 cases; 0 already decided in " in shown(at)
    press(at, "Run the sweep (10 cases to decide)")
    text = shown(at)
    assert "10 cases: 10 decided now" in text
    (path,) = (Path(os.environ["PLANNER_WORKSPACE"]) / "sweeps").glob("*.parquet")
    assert f"Results: {path}" in text
    # the analyses are the file's, as planner sweep report computes them, group by group
    data = report_data(read_results(path))
    outcomes = table_with(at, "infeasible (pre-check)")
    assert outcomes["feasible"].tolist() == [r["feasible"] for r in data["summary"]]
    assert table_with(at, "veto lifted")["veto lifted"].tolist() == ["all vetoes"]
    for vetoes in ("off", "on"):
        title = f"VI, vetoes {vetoes}, troops x1"
        widget(at, "selectbox", "wi_group|").select(title).run()
        (group,) = [r for r in data["minimal_coalitions"] if r["vetoes"] == vetoes]
        assert table_with(at, "coalition")["coalition"].tolist() == \
            [" + ".join(c) for c in group["coalitions"]]
        assert table_with(at, "breaks")["breaks"].tolist() == \
            [r["breaks"] for r in data["criticality"] if r["vetoes"] == vetoes]
        assert [i.captions for i in at.image] == [["Outcome of every case, by nation"],
                                                  [f"Criticality: {title}"]]  # the charts
    # an infeasible case says why and offers nothing to open
    box = widget(at, "selectbox", "wi_case|")
    box.select("chapter-vi|on|1|BBB+CCC+DDD").run()
    assert "No plan for this case" in shown(at)
    assert not [b for b in at.button if b.label == "Open in Compare"]
    # a feasible one is solved again, saved as a what-if result and shown in Compare
    widget(at, "selectbox", "wi_case|").select("chapter-vi|off|1|AAA+BBB+CCC").run()
    press(at, "Open in Compare")
    assert at.title[0].value == "Compare plans"
    name = "main~sweep-without-DDD-chapter-vi-vetoes-off"
    assert widget(at, "selectbox", "cmp_kind|a|").value == "working"
    assert widget(at, "selectbox", "cmp_kind|b|").value == "variant"
    assert widget(at, "selectbox", "cmp_variant|b|").value == name
    saved = store().revision(name)
    assert saved.message.startswith("what-if: sweep case without DDD; VI; vetoes off; troops x1")
    assert saved.working(_mini(mini_dir)).settings.force == ("AAA", "BBB", "CCC")
    assert (page_app(at).revision, page_app(at).work) == (state.revision, state.work)
    assert store().latest_number(state.name) == state.revision
    # back on the page, the same sweep is found in its file: nothing left to decide
    on_what_if(at)
    widget(at, "multiselect", "wi_vetoes|").set_value(["on", "off"]).run()
    assert "10 cases; 10 already decided in " in shown(at)
    assert [b.label for b in at.button if b.label.startswith("Show the sweep")]


def _mini(folder):
    from planner.files.scenario_file import load_scenario
    return load_scenario(folder)


def test_a_sweep_too_large_for_the_page_is_refused_with_the_command_line():
    at = on_what_if(open_app())
    widget(at, "multiselect", "wi_mandates|").set_value(["chapter-vi", "chapter-vii"]).run()
    widget(at, "radio", "wi_kind|").set_value("subsets").run()
    widget(at, "number_input", "wi_min|").set_value(0).run()
    text = shown(at)
    assert "This sweep has 512 cases; the page runs at most 300." in text
    assert "planner sweep --scenario " in text and "--subsets --min-size 0" in text
    assert not [b for b in at.button if b.label.startswith("Run the sweep")]
    widget(at, "number_input", "wi_min|").set_value(5).run()  # 93 coalitions x 2 mandates
    assert not at.error and "186 cases; 0 already decided" in shown(at)


def row(coalition, feasible, troops=None):
    return {"case": f"chapter-vi|on|1|{coalition}", "coalition": coalition,
            "size": len(coalition.split("+")), "mandate": "chapter-vi", "vetoes": "on",
            "troop_scale": 1.0, "feasible": feasible,
            "status": "OPTIMAL" if feasible else "INFEASIBLE",
            "decided_by": "solver" if feasible else "pre-check", "troops": troops,
            "peak_troops": troops, "soft_penalty": 0.0 if feasible else None,
            "hard_violations": 0 if feasible else None, "rules": None if feasible else "R-TASKS",
            "explanation": None if feasible else "No contingent in the force accepts separation",
            "seconds": 0.1, "scenario": "elsewhere", "options": "{}"}


def test_an_uploaded_results_file_is_shown_and_a_bad_one_refused(gaza):
    at = on_what_if(open_app())
    assert "No results yet" in shown(at)
    buffer = io.BytesIO()
    frame_from_rows([row("IDN+PAK+EGY", True, 40_000), row("IDN+PAK", False),
                     row("IDN+EGY", False), row("PAK+EGY", False)]).to_parquet(buffer)
    at.session_state["whatif_file"] = "(upload a results file)"
    at.session_state["whatif_upload"] = ("pledges.parquet", buffer.getvalue())
    at.run()
    assert not at.exception, at.exception
    text = shown(at)
    assert "pledges.parquet: 4 cases. 4 of 4 cases were swept on other scenario content" in text
    minimal = table_with(at, "coalition")
    assert minimal["coalition"].tolist() == ["IDN + PAK + EGY"]
    assert minimal["troops (all phases)"].tolist() == [40_000]
    critical = table_with(at, "breaks").set_index("nation")
    assert critical.loc[["IDN", "PAK", "EGY"], "breaks"].tolist() == [1, 1, 1]
    at.session_state["whatif_upload"] = ("bad.parquet", b"not a results file")
    at.run()
    assert not at.exception, at.exception
    assert "bad.parquet cannot be read (nothing was kept)" in shown(at)
    assert "bad.parquet: not a Parquet file" in shown(at)
    assert store().names() == ["main"]
    assert not (Path(os.environ["PLANNER_WORKSPACE"]) / "sweeps").exists()
