import json
import subprocess
import sys

import yaml

from planner.cli import main

EXAMPLE = "data/gaza-isf/example-plan.geojson"


def test_check_example_plan_exits_1_listing_hard_and_soft_violations(capsys):
    assert main(["check", EXAMPLE]) == 1
    out = capsys.readouterr().out
    assert "Hard violations (7):" in out and "Soft violations" in out
    assert "TUR in P1-S12 (phase 1): vetoed by Israel" in out
    assert "ITA leads P3-S07 (phase 3), which has border:Egypt" in out
    assert out.strip().splitlines()[-1].startswith("FAIL: 7 hard violations")


def test_check_json_holds_every_violation_with_measured_value_and_limit(capsys):
    assert main(["check", EXAMPLE, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["hard"] == 7
    troops = [v for v in report["violations"] if v["kind"] == "troops_required"]
    assert troops == [{"rule_id": "R-TROOPS", "kind": "troops_required", "severity": "hard",
                       "phase": 3, "sector": "P2-S04", "nation": None, "measured": 120,
                       "limit": troops[0]["limit"], "message": troops[0]["message"]}]
    assert troops[0]["limit"] > 120


def test_check_rules_override_replaces_the_scenario_rules(tmp_path, capsys):
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"rules": [{"id": "ONLY", "kind": "one_lead_per_sector"}]}),
                     encoding="utf-8")
    assert main(["check", EXAMPLE, "--rules", str(rules)]) == 0
    assert "PASS: no hard violations" in capsys.readouterr().out


def test_check_bad_plan_exits_2_naming_file_feature_and_field(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("phase,sector_id,nation,troops,lead\n1,P1-S01,NOPE,5,true\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "planner", "check", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "plan.csv: row 1 (line 2) (id 'P1-S01'): field 'nation': value 'NOPE': unknown " \
        "nation" in out.stderr


def test_check_unknown_mandate_exits_2(capsys):
    assert main(["check", EXAMPLE, "--mandate", "chapter-ix"]) == 2
    assert "unknown mandate" in capsys.readouterr().err


def test_long_rule_and_sector_ids_keep_the_messages_of_check_aligned(tmp_path, capsys):
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"rules": [
        {"id": "R-VETO-ISRAEL-ON-TURKISH-GROUND-TROOPS", "kind": "veto"},
        {"id": "R-PHASE", "kind": "phase_available"}]}), encoding="utf-8")
    assert main(["check", EXAMPLE, "--rules", str(rules)]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  HARD")]
    starts = {line.index(f"{nation} in P") for line in lines for nation in ("TUR", "AZE")
              if f"{nation} in P" in line}
    assert len(lines) >= 2 and len(starts) == 1  # every message starts in the same column


def test_check_names_its_scenario_one_way_only(capsys):
    import pytest
    with pytest.raises(SystemExit):
        main(["check", EXAMPLE, "--scenario", "data/gaza-isf", "--scenario", "elsewhere"])
    assert "two scenarios given" in capsys.readouterr().err


def test_an_exported_revision_keeps_its_re_cut_sectors_and_settings(gaza, tmp_path):
    from appstate import env_for, opened
    from planner.files.store import PlanStore
    from planner.ui import actions
    env = env_for(gaza, PlanStore(tmp_path / "ws"))
    s = actions.recut(opened(env), env, 2, 3, "area")
    actions.set_mandate(s, env, "chapter-vii")
    out = tmp_path / "saved.geojson"
    assert main(["plans", "export", "main", "--workspace", str(tmp_path / "ws"),
                 "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    opened_in_2 = {f["properties"]["sector_id"] for f in doc["features"]
                   if f["properties"]["phase"] == 2 and not f["properties"]["sector_id"]
                   .startswith("P1-")}
    assert len(opened_in_2) == 3 and doc["settings"]["mandate"] == "chapter-vii"
    assert {f["properties"]["mandate"] for f in doc["features"]} == {"chapter-vii"}


def test_check_takes_the_mandate_a_plan_file_records(gaza, tmp_path, capsys):
    from appstate import env_for, opened
    from planner.files.store import PlanStore
    from planner.ui import actions
    env = env_for(gaza, PlanStore(tmp_path / "ws"))
    actions.set_mandate(opened(env), env, "chapter-vii")
    for suffix in ("geojson", "csv"):
        out = tmp_path / f"saved.{suffix}"
        main(["plans", "export", "main", "--workspace", str(tmp_path / "ws"), "-o", str(out)])
        capsys.readouterr()
        assert main(["check", str(out), "--format", "json"]) == 1
        assert json.loads(capsys.readouterr().out)["mandate"] == "chapter-vii", suffix
        assert main(["check", str(out), "--mandate", "chapter-vi", "--format", "json"]) == 1
        assert json.loads(capsys.readouterr().out)["mandate"] == "chapter-vi"
