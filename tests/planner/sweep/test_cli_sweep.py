"""``planner sweep`` and ``planner sweep report`` from the command line (in this process, on
the mini scenario): results, resume, report, charts, and bad input exiting 2."""
from __future__ import annotations

import json

import pytest
import yaml

from planner.cli.main import main
from planner.sweep.results import read_results


def sweep(capsys, *args):
    code = main(["sweep", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_sweep_writes_a_row_per_case_and_a_rerun_skips_them_all(mini_dir, tmp_path, capsys):
    out = tmp_path / "r.parquet"
    args = [mini_dir, "--subsets", "--vetoes", "on,off", "--troops", "0.5,1", "--workers", 0,
            "-o", out]
    code, text, err = sweep(capsys, *args)
    assert code == 0, err
    cases = 15 * 2 * 2 * 2  # coalitions of 1 to 4 contingents x mandates x vetoes x scales
    assert f"{cases} cases: {cases} decided now" in text
    frame = read_results(out)
    assert len(frame) == cases and frame["case"].is_unique
    assert set(frame["decided_by"]) == {"pre-check", "solver"}
    assert frame["feasible"].any() and not frame["feasible"].all()
    assert f"{cases}/{cases} cases" in err  # the progress bar's last line
    code, text, _ = sweep(capsys, *args)
    assert code == 0 and f"0 decided now" in text and f"{cases} already in the results" in text


def test_changed_options_or_scenario_content_decide_every_case_again(mini_dir, tmp_path, capsys):
    out = tmp_path / "r.parquet"
    assert sweep(capsys, mini_dir, "--workers", 0, "-o", out)[0] == 0
    code, text, err = sweep(capsys, mini_dir, "--workers", 0, "--time-limit", 3, "-o", out)
    assert "10 rows of another scenario content or other options will be replaced" in err
    assert "10 decided now" in text
    doc = yaml.safe_load((mini_dir / "scenario.yaml").read_text())
    doc["contingents"][0]["troops"] = 100
    (mini_dir / "scenario.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    code, text, err = sweep(capsys, mini_dir, "--workers", 0, "--time-limit", 3, "-o", out)
    assert "10 decided now" in text
    assert len(read_results(out)) == 10


def test_report_lists_minimal_coalitions_and_writes_png_and_pdf_charts(mini_dir, tmp_path, capsys):
    out = tmp_path / "r.parquet"
    assert sweep(capsys, mini_dir, "--subsets", "--mandates", "chapter-vi", "--workers", 0,
                 "-o", out)[0] == 0
    code, text, err = sweep(capsys, "report", out, "--charts", tmp_path / "charts")
    assert code == 0, err
    assert "chapter-vi, vetoes on, troops x1: 15 cases" in text
    code, js, _ = sweep(capsys, "report", out, "--format", "json")
    data = json.loads(js)
    frame = read_results(out)
    feasible = set(frame.loc[frame["feasible"].fillna(False), "coalition"])
    (minimal,) = data["minimal_coalitions"]
    assert minimal["coalitions"] and all("+".join(c) in feasible for c in minimal["coalitions"])
    for c in minimal["coalitions"]:  # no feasible coalition is a proper part of a minimal one
        assert not any(set(f.split("+")) < set(c) for f in feasible)
        assert " + ".join(c) in text
    for name in ("outcomes", "criticality"):
        assert (tmp_path / "charts" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (tmp_path / "charts" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("args, says", [
    (["--mandates", "chapter-ix"], "field '--mandates': value 'chapter-ix': unknown mandate"),
    (["--troops", "0.8,abc"], "field '--troops': value 'abc': a troop scale is a number"),
    (["--vetoes", "maybe"], "field '--vetoes': value 'maybe': unknown veto setting"),
    (["--drop", "-1"], "field '--drop': value -1: use 0 or more"),
])
def test_bad_options_exit_2_naming_the_option_and_value(mini_dir, tmp_path, capsys, args, says):
    code, _, err = sweep(capsys, mini_dir, *args, "--workers", 0, "-o", tmp_path / "r.parquet")
    assert code == 2 and says in err and "command line" in err
    assert not (tmp_path / "r.parquet").exists()


def test_bad_files_exit_2_naming_the_file(mini_dir, tmp_path, capsys):
    coalitions = tmp_path / "pledges.txt"
    coalitions.write_text("AAA, BBB\nAAA, XYZ\n")
    code, _, err = sweep(capsys, mini_dir, "--coalitions", coalitions, "--workers", 0,
                         "-o", tmp_path / "r.parquet")
    assert code == 2 and "pledges.txt: line 2: field 'code': value 'XYZ'" in err
    code, _, err = sweep(capsys, mini_dir, "--workers", 0, "-o", tmp_path / "r.csv")
    assert code == 2 and "r.csv: field '--output'" in err and "*.parquet" in err
    code, _, err = sweep(capsys, "report", coalitions)
    assert code == 2 and "pledges.txt: not a Parquet file" in err
    code, _, err = sweep(capsys, "report", tmp_path / "missing.parquet")
    assert code == 2 and "missing.parquet: file not found" in err


def test_report_refuses_sweep_options(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sweep", "report", str(tmp_path / "r.parquet"), "--workers", "2"])
    assert exit_.value.code == 2
    assert "not --workers" in capsys.readouterr().err
