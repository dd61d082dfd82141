"""``planner report`` and ``planner plans report`` from the command line."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def mini_files(mini_shared, tmp_path_factory):
    """The mini scenario's folder with two plan files: the optimizer's and an edited one."""
    from planner.domain.sectors import sector_table
    from planner.files.planfile import write_plan
    from planner.solver.optimize import solve
    table = sector_table(mini_shared)
    best = solve(mini_shared, "chapter-vi", table=table, time_limit_s=5, deterministic=True).plan
    lead = best.get(1, "P1-S02").lead
    edited = best.with_lead(1, "P1-S02", "AAA" if lead != "AAA" else "BBB")
    folder = tmp_path_factory.mktemp("plans")
    write_plan(best, table, folder / "best.geojson")
    write_plan(edited, table, folder / "edited.csv")
    return mini_shared.root, folder, best, edited


def run(*argv):
    from planner.cli.main import main
    return main([str(a) for a in argv])


def test_report_writes_pdf_and_html(mini_files, tmp_path, capsys, pdf):
    root, folder, _, _ = mini_files
    out = tmp_path / "brief.pdf"
    assert run("report", folder / "best.geojson", "--scenario", root, "--author", "J. Doe",
               "-o", out) == 0
    cover = pdf.texts(out.read_bytes(), tmp_path)[0]
    assert "best.geojson" in cover and "J. Doe" in cover
    assert f"wrote {out}" in capsys.readouterr().out
    page = tmp_path / "brief.html"
    assert run("report", folder / "best.geojson", "--scenario", root, "--mandate", "chapter-vii",
               "-o", page) == 0
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "VII" in text


def test_report_compares_with_another_plan_file(mini_files, tmp_path, pdf):
    root, folder, best, edited = mini_files
    out = tmp_path / "brief.pdf"
    assert run("report", folder / "edited.csv", "--scenario", root, "--compare",
               folder / "best.geojson", "-o", out) == 0
    text = " ".join("\n".join(pdf.texts(out.read_bytes(), tmp_path)).split())
    assert "Changes from best.geojson" in text
    assert "From best.geojson to this plan: 1 lead change in phase 1" in text


@pytest.mark.parametrize("argv, named", [
    (["-o", "brief.txt"], "--output"),
    (["--mandate", "chapter-ix", "-o", "brief.pdf"], "chapter-ix"),
])
def test_report_refuses_bad_options_and_leaves_the_output_alone(mini_files, tmp_path, capsys,
                                                                 monkeypatch, argv, named):
    root, folder, _, _ = mini_files
    monkeypatch.chdir(tmp_path)
    (tmp_path / "brief.pdf").write_bytes(b"an older briefing")
    assert run("report", folder / "best.geojson", "--scenario", root, *argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and named in err and "Traceback" not in err
    assert (tmp_path / "brief.pdf").read_bytes() == b"an older briefing"
    assert not (tmp_path / "brief.txt").exists()


def test_report_refuses_a_solve_limit_that_is_not_positive(mini_files, tmp_path, capsys):
    root, folder, _, _ = mini_files
    with pytest.raises(SystemExit) as exit_:
        run("report", folder / "best.geojson", "--scenario", root, "--solve-limit", "-3",
            "-o", tmp_path / "x.pdf")
    assert exit_.value.code == 2 and "--solve-limit" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_report_names_a_missing_plan_file(mini_files, tmp_path, capsys):
    root, _, _, _ = mini_files
    assert run("report", tmp_path / "nowhere.geojson", "--scenario", root,
               "-o", tmp_path / "x.pdf") == 2
    assert "nowhere.geojson" in capsys.readouterr().err


def test_plans_report_briefs_a_saved_revision(mini_files, workspace, tmp_path, pdf, capsys):
    from planner.files.store import PlanStore
    root, _, best, edited = mini_files
    store = PlanStore(workspace)
    first = store.save("main", best, base=None, author="Ana", message="optimizer's plan")
    store.save("main", edited, base=first.number, author="Ben", message="P1-S02 by hand")
    out = tmp_path / "saved.pdf"
    assert run("plans", "report", f"main@{first.number}", "--scenario", root, "-o", out) == 0
    cover = " ".join(pdf.texts(out.read_bytes(), tmp_path)[0].split())
    assert f"main, revision {first.number}" in cover and "Ana" in cover
    assert "optimizer's plan" in cover
    assert run("plans", "report", "main", "--scenario", root, "-o", out) == 0
    cover = " ".join(pdf.texts(out.read_bytes(), tmp_path)[0].split())
    assert f"main, revision {first.number + 1}" in cover and "Ben" in cover
    _, folder, _, _ = mini_files
    assert run("report", folder / "edited.csv", "--scenario", root, "--compare",
               f"main@{first.number}", "-o", out) == 0
    text = " ".join("\n".join(pdf.texts(out.read_bytes(), tmp_path)).split())
    assert f"Changes from main@{first.number}" in text
    capsys.readouterr()
    assert run("plans", "report", "nosuch@3", "--scenario", root, "-o", out) == 2
    assert "nosuch" in capsys.readouterr().err
