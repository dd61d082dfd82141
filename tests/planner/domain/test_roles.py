"""Every table of the force counts the units that hold no ground as the checker does: the
app's force at a glance and phase totals, the briefing's force table, the Compare page's
contingents, a sweep's troops."""
import copy
from dataclasses import replace

import pytest

from appstate import env_for
from factory import write_scenario
from planner.compare.comparison import compare
from planner.domain.plan import Assignment, Plan
from planner.files.scenario_file import load_scenario
from planner.files.store import PlanStore
from planner.rules.check import check

LOG = {"code": "LOG", "name": "Logland", "troops": 100, "available_from": 1,
       "tasks": ["monitoring"], "mandates": ["chapter-vi"], "role": "logistics"}


@pytest.fixture
def roled(tmp_path, mini_doc):
    mini_doc["contingents"].append(copy.deepcopy(LOG))
    return load_scenario(write_scenario(tmp_path / "roled", mini_doc))


@pytest.fixture
def plan():
    return Plan.from_assignments([
        Assignment(1, "P1-S01", "AAA", {"AAA": 60}), Assignment(1, "P1-S02", "AAA", {"AAA": 30}),
        Assignment(2, "P1-S01", "AAA", {"AAA": 60}), Assignment(2, "P1-S02", "BBB", {"BBB": 30}),
        Assignment(2, "P2-S01", "BBB", {"BBB": 30}),
        Assignment(2, "P2-S02", "CCC", {"CCC": 10, "AAA": 10})])


def test_the_apps_force_tables_count_a_logistics_unit_as_the_checker(roled, plan, tmp_path):
    from appstate import opened
    from planner.domain.working import Working
    from planner.ui.panels import force_rows, phase_totals
    from planner.ui.view import view_of
    env = env_for(roled, PlanStore(tmp_path / "ws"))
    state = opened(env)
    state = replace(state, work=Working(plan, state.work.settings))
    view = view_of(state, env)
    report = check(plan, roled, "chapter-vi")
    rows = {r["contingent"]: r for r in force_rows(view, 1)}
    assert (rows["LOG"]["role"], rows["LOG"]["deployed"], rows["LOG"]["sectors led"]) == \
        ("logistics", 100, 0)
    assert rows["AAA"]["share"] == round(90 / 190, 3)  # of the force: LOG's 100 count
    assert phase_totals(view, 1) == {"phase": 1, "sectors": 2, "required": 90,
                                     "deployed": report.force[1], "off_ground": 100,
                                     "offered": 1000}


def test_the_briefing_and_the_comparison_count_a_logistics_unit_as_the_checker(roled, plan):
    from planner.briefing.tables import force_rows
    report = check(plan, roled, "chapter-vi")
    rows, _ = force_rows(roled, plan, 2, roled.mandates["chapter-vi"])
    log = next(r for r in rows if r[0].startswith("LOG"))
    assert log[:4] == ["LOG Logland (logistics)", "100", "100", f"{100 / 240:.1%}"]
    assert rows[-1][2] == f"{report.force[2]:,}"
    compared = compare(plan, plan.with_troops(2, "P1-S01", "AAA", 70), roled, "chapter-vi")
    figures = {(r.phase, r.nation): (r.a.troops, r.b.troops) for r in compared.contingents}
    assert figures[2, "LOG"] == (100, 100)
    assert figures[2, "AAA"] == (70, 80)


def test_a_sweep_counts_the_force_as_the_checker(roled):
    from planner.domain.sectors import sector_table
    from planner.sweep.cases import Case
    from planner.sweep.decide import decide, solve_case
    from planner.sweep.problem import problem_from_scenario
    problem = problem_from_scenario(roled, sector_table(roled), digest="roled")
    case = Case(tuple(c.code for c in roled.contingents), "chapter-vi", "on", 1.0)
    row = decide(problem, case, time_limit_s=10)
    plan = solve_case(problem, case, time_limit_s=10).plan
    force = check(plan, roled, "chapter-vi").force
    assert row["troops"] == sum(force.values()) == sum(a.total for a in plan) + 2 * 100
    assert row["peak_troops"] == max(force.values())
