"""The briefing's what-if sweep section (``planner report --sweep``, ``briefing_pdf(sweep=...)``),
read back with pdftotext: the minimal coalitions and each contingent's criticality of a small
sweep of the mini scenario (decided in this process), the marking on every page, the charts
as vector graphics, the HTML version, and results of another scenario refused."""
from __future__ import annotations

import copy
import shutil
import subprocess

import pytest

from factory import MINI_YAML, write_scenario

MARKING = "TEST MARKING // SWEEP"
SECTION = "What-if sweep: which coalitions can staff the force"


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """The mini scenario (with a marking), its optimal plan, and a results file of every
    coalition missing up to two contingents, under both mandates, vetoes on and off."""
    from planner.domain.sectors import sector_table
    from planner.files.planfile import write_plan
    from planner.files.scenario_file import load_scenario
    from planner.solver.optimize import solve
    from planner.sweep.cases import build_cases, drop_coalitions
    from planner.sweep.problem import problem_from_scenario
    from planner.sweep.results import ResultFile, options_key
    from planner.sweep.run import run_sweep
    folder = tmp_path_factory.mktemp("sweep-brief")
    doc = copy.deepcopy(MINI_YAML)
    doc["marking"] = MARKING
    scenario = load_scenario(write_scenario(folder / "mini", doc))
    table = sector_table(scenario)
    plan = solve(scenario, "chapter-vi", table=table, time_limit_s=5, deterministic=True).plan
    write_plan(plan, table, folder / "plan.geojson")
    problem = problem_from_scenario(scenario, table)
    cases = build_cases(drop_coalitions(problem.codes, 2), list(scenario.mandates), ["on", "off"])
    results = ResultFile(folder / "results.parquet", digest=problem.digest,
                         options=options_key(time_limit_s=5, seed=0))
    run_sweep(problem, cases, results, time_limit_s=5)
    return scenario, table, plan, folder


@pytest.fixture(scope="module")
def briefed(swept, tmp_path_factory, pdf):
    from planner.briefing import briefing_pdf
    scenario, table, plan, folder = swept
    steps = []
    data = briefing_pdf(scenario, plan, mandate="chapter-vi", table=table, when=pdf.when,
                        solve_limit_s=2, sweep=folder / "results.parquet",
                        progress=lambda done, total, what: steps.append((done, total, what)))
    texts = pdf.texts(data, tmp_path_factory.mktemp("read"), layout=True)  # a row a line
    pages = [i for i, t in enumerate(texts) if SECTION in pdf.header(t)]
    return {"pdf": data, "texts": texts, "pages": pages, "steps": steps,
            "section": pdf.squeezed("\n".join(texts[i] for i in pages))}


def analyses(folder):
    from planner.sweep.analysis import report_data
    from planner.sweep.results import read_results
    frame = read_results(folder / "results.parquet")
    return frame, report_data(frame)


def test_the_sweep_section_lists_the_minimal_coalitions_of_each_group(swept, briefed, pdf):
    from planner.sweep.report import group_title
    scenario, _, _, folder = swept
    frame, data = analyses(folder)
    text = briefed["section"]
    assert briefed["pages"] and pdf.squeezed(SECTION) in pdf.squeezed(briefed["texts"][0])
    assert pdf.squeezed(f"results.parquet: {len(frame)} cases") in text
    found = 0
    for group in data["minimal_coalitions"]:
        heading = pdf.squeezed(f"{group_title(group, scenario.mandates)} "
                               f"{group['cases']} cases: ")
        if not group["coalitions"]:
            assert heading + pdf.squeezed("no swept coalition can staff it.") in text
            continue
        heading += pdf.squeezed(f"{group['feasible']} coalitions can staff it.")
        assert heading in text
        after = text[text.index(heading):]
        for codes in group["coalitions"]:  # coalition, size, troops (all phases, busiest)
            row = frame[(frame["mandate"] == group["mandate"])
                        & (frame["vetoes"] == group["vetoes"])
                        & (frame["coalition"] == "+".join(codes))].iloc[0]
            assert pdf.squeezed(f"{' + '.join(codes)} {len(codes)} {row['troops']:,} "
                                f"{row['peak_troops']:,}") in after
            found += 1
    assert found >= 4  # both veto settings under VI have minimal coalitions


def test_the_sweep_section_gives_each_contingents_criticality(swept, briefed, pdf):
    scenario, _, _, folder = swept
    _, data = analyses(folder)
    names = {c.code: c.name for c in scenario.contingents}
    feasible_groups = {(g["mandate"], g["vetoes"]) for g in data["minimal_coalitions"]
                       if g["coalitions"]}
    rows = [r for r in data["criticality"] if (r["mandate"], r["vetoes"]) in feasible_groups]
    assert rows and any(r["breaks"] for r in rows)
    for r in rows:
        share = f"{r['breaks'] / r['of']:.0%}" if r["of"] else "-"
        assert pdf.squeezed(f"{r['nation']} {names[r['nation']]} {r['breaks']} {r['of']} "
                            f"{share}") in briefed["section"]
    assert pdf.squeezed("What each veto costs") in briefed["section"]
    assert pdf.squeezed("all vetoes") in briefed["section"]


def test_every_page_carries_the_marking_and_the_sweep_is_a_progress_step(briefed):
    assert [i + 1 for i, t in enumerate(briefed["texts"]) if t.count(MARKING) < 2] == []
    whats = [what for _, _, what in briefed["steps"]]
    assert "what-if sweep" in whats
    assert briefed["steps"][-1][0] == briefed["steps"][-1][1]  # the count includes the sweep


def test_the_sweep_charts_are_vector_graphics_with_their_text_as_text(briefed, pdf, tmp_path):
    text = briefed["section"]
    for words in ("Outcome of every swept case, by nation", "cases with the nation in the "
                  "coalition", "Criticality: coalitions that fail without the nation",
                  "broken by its departure"):
        assert pdf.squeezed(words) in text
    tool = shutil.which("pdfimages")
    if tool is None:
        pytest.skip("pdfimages (poppler-utils) is not installed")
    path = tmp_path / "brief.pdf"
    path.write_bytes(briefed["pdf"])
    first, last = briefed["pages"][0] + 1, briefed["pages"][-1] + 1
    listing = subprocess.run([tool, "-list", "-f", str(first), "-l", str(last), str(path)],
                             capture_output=True, text=True, check=True).stdout
    assert len(listing.strip().splitlines()) == 2  # the header lines: no raster image


def test_the_html_briefing_has_the_sweep_section_and_its_charts(swept):
    from planner.briefing import briefing_html
    scenario, table, plan, folder = swept
    page = briefing_html(scenario, plan, mandate="chapter-vi", table=table, solve_limit_s=2,
                         sweep=folder / "results.parquet", sweep_name="pledging round 3")
    assert f"<h2>{SECTION}</h2>" in page
    assert "pledging round 3: 44 cases" in page
    assert page.count('src="data:image/svg+xml;base64,') >= 2 + 2  # maps, then the charts


def run(*argv):
    from planner.cli.main import main
    return main([str(a) for a in argv])


def test_planner_report_sweep_adds_the_section_and_refuses_another_scenarios_results(
        swept, tmp_path, capsys, pdf):
    scenario, _, _, folder = swept
    out = tmp_path / "brief.pdf"
    assert run("report", folder / "plan.geojson", "--scenario", scenario.root, "--sweep",
               folder / "results.parquet", "--solve-limit", "2", "-o", out) == 0
    assert any(SECTION in pdf.header(t) for t in pdf.texts(out.read_bytes(), tmp_path))
    capsys.readouterr()
    refused = tmp_path / "refused.pdf"
    assert run("report", "data/gaza-isf/example-plan.geojson", "--sweep",
               folder / "results.parquet", "-o", refused) == 2
    err = capsys.readouterr().err
    assert f"{folder / 'results.parquet'}: field 'coalition': value 'AAA': not a contingent " \
           "of Gaza ISF" in err
    assert not refused.exists()
    assert run("report", folder / "plan.geojson", "--scenario", scenario.root, "--sweep",
               folder / "plan.geojson", "-o", refused) == 2
    assert "not a Parquet file" in capsys.readouterr().err


def test_the_section_names_the_bundled_scenarios_contingents_and_says_when_results_differ(gaza):
    from planner.briefing.sweep import sweep_sections
    from planner.sweep.problem import folder_digest

    def row(coalition, feasible, digest, troops=None):
        return {"case": f"chapter-vi|on|1|{coalition}", "coalition": coalition,
                "size": len(coalition.split("+")), "mandate": "chapter-vi", "vetoes": "on",
                "troop_scale": 1.0, "feasible": feasible,
                "status": "OPTIMAL" if feasible else "INFEASIBLE", "decided_by": "solver",
                "troops": troops, "peak_troops": troops, "soft_penalty": 0.0 if feasible
                else None, "hard_violations": 0 if feasible else None, "rules": None,
                "explanation": None, "seconds": 0.1, "scenario": digest,
                "options": '{"seed": 0, "time_limit_s": 10.0}'}

    def texts(digest):
        rows = [row("IDN+PAK+EGY", True, digest, 40_000), row("IDN+PAK", False, digest),
                row("IDN+EGY", False, digest), row("PAK+EGY", False, digest)]
        sections, images = sweep_sections(gaza, rows)
        blocks = sections[0]["blocks"]
        return ([b["text"] for b in blocks if b["type"] == "para"],
                [r for b in blocks if b["type"] == "table" for r in b["rows"]], images)

    paragraphs, rows, images = texts(folder_digest(gaza.root))
    assert ["IDN + PAK + EGY", "3", "40,000", "40,000"] in rows
    assert ["IDN Indonesia", "1", "1", "100%"] in rows
    assert "10 s of deterministic solver time per case, seed 0" in paragraphs[0]
    assert not any("other scenario content" in p for p in paragraphs)
    assert set(images) == {"sweep-outcomes.svg", "sweep-criticality-1.svg"}
    assert all(svg.startswith(b"<?xml") for svg in images.values())
    paragraphs, _, _ = texts("another-digest")
    assert any("other scenario content" in p for p in paragraphs)


def test_the_same_results_give_the_same_section_and_chart_bytes(swept):
    from planner.briefing.sweep import sweep_sections
    scenario, _, _, folder = swept
    first = sweep_sections(scenario, folder / "results.parquet")
    again = sweep_sections(scenario, str(folder / "results.parquet"))
    assert first == again and len(first[1]) >= 3
