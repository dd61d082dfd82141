"""Every command end to end on both bundled scenarios (Gaza and southern Lebanon): inspect,
sectors, check, solve; and which scenario a plan was made for."""
import json
import shutil

import geopandas as gpd
import pytest
import shapely
import yaml

from planner.cli import main
from planner.domain.scenario import BUNDLED_SCENARIOS

GAZA, LEBANON = BUNDLED_SCENARIOS
# scenario folder -> phases, phase and count for a quick cut, hard violations of its example
# plan, one of them, and the handover: (phase, authority, the shipped sectors it takes over)
FACTS = {GAZA.name: {"phases": [1, 2, 3, 4], "cut": (1, 6), "hard": 12,
                     "mistake": "TUR in P1-S12 (phase 1): vetoed by Israel",
                     "handover": (4, "Palestinian Police (trained, illustrative)",
                                  ["P1-S06", "P1-S07", "P1-S08"])},
         LEBANON.name: {"phases": [1, 2, 3], "cut": (1, 4), "hard": 5,
                        "mistake": "IDN in P2-S05 (phase 2): vetoed by Israel in phase 2",
                        "handover": (2, "Lebanese Armed Forces",
                                     ["P1-S03", "P1-S04", "P1-S05", "P1-S06"])}}
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
    assert [p["phase"] for p in s["phases"]] == FACTS[folder.name]["phases"]
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
    assert [(line["name"], round(line["km"])) for line in s["lines"]] == [("Blue Line", 79)]
    assert s["warnings"] == []


def test_lebanon_asks_for_separation_and_a_reinforced_company_along_the_blue_line(capsys):
    code, out, _ = run(capsys, "check", LEBANON / "example-plan.geojson", "--scenario", LEBANON)
    assert code == 1
    assert "P3-S06 (phase 3) has 300 troops; it needs 400" in out
    assert "for line:Blue Line" in out  # the named line's override


def _handed_share(sectors, folder):
    """The share of each sector's area in the scenario's handover areas."""
    handover = gpd.read_file(folder / "handover.geojson").to_crs(32636)
    geoms = sectors.to_crs(32636).geometry.values
    ground = shapely.union_all(handover.geometry.values)
    return shapely.area(shapely.intersection(geoms, ground)) / shapely.area(geoms)


@BOTH
def test_the_shipped_sectors_are_handed_over_whole_to_the_authority(folder, capsys):
    phase, authority, ids = FACTS[folder.name]["handover"]
    code, out, _ = run(capsys, "scenario", "inspect", folder, "--format", "json")
    s = json.loads(out)
    assert code == 0 and s["warnings"] == []  # no sector straddles the handover
    assert [(h["phase"], h["authority"]) for h in s["handovers"]] == [(phase, authority)]
    shipped = gpd.read_file(folder / "sectors.geojson")
    share = _handed_share(shipped, folder)
    assert shipped["sector_id"][share > 0.99].tolist() == ids
    assert (share[share <= 0.99] < 0.01).all()


@BOTH
def test_sectors_cut_one_phase_and_every_phase_as_the_scenario_says(folder, capsys, tmp_path):
    phase, count = FACTS[folder.name]["cut"]
    one = tmp_path / "one.geojson"
    code, out, err = run(capsys, "sectors", "--scenario", folder, "--phase", phase, "--count",
                         count, "-o", one)
    assert code == 0, err
    cut = gpd.read_file(one)
    assert len(cut) == count
    share = _handed_share(cut, folder)  # a new cut follows the handover's boundary
    assert ((share < 0.01) | (share > 0.99)).all() and (share > 0.99).any()
    # The shipped sectors were cut before the handover was drawn on them (make_layers.py):
    # sectoring's counts, balance and seed cut them again from the scenario without it.
    before = tmp_path / folder.name
    shutil.copytree(folder, before)
    doc = yaml.safe_load((before / "scenario.yaml").read_text(encoding="utf-8"))
    del doc["layers"]["handover"], doc["layers"]["sectors"]
    (before / "scenario.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    whole = tmp_path / "all.geojson"
    code, out, err = run(capsys, "sectors", before, "--all-phases", "-o", whole)
    assert code == 0, err
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
