"""Same inputs, same bytes; the PNG map page; HTML; a comparison with another plan."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def mini_plans(mini_shared):
    """Two plans of the mini scenario: the optimizer's, and one with two leads changed."""
    from planner.domain.sectors import sector_table
    from planner.solver.optimize import solve
    table = sector_table(mini_shared)
    best = solve(mini_shared, "chapter-vi", table=table, time_limit_s=5, deterministic=True).plan
    other = best
    for phase, sector in ((1, "P1-S01"), (2, "P2-S02")):
        lead = best.get(phase, sector).lead
        other = other.with_lead(phase, sector, "BBB" if lead != "BBB" else "AAA")
    return mini_shared, table, best, other


def test_same_inputs_and_source_date_epoch_give_the_same_pdf_bytes(mini_plans, monkeypatch,
                                                                   tmp_path, pdf):
    from planner.briefing import briefing_pdf
    scenario, table, plan, _ = mini_plans
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = briefing_pdf(scenario, plan, mandate="chapter-vi", table=table)
    again = briefing_pdf(scenario, plan, mandate="chapter-vi")
    assert first == again and first.startswith(b"%PDF-")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700086400")  # one day later
    later = briefing_pdf(scenario, plan, mandate="chapter-vi", table=table)
    assert later != first
    assert "2023-11-14 22:13 UTC" in pdf.texts(first, tmp_path)[0]
    assert "2023-11-15 22:13 UTC" in pdf.texts(later, tmp_path)[0]


def test_phase_map_png_is_the_briefing_map_page(mini_plans, pdf):
    import io

    import numpy as np
    from PIL import Image

    from planner.briefing import phase_map_png
    from planner.ui.mapview import lead_colours
    scenario, table, plan, _ = mini_plans
    data = phase_map_png(scenario, plan, 2, table=table, when=pdf.when, ppi=100)
    assert data == phase_map_png(scenario, plan, 2, table=table, when=pdf.when, ppi=100)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert sorted(image.size) == [827, 1169]  # A4 at 100 pixels per inch (landscape here)
    pixels = np.asarray(image.convert("RGB"))
    colours = lead_colours(c.code for c in scenario.contingents)
    leads = {a.lead for a in plan.phase(2) if a.lead}
    assert leads and all(pdf.colour_pixels(pixels, colours[n]) > 500 for n in leads)
    with pytest.raises(ValueError, match="`phase` must be one of"):
        phase_map_png(scenario, plan, 7, table=table)


def test_html_briefing_has_every_section_and_sector(mini_plans, pdf):
    from planner.briefing import briefing_html
    scenario, table, plan, _ = mini_plans
    page = briefing_html(scenario, plan, mandate="chapter-vi", table=table, when=pdf.when)
    for title in ["Map: one", "Map: two", "Who holds what", "Force by phase",
                  "Sectors by phase", "Rule compliance", "Violations",
                  "Other mandate: does a plan exist?"]:
        assert f"<h2>{title}</h2>" in page
    assert all(s in page for s in table.ids) and "Test data" in page
    assert page == briefing_html(scenario, plan, mandate="chapter-vi", table=table,
                                 when=pdf.when)


def test_compare_lists_every_change_and_maps_the_changed_sectors(mini_plans, tmp_path, pdf):
    from planner.briefing import briefing_pdf
    from planner.compare import compare
    scenario, table, plan, other = mini_plans
    data = briefing_pdf(scenario, plan, mandate="chapter-vi", table=table, when=pdf.when,
                        compare=other, compare_name="draft 2")
    texts = pdf.texts(data, tmp_path)
    heads = [pdf.header(t) for t in texts]
    map_page = next(i for i, h in enumerate(heads) if "Map: changes from draft 2" in h)
    tables = [t for t, h in zip(texts, heads) if "Changes from draft 2" in h]
    assert map_page == len(texts) - 1 - len(tables)  # the comparison comes last
    changes = compare(other, plan, scenario, "chapter-vi", table=table).diff
    assert len(changes.lead_changes) == 2
    rows = pdf.texts(data, tmp_path, layout=True)[map_page + 1:]
    flat = pdf.squeezed("\n".join(rows))
    for c in changes.lead_changes:
        assert pdf.squeezed(f"{c.sector_id} {c.before} {c.after}") in flat
    assert "P1-S01" in texts[map_page] and "P2-S02" in texts[map_page]
    assert "From draft 2 to this plan: 2 lead changes" in " ".join(texts[map_page].split())


def test_fonts_come_from_debian_else_matplotlib_else_a_clear_error(monkeypatch, tmp_path):
    from pathlib import Path

    import matplotlib

    from planner.briefing import BriefingError, typeset
    assert (typeset.font_dir() / typeset.FONT_FILE).is_file()
    monkeypatch.setattr(typeset, "DEBIAN_FONTS", tmp_path / "no-fonts")
    assert typeset.font_dir() == Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    monkeypatch.setattr(matplotlib, "get_data_path", lambda: str(tmp_path / "no-mpl"))
    with pytest.raises(BriefingError, match="fonts-dejavu-core"):
        typeset.font_dir()
