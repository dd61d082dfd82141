"""Time and troop units in the rules: contingents that leave, vetoes limited to phases and
troops in each contingent's own unit, each read the same by the checker and the optimizer."""
import pytest

from factory import write_scenario
from planner.domain.plan import Assignment, Plan
from planner.files.scenario_file import load_scenario
from planner.rules.check import check
from planner.solver.optimize import solve


@pytest.fixture
def timed(tmp_path, mini_doc):
    """BBB leaves after phase 1 and moves in units of 30; Alpha's veto on DDD in P1-S02 holds
    in phase 2 only; CCC (20 troops) moves in units of 50."""
    mini_doc["contingents"][1].update(unit=30, available_until=1)
    mini_doc["contingents"][2].update(unit=50, troops=20)
    mini_doc["vetoes"][0]["phases"] = [2]
    return load_scenario(write_scenario(tmp_path / "timed", mini_doc))


def kinds(report):
    return [(v.kind, v.phase, v.sector, v.nation) for v in report.hard]


def test_a_contingent_after_its_last_phase_is_flagged_with_when_it_served(timed):
    plan = Plan.from_assignments([Assignment(1, "P1-S01", "BBB", {"BBB": 60}),
                                  Assignment(2, "P1-S01", "BBB", {"BBB": 60})])
    report = check(plan, timed, rules=[r for r in timed.rules if r.kind == "phase_available"])
    assert kinds(report) == [("phase_available", 2, "P1-S01", "BBB")]
    assert report.hard[0].message == "BBB in P1-S01 (phase 2): is available only in phase 1"
    assert (report.hard[0].measured, report.hard[0].limit) == (2, 1)


def test_a_veto_limited_to_a_phase_bars_the_nation_in_that_phase_only(timed):
    plan = Plan.from_assignments([Assignment(1, "P1-S02", "DDD", {"DDD": 30}),
                                  Assignment(2, "P1-S02", "DDD", {"DDD": 30})])
    report = check(plan, timed, rules=[r for r in timed.rules if r.kind == "veto"])
    assert kinds(report) == [("veto", 2, "P1-S02", "DDD")]
    assert "vetoed by Alpha in phase 2 (not near the gate) [V1]" in report.hard[0].message


def test_the_optimizer_keeps_time_limits_and_moves_each_contingent_in_its_own_unit(timed):
    result = solve(timed, "chapter-vi", time_limit_s=20)
    assert result.status == "OPTIMAL" and result.report.ok
    assert check(result.plan, timed, "chapter-vi").ok
    assert result.plan.troops_by_nation(2).get("BBB", 0) == 0  # gone after phase 1
    assert result.plan.troops_by_nation(1).get("BBB", 0) > 0
    assert all(a.troops.get("BBB", 0) % 30 == 0 for a in result.plan)
    assert all(a.troops.get("CCC", 0) == 0 for a in result.plan)  # 20 troops, unit 50
    vetoed = result.plan.get(2, "P1-S02")
    assert "DDD" not in vetoed.nations


def test_capacity_flags_troops_that_are_not_whole_units_of_the_contingents_unit(timed):
    """BBB moves in units of 30, AAA in the scenario's 10: 45 BBB troops are off-unit, and
    so are 65 of AAA; 60 BBB and 70 AAA are whole units."""
    plan = Plan.from_assignments([Assignment(1, "P1-S01", "BBB", {"BBB": 45, "AAA": 65}),
                                  Assignment(1, "P1-S02", "BBB", {"BBB": 60, "AAA": 70})])
    report = check(plan, timed, rules=[r for r in timed.rules if r.kind == "capacity"])
    assert [(v.kind, v.phase, v.sector, v.nation, v.measured, v.limit) for v in report.hard] \
        == [("capacity", 1, "P1-S01", "AAA", 65, 10), ("capacity", 1, "P1-S01", "BBB", 45, 30)]
    assert report.hard[1].message == "BBB puts 45 troops in P1-S01 (phase 1): not whole units " \
        "of 30"


def test_loading_warns_of_a_contingent_smaller_than_its_unit(timed):
    warned = [str(w) for w in timed.layers.warnings if w.field == "troops"]
    assert warned == ["{}: contingent 2 (id 'CCC'): field 'troops': value 20: CCC has 20 troops, "
                      "fewer than one unit of 50 (its `unit`): it can never deploy; give it a "
                      "`unit:` that fits".format(timed.root / "scenario.yaml")]
    assert timed.unit_of("CCC") == 50 and timed.unit_of("AAA") == timed.troop_unit


def test_pins_off_a_contingents_own_unit_are_refused(timed):
    from geo.errors import InputError
    from planner.domain.plan import Pin
    with pytest.raises(InputError, match="pinned troops 40 are not a multiple of BBB's troop "
                                         "unit 30"):
        solve(timed, pins={(1, "P1-S01"): Pin("BBB", {"BBB": 40})})


def test_when_only_a_contingent_too_small_for_its_unit_could_bring_a_task_the_explanation_says_so(
        tmp_path, mini_doc):
    # in phase 2 the gate's sector needs humanitarian: AAA has left, CCC cannot deploy a unit
    mini_doc["contingents"][0]["available_until"] = 1
    mini_doc["contingents"][2].update(unit=50, troops=20)
    scenario = load_scenario(write_scenario(tmp_path / "s", mini_doc))
    result = solve(scenario, "chapter-vi", time_limit_s=20)
    assert result.status == "INFEASIBLE"
    rules = {r.split("@")[0] for reason in result.explanation.reasons for r in reason.rules}
    assert {"R-TASKS", "R-PHASE", "R-CAP"} <= rules
    assert "CCC (20 troops, unit 50) can never deploy" in result.explanation.text()
