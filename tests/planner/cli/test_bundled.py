"""Every command end to end on both bundled scenarios (Gaza and southern Lebanon): inspect,
sectors, check, solve; and which scenario a plan was made for."""
import json

import geopandas as gpd
import pytest
import shapely

from planner.cli import main
from planner.domain.scenario import BUNDLED_SCENARIOS

GAZA, LEBANON = BUNDLED_SCENARIOS
# scenario folder -> (phase and count for a quick cut, hard violations of its example plan)
FACTS = {GAZA.name: {"cut": (2, 4), "hard": 7, "mistake": "TUR in P1-S12 (phase 1): vetoed by "
                                                           "Israel"},
         LEBANON.name: {"cut": (3, 3), "hard": 5,
                        "mistake": "IDN in P2-S05 (phase 2): vetoed by Israel in phase 2"}}
BOTH = pytest.mark.parametrize("folder", BUNDLED_SCENARIOS, ids=lambda p: p.name)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@BOTH
def test_inspect_summarises_the_scenario_labelled_illustrative(folder, capsys):
    code, out, err = run(capsys, "scenario", "inspect", "--scenario", folder, "--format", "json")
    assert code == 0, err
    s = json.loads(out)
    assert "ILLUSTRATIVE" in s["disclaimer"] and s["name"].endswith("(illustrative)")
    assert [p["phase"] for p in s["phases"]] == [1, 2, 3]
    assert all(c["unit"] >= 1 for c in s["contingents"])
    code, text, _ = run(capsys, "scenario", "inspect", folder)  # DIR: the same as --scenario
    assert code == 0 and s["name"] in text and "ILLUSTRATIVE DATA" in text


def test_lebanon_holds_the_facts_it_was_built_from(capsys):
    code, out, _ = run(capsys, "scenario", "inspect", "--scenario", LEBANON, "--format", "json")
    s = json.loads(out)
    assert 1000 <= s["territory_km2"] <= 1100
    assert s["zones"] == ["Sector East", "Sector West"] and s["context_layers"] == ["roads"]
    troops = {c["code"]: c["troops"] for c in s["contingents"]}
    assert troops["ITA"] == 2500 and troops["IRL"] == 160 and troops["OGL"] == 50
    assert {c["code"]: c["unit"] for c in s["contingents"]}["OGL"] == 5
    assert [v["phases"] for v in s["vetoes"]] == [[2], [2]]
    assert s["phases"][-1]["held_fraction"] < 0.01  # only northern Ghajar is kept
    assert s["warnings"] == []


@BOTH
def test_sectors_cut_one_phase_and_every_phase_as_the_scenario_says(folder, capsys, tmp_path):
    phase, count = FACTS[folder.name]["cut"]
    one = tmp_path / "one.geojson"
    code, out, err = run(capsys, "sectors", "--scenario", folder, "--phase", phase, "--count",
                         count, "-o", one)
    assert code == 0, err
    assert len(gpd.read_file(one)) == count
    whole = tmp_path / "all.geojson"
    code, out, err = run(capsys, "sectors", folder, "--all-phases", "-o", whole)
    assert code == 0, err
    # sectoring's counts, balance and seed: the cut the scenario ships
    made, shipped = gpd.read_file(whole), gpd.read_file(folder / "sectors.geojson")
    assert made["sector_id"].tolist() == shipped["sector_id"].tolist()
    moved = shapely.area(shapely.symmetric_difference(made.to_crs(32636).geometry.values,
                                                      shipped.to_crs(32636).geometry.values))
    assert moved.max() < 1.0  # m²: the same polygons, as written
    assert "(balanced by population, seed" in out


@BOTH
def test_check_of_the_example_plan_lists_its_mistakes(folder, capsys):
    facts = FACTS[folder.name]
    code, out, err = run(capsys, "check", folder / "example-plan.geojson", "--scenario", folder)
    assert code == 1, err
    assert f"Hard violations ({facts['hard']}):" in out and facts["mistake"] in out


def test_a_plan_checked_against_another_scenario_is_refused_naming_its_own(capsys):
    code, _, err = run(capsys, "check", LEBANON / "example-plan.geojson")  # default: Gaza
    assert code == 2
    assert "this plan was made for scenario 'Southern Lebanon 2006 (illustrative)'" in err
    assert "not 'Gaza ISF (illustrative)'" in err and "open it with that scenario" in err


@BOTH
def test_solve_finds_a_chapter_vi_plan_the_checker_passes_and_explains_chapter_vii(
        folder, capsys, tmp_path):
    plan = tmp_path / "plan.geojson"
    code, out, err = run(capsys, "solve", "--scenario", folder, "-o", plan, "--time-limit", 60)
    assert code == 0, err
    assert "status OPTIMAL" in out and "check: 0 hard" in out
    recorded = json.loads(plan.read_text(encoding="utf-8"))["scenario"]
    from planner.files.scenario_file import load_scenario
    assert recorded == load_scenario(folder, sectors=False).identity
    code, out, err = run(capsys, "check", plan, "--scenario", folder)
    assert code == 0, out + err
    code, out, _ = run(capsys, "solve", folder, "--mandate", "chapter-vii", "-o",
                       tmp_path / "vii.geojson")
    assert code == 1
    assert "No contingent in the force accepts disarmament" in out
