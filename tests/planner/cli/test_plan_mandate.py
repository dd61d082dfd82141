"""The mandate a plan was made under, from the command line: ``planner check``, ``diff``,
``report`` and ``plans report`` take a plan under the mandate its file or saved revision
records, say so when ``--mandate`` asks for another, and refuse a mandate the scenario lacks.
Run on both bundled scenarios, with plans ``planner solve`` made under Chapter VII."""
from __future__ import annotations

import csv
import io
import json

import pytest

from planner.cli import main
from planner.files.scenario_file import load_scenario


@pytest.fixture(scope="module", params=["data/gaza-isf", "data/south-lebanon"])
def made_under_vii(request, tmp_path_factory):
    """``(folder, scenario, files, workspace)``: a plan ``planner solve`` made under
    chapter-vii (the scenario's second mandate), written as ``solved.geojson`` and saved as
    ``solved``, whose revision is exported as ``solved.csv``."""
    folder = request.param
    out = tmp_path_factory.mktemp("vii")
    ws = str(out / "ws")
    main(["solve", "--scenario", folder, "--mandate", "chapter-vii", "--best-effort",
          "--time-limit", "2", "-o", str(out / "solved.geojson"), "--save-as", "solved",
          "--workspace", ws])
    assert main(["plans", "export", "solved", "--workspace", ws, "--scenario", folder,
                 "-o", str(out / "solved.csv")]) == 0
    scenario = load_scenario(folder)
    assert list(scenario.mandates) == ["chapter-vi", "chapter-vii"]
    return folder, scenario, {s: str(out / f"solved.{s}") for s in ("geojson", "csv")}, ws


def label(scenario, key):
    return scenario.mandates[key].label


@pytest.mark.parametrize("suffix", ["geojson", "csv"])
def test_check_without_mandate_checks_under_the_one_the_plan_was_made_under(
        made_under_vii, suffix, capsys):
    folder, scenario, files, _ = made_under_vii
    main(["check", files[suffix], "--scenario", folder])
    out, err = capsys.readouterr()
    assert f"against {scenario.name} under {label(scenario, 'chapter-vii')} (" \
        in out.splitlines()[0]
    assert "note:" not in err
    main(["check", files[suffix], "--scenario", folder, "--format", "json"])
    assert json.loads(capsys.readouterr().out)["mandate"] == "chapter-vii"


@pytest.mark.parametrize("suffix", ["geojson", "csv"])
def test_check_under_another_mandate_says_so_on_stderr(made_under_vii, suffix, capsys):
    folder, scenario, files, _ = made_under_vii
    main(["check", files[suffix], "--scenario", folder, "--mandate", "chapter-vi"])
    out, err = capsys.readouterr()
    assert f"under {label(scenario, 'chapter-vi')} (" in out.splitlines()[0]
    assert f"note: {files[suffix]}: the plan was made under chapter-vii; checking under " \
        "chapter-vi as --mandate asks" in err
    main(["check", files[suffix], "--scenario", folder, "--mandate", "chapter-vii"])
    assert "note:" not in capsys.readouterr().err  # the plan's own: nothing to say


def _with_mandate(path, mandate, tmp_path):
    """A copy of the plan file at ``path`` recording ``mandate`` in every row."""
    text = open(path, encoding="utf-8").read()
    if path.endswith(".csv"):
        rows = list(csv.DictReader(io.StringIO(text)))
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows({**r, "mandate": mandate} for r in rows)
        copy = tmp_path / "renamed.csv"
        copy.write_text(out.getvalue(), encoding="utf-8")
        return str(copy)
    doc = json.loads(text)
    for f in doc["features"]:
        f["properties"]["mandate"] = mandate
    doc.setdefault("settings", {})["mandate"] = mandate
    copy = tmp_path / "renamed.geojson"
    copy.write_text(json.dumps(doc), encoding="utf-8")
    return str(copy)


@pytest.mark.parametrize("suffix", ["geojson", "csv"])
def test_a_plan_made_under_a_mandate_the_scenario_lacks_exits_2_naming_it(
        made_under_vii, suffix, tmp_path, capsys):
    folder, scenario, files, _ = made_under_vii
    path = _with_mandate(files[suffix], "chapter-ix", tmp_path)
    assert main(["check", path, "--scenario", folder]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"error: {path}: the plan was made under mandate 'chapter-ix', which scenario " \
        f"{scenario.name!r} does not have; its mandates are chapter-vi, chapter-vii" in err
    # --mandate takes it under one the scenario has, and says so
    assert main(["check", path, "--scenario", folder, "--mandate", "chapter-vii"]) == 1
    out, err = capsys.readouterr()
    assert f"under {label(scenario, 'chapter-vii')} (" in out.splitlines()[0]
    assert "the plan was made under chapter-ix; checking under chapter-vii" in err


def test_diff_takes_each_plan_under_its_own_mandate_and_notes_an_override(
        made_under_vii, capsys):
    folder, _, files, ws = made_under_vii
    example = f"{folder}/example-plan.geojson"  # made under chapter-vi
    for vii in (files["geojson"], files["csv"], "solved"):
        main(["diff", vii, example, "--scenario", folder, "--workspace", ws,
              "--format", "json"])
        out, err = capsys.readouterr()
        sides = json.loads(out)
        assert (sides["a"]["mandate"], sides["b"]["mandate"]) == ("chapter-vii", "chapter-vi")
        assert "note:" not in err
        main(["diff", vii, example, "--scenario", folder, "--workspace", ws,
              "--mandate", "chapter-vi", "--format", "json"])
        out, err = capsys.readouterr()
        sides = json.loads(out)
        assert (sides["a"]["mandate"], sides["b"]["mandate"]) == ("chapter-vi", "chapter-vi")
        said = vii if vii != "solved" else "solved@1"
        notes = [line for line in err.splitlines() if line.startswith("note:")]
        assert notes == [f"note: {said}: the plan was made under chapter-vii; comparing "
                         "under chapter-vi as --mandate asks"]  # of side A only


@pytest.mark.slow
def test_report_and_plans_report_brief_under_the_mandate_the_plan_was_made_under(
        made_under_vii, tmp_path, capsys):
    folder, scenario, files, ws = made_under_vii
    vii = label(scenario, "chapter-vii")
    assert main(["report", files["geojson"], "--scenario", folder, "--solve-limit", "1",
                 "-o", str(tmp_path / "file.html")]) == 0
    out, err = capsys.readouterr()
    assert out.strip().endswith(f"briefing of solved.geojson under {vii}")
    assert "note:" not in err
    assert main(["plans", "report", "solved", "--workspace", ws, "--scenario", folder,
                 "--solve-limit", "1", "--mandate", "chapter-vi",
                 "-o", str(tmp_path / "saved.html")]) == 0
    out, err = capsys.readouterr()
    assert out.strip().endswith(f"briefing of solved under {label(scenario, 'chapter-vi')}")
    assert "note: solved@1: the plan was made under chapter-vii; briefing under chapter-vi " \
        "as --mandate asks" in err
    assert main(["plans", "report", "solved", "--workspace", ws, "--scenario", folder,
                 "--solve-limit", "1", "-o", str(tmp_path / "saved.html")]) == 0
    assert capsys.readouterr().out.strip().endswith(f"briefing of solved under {vii}")


def test_solve_from_a_plan_works_under_the_mandate_it_was_made_under(made_under_vii, capsys,
                                                                      tmp_path):
    folder, scenario, files, _ = made_under_vii
    main(["solve", "--scenario", folder, "--from", files["geojson"], "--best-effort",
          "--time-limit", "2", "-o", str(tmp_path / "again.geojson")])
    out, err = capsys.readouterr()
    assert f"under {label(scenario, 'chapter-vii')} ..." in out + err
    main(["solve", "--scenario", folder, "--from", files["geojson"], "--mandate", "chapter-vi",
          "--time-limit", "2", "-o", str(tmp_path / "vi.geojson")])
    out, err = capsys.readouterr()
    assert "the plan was made under chapter-vii; solving under chapter-vi as --mandate asks" \
        in err


@pytest.mark.slow
def test_report_compare_checks_the_other_plan_under_the_mandate_it_was_made_under(
        made_under_vii, tmp_path, capsys):
    folder, scenario, files, _ = made_under_vii
    out = tmp_path / "brief.html"
    assert main(["report", "data/" + folder.split("/")[-1] + "/example-plan.geojson",
                 "--scenario", folder, "--mandate", "chapter-vi", "--compare", files["csv"],
                 "--solve-limit", "1", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert (f"solved.csv was made under {label(scenario, 'chapter-vii')} and is checked under "
            f"it; this plan under {label(scenario, 'chapter-vi')}.") in text
