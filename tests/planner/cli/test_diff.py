"""``planner diff`` and ``planner solve --save-as``: exit codes, the JSON shape, text a reader
can follow, saved plans by NAME and NAME@REVISION, on the bundled and the mini scenario."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from planner.cli import main
from planner.cli.diff import load_plan
from planner.domain.sectors import sector_table
from planner.files.planfile import read_plan, write_plan
from planner.files.store import PlanStore

EXAMPLE = "data/gaza-isf/example-plan.geojson"
TOP_KEYS = {"scenario", "phases", "same", "a", "b", "lead_changes", "troop_changes",
            "sectors_added", "sectors_removed", "lock_changes", "contingents",
            "violations_fixed", "violations_introduced", "violations_by_rule", "soft_penalty",
            "change_measure", "by_phase"}


@pytest.fixture(scope="module")
def gaza_table(gaza):
    return sector_table(gaza)


@pytest.fixture(scope="module")
def example(gaza, gaza_table):
    return read_plan(EXAMPLE, gaza_table, [c.code for c in gaza.contingents])


def written(plan, table, path):
    write_plan(plan, table, path)
    return str(path)


def diff_json(capsys, *args):
    code = main(["diff", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_diff_of_a_plan_and_its_csv_export_exits_0_even_with_an_empty_sector(
        tmp_path, capsys, example, gaza_table):
    # an empty sector is a row with no lead in GeoJSON and no row at all in CSV
    plan = example.with_lead(2, "P2-S01", None)
    for n in list(plan.get(2, "P2-S01").troops):
        plan = plan.with_troops(2, "P2-S01", n, 0)
    geojson = written(plan, gaza_table, tmp_path / "plan.geojson")
    csv = written(plan, gaza_table, tmp_path / "plan.csv")
    assert main(["diff", geojson, csv]) == 0
    assert capsys.readouterr().out.strip().endswith("SAME: the plans do not differ.")


def test_diff_json_names_the_lead_change_the_rule_it_fixes_and_the_change_measure(
        tmp_path, capsys, example, gaza_table):
    # ITA may not lead P3-S07 (Egyptian border): EGY takes the lead in phases 3 and 4 (where
    # the sector continues), which fixes that ...
    edited = example.with_lead(3, "P3-S07", "EGY").with_lead(4, "P3-S07", "EGY")
    b = written(edited, gaza_table, tmp_path / "b.geojson")
    code, out = diff_json(capsys, EXAMPLE, b)
    assert code == 1
    assert set(out) == TOP_KEYS
    assert out["same"] is False and out["phases"] == [1, 2, 3, 4]
    assert out["lead_changes"] == [{"phase": phase, "sector_id": "P3-S07", "from": "ITA",
                                    "to": "EGY"} for phase in (3, 4)]
    assert out["troop_changes"] == [] and out["sectors_added"] == out["sectors_removed"] == []
    fixed = {(v["rule_id"], v["phase"], v["sector"], v["nation"]) for v in out["violations_fixed"]}
    for phase in (3, 4):
        assert ("R-EGYPT-LEAD", phase, "P3-S07", "ITA") in fixed
        assert ("R-PREFERENCE", phase, "P3-S07", "ITA") in fixed  # EGY prefers that border
    assert out["change_measure"] == {"leads_changed": 2, "units_moved": 0, "troop_unit": 50,
                                     "units_of_each_contingent": False,
                                     "total": 2}
    assert out["soft_penalty"]["b"] < out["soft_penalty"]["a"]
    # ... and breaks another: EGY leads without troops there
    introduced = [(v["rule_id"], v["phase"], v["sector"], v["nation"])
                  for v in out["violations_introduced"]]
    assert introduced == [("R-LEAD", 3, "P3-S07", "EGY"), ("R-LEAD", 4, "P3-S07", "EGY")]
    assert out["a"]["hard"] == out["b"]["hard"] == 12
    by_rule = {r["rule_id"]: r for r in out["violations_by_rule"]}
    assert by_rule["R-LEAD"] == {"rule_id": "R-LEAD", "severity": "hard", "a": 0, "b": 2,
                                 "fixed": 0, "introduced": 2}
    rows = {(r["phase"], r["nation"]): r for r in out["contingents"]}
    assert rows[3, "EGY"]["b"]["sectors_led"] == rows[3, "EGY"]["a"]["sectors_led"] + 1
    assert rows[3, "ITA"]["status"] == "kept"  # still deployed, one sector fewer led
    assert set(rows[3, "ITA"]["a"]) == {"troops", "share", "sectors_led"}


def test_diff_text_lists_changes_per_phase_and_ends_with_a_verdict(
        tmp_path, capsys, example, gaza_table):
    # P2-S04 is short of troops in phase 3 (120 of 221): AZE brings 250
    edited = example.with_lead(3, "P3-S07", "EGY").with_troops(3, "P2-S04", "AZE", 250)
    b = written(edited, gaza_table, tmp_path / "b.csv")
    assert main(["diff", EXAMPLE, b]) == 1
    out = capsys.readouterr().out
    assert "Phase 1: no change\n\nPhase 2: no change\n\nPhase 3\n" in out
    assert "  Leads changed (1):\n    P3-S07       ITA -> EGY\n" \
           "  Troops changed (1 sector):\n    P2-S04       AZE 120 -> 250\n" in out
    assert "    AZE          1,120     1,250     +130    17.3%" in out
    assert "  fixed       HARD  R-TROOPS       phase 3 P2-S04" in out
    assert "  introduced  HARD  R-LEAD         phase 3 P3-S07 EGY" in out
    # a part of a unit moved counts as a whole one: 130 troops are 3 units of 50
    assert "Change measure (A -> B): 1 leads changed + 3 troop units of 50 moved = 4" in out
    assert out.strip().splitlines()[-1] == "DIFFERENT: 1 lead change, 1 troop change (phase 3)."


def test_diff_phase_compares_that_phase_only(tmp_path, capsys, example, gaza_table):
    b = written(example.with_lead(3, "P3-S07", "EGY"), gaza_table, tmp_path / "b.geojson")
    code, out = diff_json(capsys, EXAMPLE, b, "--phase", "2")
    assert code == 0 and out["phases"] == [2] and out["same"]
    assert {v["phase"] for v in out["violations_fixed"]} <= {2}
    assert main(["diff", EXAMPLE, b, "--phase", "3"]) == 1


def test_diff_reads_saved_plans_by_name_and_revision(capsys, example, workspace):
    store = PlanStore(workspace)
    store.save("main", example, base=None, message="first", scope="Gaza ISF")
    store.save("main", example.with_lead(1, "P1-S01", "PAK"), base=1, message="second")
    code, out = diff_json(capsys, "main@1", "main")  # NAME alone: the latest revision
    assert code == 1
    assert out["lead_changes"] == [{"phase": 1, "sector_id": "P1-S01", "from": "IDN",
                                    "to": "PAK"}]
    assert out["a"]["label"] == "main@1 (first)" and out["b"]["label"] == "main@2 (second)"
    assert main(["diff", "main@1", EXAMPLE]) == 0
    # what ``planner report --compare`` reads plans with
    assert load_plan("main@1", None, None, workspace) == (example, "main@1 (first)")


def test_diff_takes_the_scenario_and_workspace_options(mini_dir, tmp_path, capsys):
    # the mini scenario: solve twice into a store of its own, then compare the revisions
    ws = str(tmp_path / "elsewhere")
    for _ in range(2):
        assert main(["solve", str(mini_dir), "--save-as", "main~variant", "--workspace", ws,
                     "--time-limit", "20"]) == 0
    revisions = PlanStore(ws).history("main~variant")
    assert [r.message for r in revisions] == ["solve: OPTIMAL (chapter-vi)"] * 2
    assert [r.parent for r in revisions] == [None, 1]
    capsys.readouterr()
    args = ["--scenario", str(mini_dir), "--workspace", ws]
    assert main(["diff", "main~variant@1", "main~variant@2", *args]) == 0  # deterministic
    assert "SAME: the plans do not differ." in capsys.readouterr().out
    plan = revisions[0].plan.with_lead(2, "P2-S01", None)
    other = written(plan, sector_table(_mini(mini_dir)), tmp_path / "other.geojson")
    code, out = diff_json(capsys, "main~variant", other, *args)
    assert code == 1
    assert out["lead_changes"] == [{"phase": 2, "sector_id": "P2-S01",
                                    "from": revisions[0].plan.get(2, "P2-S01").lead, "to": None}]
    assert out["change_measure"]["troop_unit"] == 10
    assert any(v["rule_id"] == "R-LEAD" for v in out["violations_introduced"])


def _mini(folder):
    from planner.files.scenario_file import load_scenario
    return load_scenario(folder)


def test_solve_save_as_also_writes_the_file_when_o_is_given(mini_dir, tmp_path, workspace):
    out = tmp_path / "plan.geojson"
    assert main(["solve", str(mini_dir), "-o", str(out), "--save-as", "main~o",
                 "--time-limit", "20"]) == 0
    saved = PlanStore(workspace).revision("main~o")
    table = sector_table(_mini(mini_dir))
    assert read_plan(out, table, ["AAA", "BBB", "CCC", "DDD"]) == saved.plan


@pytest.mark.parametrize("args, message", [
    (["main", EXAMPLE], "no plan named 'main' (plans: first)"),
    (["first@7", EXAMPLE], "no revision 7 (latest: 1)"),
    (["missing.geojson", EXAMPLE], "missing.geojson: no such plan file"),
    ([EXAMPLE, EXAMPLE, "--phase", "9"], "field '--phase': value 9: unknown phase"),
    ([EXAMPLE, EXAMPLE, "--mandate", "chapter-x"], "unknown mandate"),
])
def test_diff_bad_input_exits_2_naming_what_exists(args, message, workspace, example, capsys):
    PlanStore(workspace).save("first", example, base=None)
    assert main(["diff", *args]) == 2
    assert message in capsys.readouterr().err


def test_diff_and_solve_without_a_destination_exit_2_without_a_traceback(tmp_path):
    nowhere = tmp_path / "nowhere"
    runs = [subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                           text=True, timeout=120)
            for args in (["diff", "some-plan", EXAMPLE, "--workspace", str(nowhere)],
                         ["solve", "--time-limit", "5"])]
    for out in runs:
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert f"there is no plan store in {nowhere}" in runs[0].stderr
    assert "-o FILE, --save-as NAME or both" in runs[1].stderr
    assert not nowhere.exists()  # a diff never creates a workspace


def test_diff_checks_each_saved_plan_under_its_own_settings(mini_dir, workspace, capsys):
    # one plan, saved twice: with the veto on DDD in P1-S02 in force, and with it lifted
    from planner.domain.working import Settings, Working
    plan = solved(mini_dir, workspace).with_troops(1, "P1-S02", "DDD", 10)
    capsys.readouterr()
    store = PlanStore(workspace)
    every = Settings("chapter-vi", ("AAA", "BBB", "CCC", "DDD"), ("V1",))
    store.save("veto", Working(plan, every), base=None, message="veto on")
    store.save("veto", Working(plan, replace(every, vetoes=())), base=1, message="veto off")
    code, out = diff_json(capsys, "veto@1", "veto@2", "--scenario", str(mini_dir))
    assert code == 0 and out["same"]  # the same plan ...
    assert out["a"]["vetoes_off"] == [] and out["b"]["vetoes_off"] == ["V1"]
    fixed = [(v["rule_id"], v["sector"], v["nation"]) for v in out["violations_fixed"]]
    assert fixed == [("R-VETO", "P1-S02", "DDD")]  # ... which lifting the veto makes legal
    assert main(["diff", "veto@1", "veto@2", "--scenario", str(mini_dir)]) == 0
    assert "  B: veto@2 (veto off) (vetoes off: V1)" in capsys.readouterr().out


def solved(mini_dir, workspace):
    assert main(["solve", str(mini_dir), "--save-as", "solved", "--time-limit", "20"]) == 0
    return PlanStore(workspace).revision("solved").plan


def test_a_base_plan_and_a_variant_plan_compare_each_under_its_own_scenario(tmp_path, capsys):
    from pathlib import Path
    variant = Path(__file__).resolve().parents[2] / "data" / "variants" / "gaza-bangladesh"
    out = tmp_path / "variant.geojson"
    main(["solve", "--scenario", str(variant), "--time-limit", "3", "--best-effort",
          "-o", str(out)])
    capsys.readouterr()
    # with one scenario the variant's plan is refused (it was made for another scenario) ...
    assert main(["diff", "data/gaza-isf/example-plan.geojson", str(out),
                 "--scenario", "data/gaza-isf"]) == 2
    assert "was made for scenario 'Gaza ISF, Bangladesh for" in capsys.readouterr().err
    # ... and with --scenario-b each side is read and checked against its own
    code = main(["diff", "data/gaza-isf/example-plan.geojson", str(out),
                 "--scenario", "data/gaza-isf", "--scenario-b", str(variant),
                 "--format", "json"])
    assert code == 1
    result = json.loads(capsys.readouterr().out)
    assert result["scenario"].endswith("/ Gaza ISF, Bangladesh for Türkiye (illustrative)")
    rows = {(r["phase"], r["nation"]): r for r in result["contingents"]}
    assert rows[1, "BGD"]["a"]["troops"] == 0 and rows[1, "BGD"]["b"]["troops"] > 0
    assert result["b"]["hard"] == 0 and result["a"]["hard"] > 0  # the example plan's mistakes
