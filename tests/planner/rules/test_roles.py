"""Contingents' roles in the rules: units that hold no ground never garrison a sector but
count towards the force; observers man observation-only sectors, alone with the mandate's
observer_troops; the loader protects a scenario with such units by a rule of its own."""
import copy
import json

import pytest

from factory import write_scenario
from geo.errors import InputError
from planner.domain.plan import Assignment, Plan
from planner.files.scenario_file import load_scenario
from planner.rules import Rule
from planner.rules.check import check

LOG = {"code": "LOG", "name": "Logland", "troops": 100, "available_from": 1,
       "tasks": ["monitoring"], "mandates": ["chapter-vi"], "role": "logistics"}
OBS = {"code": "OBS", "name": "Obsland", "troops": 20, "available_from": 1,
       "tasks": ["monitoring"], "mandates": ["chapter-vi"], "role": "observers"}


def entry(base, **changes):
    """A contingent entry of its own (YAML would write shared lists as aliases)."""
    return copy.deepcopy({**base, **changes})


@pytest.fixture
def roled(tmp_path, mini_doc):
    """The mini scenario with a logistics unit (100 troops) and observers (20 troops);
    Chapter VI lets observers alone hold an observation post with 10 troops. In phase 1
    every sector needs separation; in phase 2 P1-S01 (needs 60) and P1-S02 (needs 30) need
    monitoring only."""
    mini_doc["contingents"] += [entry(LOG), entry(OBS)]
    mini_doc["mandates"]["chapter-vi"]["observer_troops"] = 10
    return load_scenario(write_scenario(tmp_path / "roled", mini_doc))


def hard(report, kind):
    return [(v.phase, v.sector, v.nation, v.measured, v.limit) for v in report.hard
            if v.kind == kind]


def good(*extra):
    """A plan keeping every rule of the mini scenario, and ``extra`` assignments."""
    rows = [Assignment(1, "P1-S01", "AAA", {"AAA": 60}), Assignment(1, "P1-S02", "AAA", {"AAA": 30}),
            Assignment(2, "P1-S01", "AAA", {"AAA": 60}), Assignment(2, "P1-S02", "BBB", {"BBB": 30}),
            Assignment(2, "P2-S01", "BBB", {"BBB": 30}),
            Assignment(2, "P2-S02", "CCC", {"CCC": 10, "AAA": 10})]
    return Plan.from_assignments(rows + list(extra))  # a later row replaces one of its key


# --- the scenario file ------------------------------------------------------------------------
def test_loading_adds_a_hard_roles_rule_only_when_a_contingent_is_not_a_ground_unit(roled, mini):
    assert roled.rules[-1] == Rule("R-ROLES", "roles", "hard")
    assert [r.kind for r in mini.rules].count("roles") == 0  # ground units only: nothing added
    assert [c.role for c in roled.contingents] == ["ground"] * 4 + ["logistics", "observers"]


def test_a_roles_rule_the_author_lists_is_kept_as_listed(tmp_path, mini_doc):
    mini_doc["contingents"].append(entry(LOG))
    mini_doc["rules"].append({"id": "MY-ROLES", "kind": "roles", "severity": "soft",
                              "weight": 3})
    scenario = load_scenario(write_scenario(tmp_path / "s", mini_doc))
    assert [(r.id, r.severity) for r in scenario.rules if r.kind == "roles"] == \
        [("MY-ROLES", "soft")]


def test_an_unknown_role_is_refused_naming_file_contingent_and_field_and_listing_the_roles(
        tmp_path, mini_doc):
    mini_doc["contingents"][0]["role"] = "marines"
    with pytest.raises(InputError) as err:
        load_scenario(write_scenario(tmp_path / "s", mini_doc))
    assert str(err.value).endswith(
        "scenario.yaml: contingent 0 (id 'AAA'): field 'role': value 'marines': must be one of "
        "ground, observers, logistics, staff, naval")


def test_inspect_shows_the_roles_and_the_rule_added_for_them(roled, capsys):
    from planner.cli import main
    assert main(["scenario", "inspect", "--scenario", str(roled.root), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert {c["code"]: c["role"] for c in summary["contingents"]}["LOG"] == "logistics"
    assert summary["rules"][-1] == {"id": "R-ROLES", "kind": "roles", "severity": "hard",
                                    "params": {}}
    assert main(["scenario", "inspect", str(roled.root)]) == 0
    text = capsys.readouterr().out
    assert "(logistics: holds no ground)" in text and "R-ROLES" in text


# --- who may be where ------------------------------------------------------------------------
def test_a_logistics_unit_in_a_sector_breaks_the_roles_rule_in_plain_words(roled):
    plan = good(Assignment(1, "P1-S01", "AAA", {"AAA": 60, "LOG": 10}))
    report = check(plan, roled, "chapter-vi")
    assert hard(report, "roles") == [(1, "P1-S01", "LOG", "logistics", "ground or observers")]
    assert [v.message for v in report.hard if v.kind == "roles"] == [
        "LOG in P1-S01 (phase 1): a logistics unit cannot deploy to a sector; logistics, "
        "staff and naval units hold no ground"]
    leading = good(Assignment(1, "P1-S02", "LOG", {"AAA": 30}))
    assert hard(check(leading, roled, "chapter-vi"), "roles") == [
        (1, "P1-S02", "LOG", "logistics", "ground or observers")]


def test_the_roles_rule_guards_even_a_rule_set_that_does_not_list_it(roled):
    plan = good(Assignment(1, "P1-S01", "AAA", {"AAA": 60, "LOG": 10}))
    only = [Rule("R-TROOPS", "troops_required")]
    report = check(plan, roled, "chapter-vi", rules=only)
    assert [v.rule_id for v in report.hard] == ["R-ROLES"]


def test_observers_serve_only_in_sectors_whose_tasks_are_all_monitoring(roled):
    plan = good(Assignment(1, "P1-S01", "OBS", {"OBS": 10, "AAA": 60}),
                Assignment(2, "P1-S01", "OBS", {"OBS": 10}))
    report = check(plan, roled, "chapter-vi")
    assert hard(report, "roles") == [(1, "P1-S01", "OBS", "observers", "observation-only sectors")]
    assert [v.message for v in report.hard if v.kind == "roles"] == [
        "OBS in P1-S01 (phase 1): observers serve only in observation-only sectors (monitoring "
        "alone); this one also needs separation"]


# --- what a sector needs ---------------------------------------------------------------------
def test_a_sector_held_only_by_observers_needs_only_the_mandates_observer_troops(roled):
    alone = good(Assignment(2, "P1-S01", "OBS", {"OBS": 10}))
    assert hard(check(alone, roled, "chapter-vi"), "troops_required") == []
    mixed = good(Assignment(2, "P1-S01", "OBS", {"OBS": 10, "AAA": 20}))
    assert hard(check(mixed, roled, "chapter-vi"), "troops_required") == [
        (2, "P1-S01", None, 30, 60)]  # beside ground troops the observers count, no more
    short = good(Assignment(2, "P1-S01", "OBS", {}))
    report = check(short, roled, "chapter-vi")
    assert hard(report, "troops_required") == [(2, "P1-S01", None, 0, 10)]
    assert "P1-S01 (phase 2) has 0 troops; it needs 10 (observers alone: 10 under VI)" in \
        [v.message for v in report.hard]


def test_plan_file_app_export_map_and_checker_agree_on_an_observer_post(roled, tmp_path,
                                                                        capsys):
    """P1-S01 in phase 2 held by observers alone needs 10 (not its normal 60): the checker,
    the plan file ``planner plans export`` writes, the app's GeoJSON export and the map's
    tooltip all say so; beside it a ground-held sector keeps its normal need."""
    from appstate import env_for, opened
    from planner.cli import main
    from planner.files.planfile import plan_csv
    from planner.files.store import PlanStore
    from planner.ui import actions
    from planner.ui.exports import export_geojson
    from planner.ui.mapview import sector_display
    from planner.ui.view import view_of
    alone = good(Assignment(2, "P1-S01", "OBS", {"OBS": 10}))
    assert hard(check(alone, roled, "chapter-vi"), "troops_required") == []
    env = env_for(roled, PlanStore(tmp_path / "ws"))
    state = opened(env)
    data = plan_csv(alone, env.table_for(state.work)).encode()
    state = actions.import_file(state, env, "obs.csv", data)
    assert state.error is None
    view = view_of(state, env)

    def required(features):
        return {(f["properties"]["phase"], f["properties"]["sector_id"]):
                (f["properties"]["troops_required"], f["properties"]["status"])
                for f in features}
    app = required(json.loads(export_geojson(view))["features"])
    out = tmp_path / "exported.geojson"
    assert main(["plans", "export", state.name, "--workspace", str(tmp_path / "ws"),
                 "--scenario", str(roled.root), "-o", str(out)]) == 0
    assert required(json.loads(out.read_text())["features"]) == app
    assert app[2, "P1-S01"] == (10, "ok") and app[2, "P2-S01"][0] == 30
    shown = sector_display(view.table, 2, view.plan, view.report, view.held_requirements)
    assert dict(zip(shown["sector_id"], shown["required"]))["P1-S01"] == 10


def test_without_observer_troops_observers_alone_need_the_normal_requirement(tmp_path, mini_doc):
    mini_doc["contingents"].append(entry(OBS))
    scenario = load_scenario(write_scenario(tmp_path / "s", mini_doc))
    alone = good(Assignment(2, "P1-S01", "OBS", {"OBS": 10}))
    assert hard(check(alone, scenario, "chapter-vi"), "troops_required") == [
        (2, "P1-S01", None, 10, 60)]


def test_an_override_sets_observer_troops_for_the_sectors_with_its_tag(tmp_path, mini_doc):
    mini_doc["contingents"].append(entry(OBS))
    mini_doc["mandates"]["chapter-vi"]["overrides"] = {"border:Beta": {"observer_troops": 20}}
    scenario = load_scenario(write_scenario(tmp_path / "s", mini_doc))
    from planner.domain.sectors import sector_table
    table = sector_table(scenario)
    mandate = scenario.mandates["chapter-vi"]
    assert table.requirement(2, "P1-S01", mandate).need(True) == 20  # on the Beta border
    assert table.requirement(2, "P1-S02", mandate).need(True) == 30  # not: the normal need
    assert table.requirement(1, "P1-S01", mandate).need(True) == 60  # needs separation


# --- the force's figures ---------------------------------------------------------------------
def test_logistics_troops_count_towards_the_force_its_shares_and_its_nations(roled):
    report = check(good(), roled, "chapter-vi",
                   rules=[Rule("S", "max_share", params={"max_share": 0.4}),
                          Rule("N", "min_nations", params={"min_nations": 3})])
    assert dict(report.force) == {1: 190, 2: 240}  # 90 and 140 in sectors, LOG's 100 besides
    shares = {(v.phase, v.nation): v.measured for v in report.hard if v.kind == "max_share"}
    assert shares == {(1, "LOG"): round(100 / 190, 4), (1, "AAA"): round(90 / 190, 4),
                      (2, "LOG"): round(100 / 240, 4)}
    # phase 1: AAA in sectors and LOG besides; LOG makes two nations, not one
    assert hard(report, "min_nations") == [(1, None, None, 2, 3)]


def test_logistics_count_only_in_phases_they_serve_unvetoed_under_a_mandate_they_accept(
        tmp_path, mini_doc):
    mini_doc["contingents"] += [
        entry(LOG, available_from=2),
        entry(LOG, code="STF", role="staff", troops=55, unit=25),
        entry(LOG, code="NAV", role="naval", mandates=["chapter-vii"])]
    mini_doc["vetoes"].append({"id": "V2", "by": "Alpha", "nation": "STF", "sectors": "all",
                               "phases": [2]})
    scenario = load_scenario(write_scenario(tmp_path / "s", mini_doc))
    report = check(good(), scenario, "chapter-vi")
    # phase 1: STF's 55 troops in whole units of 25; phase 2: LOG, STF vetoed everywhere;
    # NAV never (it does not accept Chapter VI)
    assert dict(report.force) == {1: 90 + 50, 2: 140 + 100}
