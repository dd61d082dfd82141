"""Briefings read back with pdftotext and pdftoppm: the bundled plan and a mini scenario's."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[3] / "data" / "gaza-isf" / "example-plan.geojson"
HANDED_OVER = re.compile(r"(?:[\w-]+,?\s+)+(?:and [\d,]+ more\s+)?handed\s+over\s+to\s")
TABLE_SECTIONS = ["Who holds what", "Force by phase", "Sectors by phase", "Rule compliance",
                  "Violations", "Other mandate: does a plan exist?"]


def _gaza_plan(scenario, table):
    from planner.files.planfile import read_plan
    plan = read_plan(EXAMPLE, table, [c.code for c in scenario.contingents])
    return plan.with_pin(2, "P1-S03")


def _mini_plan(scenario, table):
    """The optimizer's plan with a vetoed lead put in (a hard violation) and a lock."""
    from planner.solver.optimize import solve
    plan = solve(scenario, "chapter-vi", table=table, time_limit_s=5, deterministic=True).plan
    return plan.with_lead(1, "P1-S02", "DDD").with_pin(2, "P2-S01")


@pytest.fixture(scope="module", params=["gaza", "mini"])
def briefed(request, gaza, mini_shared, pdf, tmp_path_factory):
    """A plan with a lock and broken rules, its check report, its briefing and its pages."""
    from planner.briefing import briefing_pdf
    from planner.domain.sectors import sector_table
    from planner.rules.check import check
    scenario = gaza if request.param == "gaza" else mini_shared
    table = sector_table(scenario)
    plan = (_gaza_plan if request.param == "gaza" else _mini_plan)(scenario, table)
    steps = []
    data = briefing_pdf(scenario, plan, mandate="chapter-vi", plan_name="example-plan",
                        revision=3, author="Planning cell", when=pdf.when, table=table,
                        progress=lambda done, total, what: steps.append((done, total, what)))
    return {"scenario": scenario, "plan": plan, "table": table, "pdf": data, "steps": steps,
            "report": check(plan, scenario, "chapter-vi", table=table),
            "texts": pdf.texts(data, tmp_path_factory.mktemp("text")),
            "rows": pdf.texts(data, tmp_path_factory.mktemp("rows"), layout=True)}


def test_briefing_names_every_sector_contingent_and_violation(briefed, pdf):
    scenario, texts = briefed["scenario"], briefed["texts"]
    everything = "\n".join(texts)
    flat = pdf.squeezed(everything)
    assert [s for s in briefed["table"].ids if s not in everything] == []
    assert [c.code for c in scenario.contingents if c.code not in everything] == []
    assert [c.name for c in scenario.contingents if c.name not in everything] == []
    violations = briefed["report"].violations
    assert briefed["report"].hard and [v.message for v in violations
                                       if pdf.squeezed(v.message) not in flat] == []


def test_cover_gives_plan_revision_author_date_and_whole_disclaimer(briefed, pdf):
    scenario, cover = briefed["scenario"], briefed["texts"][0]
    for word in ("example-plan, revision 3", "Planning cell", "2025-11-03 14:05 UTC",
                 scenario.mandates["chapter-vi"].label, scenario.name,
                 "The plan breaks hard rules"):
        assert word in cover
    assert pdf.squeezed(scenario.disclaimer) in pdf.squeezed(cover)


def test_marking_heads_and_foots_every_page(gaza, briefed):
    marking = briefed["scenario"].marking
    if not marking:  # the mini scenario has none: no page shows one
        assert gaza.marking not in "\n".join(briefed["texts"])
        return
    assert marking == "UNCLASSIFIED // ILLUSTRATIVE"
    assert [i + 1 for i, t in enumerate(briefed["texts"]) if t.count(marking) < 2] == []


def test_pages_are_cover_then_a_map_per_phase_then_tables(briefed, pdf):
    texts, labels = briefed["texts"], [p.label for p in briefed["scenario"].phases]
    assert "Contents" in texts[0]
    maps, rest = texts[1:1 + len(labels)], texts[1 + len(labels):]
    assert [f"Map: {label}" in pdf.header(t) for t, label in zip(maps, labels)] == \
        [True] * len(labels)
    # the running header's line as laid out (a page a table runs over reads its rows first)
    rest = briefed["rows"][1 + len(labels):]
    heads = [next((s for s in TABLE_SECTIONS if s in pdf.header(t)), None) for t in rest]
    assert None not in heads
    assert sorted(set(heads), key=TABLE_SECTIONS.index) == TABLE_SECTIONS
    assert heads == sorted(heads, key=TABLE_SECTIONS.index)  # sections in order, no map between


def test_each_map_names_the_sectors_open_in_its_phase(briefed):
    table, texts = briefed["table"], briefed["texts"]
    for i, phase in enumerate(briefed["scenario"].phase_numbers, start=1):
        assert [s for s in table.open_in(phase) if s not in texts[i]] == []
        later = [s for s in table.ids if s not in table.open_in(phase)]
        shown = HANDED_OVER.sub("", texts[i])  # a handed-over sector is named, not drawn
        assert [s for s in later if s in shown] == []


def test_map_pages_draw_lead_colours_and_hard_outlines(briefed, tmp_path, pdf):
    from planner.ui.mapview import HARD_OUTLINE, lead_colours
    scenario, plan = briefed["scenario"], briefed["plan"]
    colours = lead_colours(c.code for c in scenario.contingents)
    phases = scenario.phase_numbers
    images = pdf.images(briefed["pdf"], tmp_path, dpi=50, first=2, last=1 + len(phases))
    swatch = (9 / 72 * 50) * (6.5 / 72 * 50)  # a legend swatch's pixels at 50 dpi
    hard = {p for p, _ in briefed["report"].hard_keys()}
    for phase, image in zip(phases, images):
        assert (image.min(axis=2) < 250).mean() > 0.05, f"phase {phase} page is blank"
        leads = {a.lead for a in plan.phase(phase) if a.lead}
        thin = {n: pdf.colour_pixels(image, colours[n]) for n in leads
                if pdf.colour_pixels(image, colours[n]) < 4 * swatch}
        assert thin == {}, f"phase {phase}: lead colours barely drawn"
        if phase in hard:
            assert pdf.colour_pixels(image, HARD_OUTLINE, tolerance=30) > 4 * swatch


def test_progress_counts_every_step_to_the_end(briefed):
    scenario, steps = briefed["scenario"], briefed["steps"]
    total = len(scenario.phases) + 1 + (len(scenario.mandates) - 1) + 1
    assert [s[0] for s in steps] == list(range(1, total + 1))
    assert {s[1] for s in steps} == {total}
    assert steps[0][2] == "map of phase 1" and "typeset" in steps[-1][2]


def test_other_mandate_says_whether_a_plan_exists(briefed, pdf):
    page = next(t for t in briefed["texts"] if TABLE_SECTIONS[-1] in pdf.header(t))
    other = next(m for k, m in briefed["scenario"].mandates.items() if k != "chapter-vi")
    assert pdf.squeezed(f"No plan keeps every hard rule under {other.label}") in \
        pdf.squeezed(page)
    assert "disarmament" in page and "R-TASKS" in page
    cover = " ".join(briefed["texts"][0].split())
    assert f"Under {other.label}: no plan keeps every hard rule: R-TASKS" in cover


def test_the_force_table_offers_nothing_from_a_contingent_vetoed_everywhere(briefed, pdf):
    vetoed = [v for v in briefed["scenario"].vetoes if v.sectors is None]
    flat = pdf.squeezed("\n".join(briefed["texts"]))
    for v in vetoed:  # Gaza: Türkiye, vetoed by Israel everywhere
        assert pdf.squeezed(f"0 (vetoed by {v.by})") in flat
