import json
import subprocess
import sys

import pytest
import yaml

from planner.cli import main

EXAMPLE = "data/gaza-isf/example-plan.geojson"


def test_check_example_plan_exits_1_listing_hard_and_soft_violations(capsys):
    assert main(["check", EXAMPLE]) == 1
    out = capsys.readouterr().out
    assert "Hard violations (12):" in out and "Soft violations" in out
    assert "TUR in P1-S12 (phase 1): vetoed by Israel" in out
    assert "ITA leads P3-S07 (phase 3), which has border:Egypt" in out
    assert "ITA leads P3-S07 (phase 4), which has border:Egypt" in out  # carried into phase 4
    # 120 AZE troops in P2-S04 are not whole units of 50, in phase 3 and carried into 4
    assert "AZE puts 120 troops in P2-S04 (phase 3): not whole units of 50" in out
    assert "AZE puts 120 troops in P2-S04 (phase 4): not whole units of 50" in out
    assert out.strip().splitlines()[-1].startswith("FAIL: 12 hard violations")


def test_check_json_holds_every_violation_with_measured_value_and_limit(capsys):
    assert main(["check", EXAMPLE, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["hard"] == 12
    troops = [v for v in report["violations"] if v["kind"] == "troops_required"]
    assert troops == [{"rule_id": "R-TROOPS", "kind": "troops_required", "severity": "hard",
                       "phase": phase, "sector": "P2-S04", "nation": None, "measured": 120,
                       "limit": troops[0]["limit"], "message": v["message"]}
                      for phase, v in zip((3, 4), troops)]
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
    assert "plan.csv: row 1 (line 2) (id 'P1-S01'): column 'nation': value 'NOPE': unknown " \
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


# --- CSV plans: every problem names the line and the column, as a spreadsheet shows them ----
BAD_CSV = (  # line: what is wrong in it
    "phase,sector_id,nation,troops,lead,locked\n"        # 1
    "\n"                                                  # 2: blank (still counted)
    "1,P1-S01,IDN,200,true,false\n"                       # 3
    "1,P1-S01,IDN,100,false,false\n"                      # 4: IDN twice in P1-S01
    "1,P1-S02,PAK,1.5,true,false\n"                       # 5: troops not whole
    "1,P1-S03,PAK,-300,true,false\n"                      # 6: troops negative
    "3,P3-S02,FIN,100,false,false\n"                      # 7: unknown contingent
    "1,P1-S04,EGY,100,yes please,false\n"                 # 8: lead neither true nor false
    "1,P1-S05,EGY,100,true,false\n"                       # 9
    "1,P1-S05,PAK,100,true,false\n"                       # 10: a second lead
    "one,P1-S06,PAK,100,true,false\n"                     # 11: phase not a number
    "1,P3-S01,PAK,100,true,false\n"                       # 12: sector not open in phase 1
    "1,P9-S99,PAK,100,true,false\n"                       # 13: unknown sector
    "1,,PAK,100,true,false\n"                             # 14: no sector id
    "1,P1-S07,PAK,100,true,maybe\n"                       # 15: locked neither
    '1,P1-S08,"P\nAK",100,true,false\n'                   # 16-17: a cell over two lines
    "1,P1-S09,PAK,many,true,false\n"                      # 18: troops not a number
    "9,P1-S10,PAK,100,true,false\n"                       # 19: no phase 9
)
BAD_CSV_SAID = [  # (row, line, sector id, column, value) of each problem, in the file's order
    (2, 4, "P1-S01", "nation", "'IDN'"), (3, 5, "P1-S02", "troops", "'1.5'"),
    (4, 6, "P1-S03", "troops", "'-300'"), (5, 7, "P3-S02", "nation", "'FIN'"),
    (6, 8, "P1-S04", "lead", "'yes please'"), (8, 10, "P1-S05", "lead", "'true'"),
    (9, 11, "P1-S06", "phase", "'one'"), (10, 12, "P3-S01", "phase", "1"),
    (11, 13, "P9-S99", "sector_id", "'P9-S99'"), (12, 14, None, "sector_id", "''"),
    (13, 15, "P1-S07", "locked", "'maybe'"), (14, 16, "P1-S08", "nation", "'P\\nAK'"),
    (15, 18, "P1-S09", "troops", "'many'"), (16, 19, "P1-S10", "phase", "9"),
]


def test_check_names_the_line_and_column_of_every_problem_in_a_csv_plan(tmp_path, capsys):
    path = tmp_path / "plan.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    said = err.splitlines()[1:]
    assert out == "" and err.startswith(f"error: {len(BAD_CSV_SAID)} problems:")
    for (row, line, sid, column, value), text in zip(BAD_CSV_SAID, said, strict=True):
        assert f"plan.csv: row {row} (line {line})" + ("" if sid is None else f" (id {sid!r})")\
            + f": column {column!r}: value {value}: " in text, text
    assert "feature" not in err and "field" not in err
    assert "FIN" in said[3] and "unknown nation" in said[3]
    assert "it is not a contingent of the scenario (ARE, AZE, EGY, IDN, ITA, PAK, QAT, TUR)" \
        in said[3]
    assert said[-1].endswith("unknown phase; the scenario's phases are 1, 2, 3, 4")
    assert said[8].endswith("unknown sector; it is not one of the scenario's sectors")
    assert "IDN is listed twice for P1-S01 in phase 1 (also line 3)" in said[0]
    assert "a second lead for P1-S05 in phase 1: PAK (already led by EGY)" in said[5]


@pytest.mark.parametrize("text, said", [
    ("phase,sector\n1,P1-S01\n",
     "line 1: missing columns sector_id, nation, troops, lead"),
    ("sector_id,phase,lead,troops_IDN,troops_FIN\nP1-S01,1,IDN,200,0\n",
     "line 1: missing columns nation, troops; the header must include "
     "phase,sector_id,nation,troops,lead (troops_<CODE> columns are the GeoJSON plan's form"),
    ("phase,sector_id,nation,troops,lead,scenario\n1,P1-S01,IDN,200,true,Elsewhere\n",
     "line 2: column 'scenario': value 'Elsewhere': this plan was made for scenario "
     "'Elsewhere'"),
    ("phase,sector_id,nation,troops,lead,mandate\n1,P1-S01,IDN,200,true,chapter-vi\n"
     "1,P1-S02,IDN,200,true,chapter-vii\n",
     "row 2 (line 3) (id 'P1-S02'): column 'mandate': value 'chapter-vii': another mandate "
     "than line 2's (chapter-vi)"),
    ("phase,sector_id,nation,troops,lead\n1,P1-S01,IDN,200,true\n1,\"" + "x" * 200_000
     + "\",IDN,1,true\n",
     "line 3: not CSV the planner can read: field larger than field limit"),
], ids=["missing-columns", "the-geojson-form", "another-scenario", "two-mandates", "huge-cell"])
def test_check_names_the_line_of_a_bad_csv_header_or_record(tmp_path, capsys, text, said):
    import re
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"error: {path}: {said}" in err
    # "field" may only be the csv module's own word for a cell, never ours for a column
    assert "feature" not in err and not re.search(r"field '", err)
