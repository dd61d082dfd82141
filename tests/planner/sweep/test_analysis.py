"""Analyses of a results file, on hand-made rows whose answers are known; case lists;
the progress bar's rate and time left."""
from __future__ import annotations

import io

import pytest

from geo.errors import InputError
from planner.progress import Progress
from planner.sweep.analysis import (criticality, minimal_coalitions, nation_outcomes,
                                    report_data, veto_costs)
from planner.sweep.cases import (drop_coalitions, read_coalitions, subset_coalitions,
                                 veto_settings)
from planner.sweep.report import report_text
from planner.sweep.results import frame_from_rows


def row(coalition, feasible, vetoes="on", troops=None, soft=None, by="solver"):
    return {"case": f"m|{vetoes}|1|{coalition}", "coalition": coalition,
            "size": len([c for c in coalition.split("+") if c]), "mandate": "m",
            "vetoes": vetoes, "troop_scale": 1.0, "feasible": feasible,
            "status": {True: "OPTIMAL", False: "INFEASIBLE", None: "UNKNOWN"}[feasible],
            "decided_by": by, "troops": troops, "peak_troops": troops, "soft_penalty": soft,
            "hard_violations": 0 if feasible else None, "rules": None, "explanation": None,
            "seconds": 0.1, "scenario": "x", "options": "{}"}


@pytest.fixture
def frame():
    """A, B, C: A with either other staffs the mandate; lifting the veto lets B+C do it
    and saves troops."""
    return frame_from_rows([
        row("A+B+C", True, troops=300, soft=2.0), row("A+B", True, troops=320, soft=1.0),
        row("A+C", True, troops=310, soft=0.0), row("B+C", False), row("A", False),
        row("B", False, by="pre-check"), row("C", None),
        row("A+B+C", True, "off", 250, 0.0), row("A+B", True, "off", 300, 1.0),
        row("A+C", True, "off", 310, 0.0), row("B+C", True, "off", 400, 0.0),
        row("A", False, "off"), row("B", False, "off", by="pre-check"), row("C", False, "off"),
    ])


def test_minimal_coalitions_are_feasible_ones_with_no_feasible_sub_coalition(frame):
    found = {r["vetoes"]: r["coalitions"] for r in minimal_coalitions(frame)}
    assert found == {"on": [["A", "B"], ["A", "C"]], "off": [["A", "B"], ["A", "C"], ["B", "C"]]}


def test_criticality_counts_feasible_coalitions_a_departure_breaks(frame):
    on = {r["nation"]: (r["breaks"], r["of"]) for r in criticality(frame) if r["vetoes"] == "on"}
    # A: ABC->BC and AB->B fail; AC->C is unknown (out of time), so not counted.
    # B: ABC->AC holds, AB->A fails. C: ABC->AB holds, AC->A fails.
    assert on == {"A": (2, 2), "B": (1, 2), "C": (1, 2)}
    assert [r["nation"] for r in criticality(frame) if r["vetoes"] == "on"][0] == "A"


def test_veto_cost_counts_coalitions_lost_and_the_mean_extra_troops_and_penalty(frame):
    (cost,) = veto_costs(frame)
    assert cost["veto"] == "all vetoes" and cost["coalitions"] == 7
    assert (cost["feasible_lifted"], cost["feasible_on"], cost["lost"]) == (4, 3, 1)
    assert cost["extra_troops"] == pytest.approx((50 + 20 + 0) / 3)
    assert cost["extra_soft_penalty"] == pytest.approx((2 + 0 + 0) / 3)


def test_nation_outcomes_split_the_cases_holding_each_nation(frame):
    a = {r["outcome"]: r["cases"] for r in nation_outcomes(frame) if r["nation"] == "A"}
    assert a == {"feasible": 6, "infeasible (solver)": 2, "infeasible (pre-check)": 0,
                 "unknown": 0}
    c = {r["outcome"]: r["cases"] for r in nation_outcomes(frame) if r["nation"] == "C"}
    assert c["unknown"] == 1 and c["infeasible (solver)"] == 2


def test_report_text_names_minimal_coalitions_critical_nations_and_veto_cost(frame):
    text = report_text(report_data(frame))
    assert "m, vetoes on, troops x1: 7 cases, 3 feasible, 1 infeasible by the pre-checks, " \
           "2 by the solver, 1 unknown" in text
    assert "    A + B\n    A + C\n" in text
    assert "A          2 of 2" in text
    assert "all vetoes: 1 of 4 feasible coalitions lost; where both work, +23 troops" in text


def test_drop_and_subset_coalitions_count_as_combinatorics_says():
    codes = ["A", "B", "C", "D"]
    assert drop_coalitions(codes, 1) == [("A", "B", "C", "D"), ("A", "B", "C"), ("A", "B", "D"),
                                         ("A", "C", "D"), ("B", "C", "D")]
    assert len(drop_coalitions(codes, 2)) == 1 + 4 + 6
    assert len(subset_coalitions(codes, 0)) == 16 and len(subset_coalitions(codes, 3)) == 5


def test_coalition_file_puts_codes_in_scenario_order_and_names_bad_lines(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("# pledges\nC, A\nB+A  # second\n\nA C\n", encoding="utf-8")
    assert read_coalitions(path, ["A", "B", "C"]) == [("A", "C"), ("A", "B")]
    path.write_text("A,B\nA,ZZZ,A\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_coalitions(path, ["A", "B", "C"])
    text = str(err.value)
    assert "c.txt: line 2: field 'code': value 'ZZZ': unknown contingent" in text
    assert "line 2: field 'code': value 'A': contingent named twice" in text


def test_veto_settings_expand_each_and_refuse_unknown_vetoes():
    assert veto_settings(["on", "each"], ["V1", "V2"], file="s.yaml") == \
        ["on", "without:V1", "without:V2"]
    with pytest.raises(InputError, match=r"--vetoes'?: value 'without:V9'"):
        veto_settings(["without:V9"], ["V1"], file="s.yaml")


def test_progress_shows_rate_and_time_left_from_the_steps_done_since_it_started():
    now = [100.0]
    out = io.StringIO()
    bar = Progress(10, "cases", stream=out, done=4, rate=True, clock=lambda: now[0])
    now[0] += 2.0
    bar()  # 1 step in 2 s: 0.5/s, 5 left
    now[0] += 2.0
    bar()  # 2 steps in 4 s: 0.5/s, 4 left
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("5/10 cases 0.5/s, 10 s left")
    assert lines[1].endswith("6/10 cases 0.5/s, 8 s left")


def test_progress_in_a_log_prints_at_most_one_line_per_interval_and_the_last():
    now = [0.0]
    out = io.StringIO()
    bar = Progress(5, "cases", stream=out, every_s=10, clock=lambda: now[0])
    for _ in range(5):
        now[0] += 1
        bar()
    assert [line.split("] ")[1] for line in out.getvalue().splitlines()] == \
        ["1/5 cases", "5/5 cases"]
