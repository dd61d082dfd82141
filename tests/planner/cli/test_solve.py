"""``planner solve``: progress while it runs, the result line, the plan the checker passes."""
import io

from planner.cli import main
from planner.progress import Progress


def test_solve_reports_progress_writes_a_plan_and_the_checker_passes_it(mini_dir, tmp_path,
                                                                        capsys):
    out = tmp_path / "plan.geojson"
    assert main(["solve", str(mini_dir), "-o", str(out), "--time-limit", "20"]) == 0
    captured = capsys.readouterr()
    assert "Solving Mini under VI" in captured.err
    assert " s  objective " in captured.err and "bound" in captured.err
    assert "status OPTIMAL" in captured.out and f"wrote {out}" in captured.out
    assert main(["check", str(out), "--scenario", str(mini_dir)]) == 0


def test_solve_without_a_plan_exits_1_and_says_why(mini_dir, tmp_path, capsys):
    out = tmp_path / "plan.geojson"
    assert main(["solve", str(mini_dir), "--mandate", "chapter-vii", "-o", str(out)]) == 1
    assert "No plan keeps every hard rule" in capsys.readouterr().out
    assert not out.exists()


def test_solver_progress_lines_are_throttled():
    ticks = iter([0.0, 0.1, 0.2, 0.3, 0.6])
    stream = io.StringIO()
    progress = Progress(every_s=0.25, stream=stream, clock=lambda: next(ticks))
    for seconds in (0.1, 0.2, 0.3, 0.6):
        progress.solution(seconds, 100, 90)
    assert stream.getvalue().splitlines() == ["     0.10 s  objective 100  bound 90",
                                              "     0.60 s  objective 100  bound 90"]


def test_best_effort_prints_the_figures_the_checker_finds_in_its_plan(tmp_path, mini_doc,
                                                                     capsys):
    import json
    import re

    from factory import write_scenario
    mini_doc["troop_unit"] = 50  # every requirement rounds up, and AAA alone cannot cover
    for c in mini_doc["contingents"][1:]:
        c["troops"] = 0
    mini_doc["contingents"][0]["troops"] = 100
    folder = write_scenario(tmp_path / "s", mini_doc)
    out = tmp_path / "least-bad.geojson"
    assert main(["solve", "--scenario", str(folder), "--best-effort", "-o", str(out)]) == 1
    printed = capsys.readouterr().out.split("Best effort:")[1]
    figure = {k: int(v.replace(",", "")) for k, v in
              re.findall(r"^\s+(hard violations|troop shortfall \(troops\)): ([\d,]+)$",
                         printed, re.M)}
    assert main(["check", str(out), "--scenario", str(folder), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    short = sum(v["limit"] - v["measured"] for v in report["violations"]
                if v["kind"] == "troops_required")
    assert figure == {"hard violations": report["totals"]["hard"],
                      "troop shortfall (troops)": short}
    assert short > 0 and f"check: {report['totals']['hard']} hard" in printed
