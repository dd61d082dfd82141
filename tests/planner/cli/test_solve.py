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
