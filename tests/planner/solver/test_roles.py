"""The optimizer and contingents' roles: logistics never garrison a sector but their troops
make share caps bind; observers alone man observation posts with the mandate's
observer_troops; the checker and the solver's figures agree; the pre-checks name the roles."""
import copy

import pytest

from factory import write_scenario
from planner.domain.plan import Assignment
from planner.files.scenario_file import load_scenario
from planner.rules.check import check
from planner.solver.optimize import solve

LOG = {"code": "LOG", "name": "Logland", "troops": 100, "available_from": 1,
       "tasks": ["monitoring", "separation"], "mandates": ["chapter-vi"], "role": "logistics"}
OBS = {"code": "OBS", "name": "Obsland", "troops": 20, "available_from": 1,
       "tasks": ["monitoring"], "mandates": ["chapter-vi"], "role": "observers"}
SHARE = {"id": "R-SHARE", "kind": "max_share", "severity": "hard", "params": {"max_share": 0.4}}


def scenario_with(folder, doc, *contingents, rules=(), **mandate):
    doc["contingents"] += [copy.deepcopy(c) for c in contingents]
    doc["rules"] += [copy.deepcopy(r) for r in rules]
    doc["mandates"]["chapter-vi"].update(mandate)
    return load_scenario(write_scenario(folder, doc))


def sector_troops(plan, phase):
    return sum(a.total for a in plan.phase(phase))


def test_logistics_never_garrison_a_sector_and_their_troops_make_the_share_cap_bind(
        tmp_path, mini_doc):
    plain = scenario_with(tmp_path / "plain", copy.deepcopy(mini_doc), rules=[SHARE])
    roled = scenario_with(tmp_path / "roled", mini_doc, LOG, rules=[SHARE])
    before = solve(plain, "chapter-vi", time_limit_s=20)
    result = solve(roled, "chapter-vi", time_limit_s=20)
    assert before.status == result.status == "OPTIMAL"
    assert sector_troops(before.plan, 1) == 90  # the requirement, no more
    assert all("LOG" not in a.nations for a in result.plan)
    report = check(result.plan, roled, "chapter-vi")
    assert report.ok and result.report.ok
    # LOG's 100 troops are in the force: at most 40% of it, so 150 more must deploy
    assert sector_troops(result.plan, 1) == 150
    assert dict(report.force) == {p: sector_troops(result.plan, p) + 100 for p in (1, 2)}
    assert 100 / report.force[1] == pytest.approx(0.4)


def test_the_solvers_figures_are_the_checkers_with_the_units_that_hold_no_ground(
        tmp_path, mini_doc, capsys):
    roled = scenario_with(tmp_path / "roled", mini_doc, LOG, rules=[SHARE])
    result = solve(roled, "chapter-vi", time_limit_s=20)
    report = check(result.plan, roled, "chapter-vi")
    in_sectors = sum(a.total for a in result.plan)
    assert result.penalties["troops deployed"] == in_sectors + 2 * 100 == \
        sum(report.force.values())
    from planner.cli.solve import summary
    line = next(x for x in summary(result).splitlines() if "troops deployed" in x)
    assert line.endswith(f"each phase: 1: {report.force[1]:,}, 2: {report.force[2]:,})")


def test_observers_alone_man_observation_posts_with_the_mandates_observer_troops(
        tmp_path, mini_doc):
    roled = scenario_with(tmp_path / "obs", mini_doc, OBS, observer_troops=10)
    result = solve(roled, "chapter-vi", time_limit_s=20)
    assert result.status == "OPTIMAL" and result.report.ok
    assert check(result.plan, roled, "chapter-vi").ok
    # phase 2: P1-S01 (needs 60) and P1-S02 (needs 30) need monitoring alone; the fewest
    # troops hold each with one team of 10 observers
    assert result.plan.get(2, "P1-S01") == Assignment(2, "P1-S01", "OBS", {"OBS": 10})
    assert result.plan.get(2, "P1-S02") == Assignment(2, "P1-S02", "OBS", {"OBS": 10})
    assert all("OBS" not in a.nations for a in result.plan.phase(1))  # all need separation
    assert sector_troops(result.plan, 2) == 10 + 10 + 30 + 20


def test_without_observer_troops_observers_save_nothing(tmp_path, mini_doc):
    roled = scenario_with(tmp_path / "obs", mini_doc, OBS)
    result = solve(roled, "chapter-vi", time_limit_s=20)
    assert result.status == "OPTIMAL" and sector_troops(result.plan, 2) == 60 + 30 + 30 + 20


def test_a_shortfall_only_logistics_could_fill_is_found_before_solving_saying_they_hold_no_ground(
        tmp_path, mini_doc):
    # phase 1 needs 90 troops; AAA has 60 and the others that serve then are logistics,
    # whose troops are all in the force already (capacity counts them): none is left
    for c in mini_doc["contingents"][1:]:
        if c["code"] != "CCC":
            c["role"] = "logistics"
    mini_doc["contingents"][0]["troops"] = 60
    roled = load_scenario(write_scenario(tmp_path / "short", mini_doc))
    result = solve(roled, "chapter-vi", time_limit_s=20)
    assert result.status == "INFEASIBLE" and not result.explanation.solved
    assert [r.rules for r in result.explanation.reasons] == [
        ("R-TROOPS@1", "R-CAP@1", "R-PHASE@1")]
    assert result.explanation.reasons[0].sentences == (
        "VI needs 90 troops in phase 1; the coalition offers 60 that are available in phase 1 "
        "(AAA 60): short by 30.",
        "Units that hold no ground are in the force in phase 1 with all their troops and put "
        "none in a sector: BBB 300, DDD 200.")


def test_a_sector_only_logistics_could_reach_is_found_before_solving_naming_the_roles_rule(
        tmp_path, mini_doc):
    # no capacity rule: in phase 1 only AAA (vetoed in P1-S01) and logistics serve
    mini_doc["rules"] = [r for r in mini_doc["rules"] if r["id"] != "R-CAP"]
    mini_doc["vetoes"].append({"id": "V2", "by": "Alpha", "nation": "AAA",
                               "sectors": ["P1-S01"]})
    for c in mini_doc["contingents"]:
        if c["code"] in ("BBB", "DDD"):
            c["role"] = "logistics"
    roled = load_scenario(write_scenario(tmp_path / "empty", mini_doc))
    result = solve(roled, "chapter-vi", time_limit_s=20)
    assert result.status == "INFEASIBLE" and not result.explanation.solved
    assert [set(r.rules) for r in result.explanation.reasons] == [
        {"R-TASKS", "R-VETO", "R-ROLES"},  # separation: AAA, BBB and DDD accept it
        {"R-TROOPS@1", "R-PHASE@1", "R-VETO@1", "R-ROLES@1"}]
    assert "have a role that holds that ground" in result.explanation.text()
