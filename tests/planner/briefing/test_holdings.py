"""Who holds what in the briefing: parties, the force and authorities on the maps and in the
"Who holds what" tables, read back with pdftotext and pdftoppm: a disengagement of two armies
with a handover, a named line and a steady-state phase (tests/factory.py), and the bundled
plans (Gaza: a handover to police in a steady-state phase; southern Lebanon: a handover to
the Lebanese Armed Forces and the Blue Line as a named line)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from factory import disengagement

DATA = Path(__file__).resolve().parents[3] / "data"
BUNDLED = {"gaza": DATA / "gaza-isf", "lebanon": DATA / "south-lebanon"}
ROW = re.compile(r"^\s*(\S.*?)\s{2,}(withdrawing party|force \(its sectors\)|"
                 r"authority \(handed over\))\s+([\d,]+\.\d)\s+([\d.]+)%\s*$")
TOTAL = re.compile(r"^\s*Territory\s+([\d,]+\.\d)\s+100\.0%\s*$")


def _briefed(name, scenario, pdf, folder) -> dict:
    """A plan of the scenario (the bundled example plan, else the optimizer's), its
    briefing and the briefing's pages as text."""
    from planner.briefing import briefing_pdf
    from planner.domain.sectors import sector_table
    from planner.files.planfile import read_plan
    from planner.solver.optimize import solve
    table = sector_table(scenario)
    if name in BUNDLED:
        plan = read_plan(BUNDLED[name] / "example-plan.geojson", table,
                         [c.code for c in scenario.contingents])
    else:
        plan = solve(scenario, "chapter-vi", table=table, time_limit_s=5,
                     deterministic=True).plan
    data = briefing_pdf(scenario, plan, mandate="chapter-vi", when=pdf.when, table=table)
    return {"name": name, "scenario": scenario, "table": table, "plan": plan, "pdf": data,
            "texts": pdf.texts(data, folder), "rows": pdf.texts(data, folder, layout=True)}


@pytest.fixture(scope="module")
def disengaged(pdf, tmp_path_factory):
    from planner.files.scenario_file import load_scenario
    scenario = load_scenario(disengagement(tmp_path_factory.mktemp("dis") / "dis"))
    return _briefed("disengagement", scenario, pdf, tmp_path_factory.mktemp("read"))


@pytest.fixture(scope="module")
def gaza_briefed(gaza, pdf, tmp_path_factory):
    return _briefed("gaza", gaza, pdf, tmp_path_factory.mktemp("read"))


@pytest.fixture(scope="module")
def lebanon_briefed(pdf, tmp_path_factory):
    from planner.files.scenario_file import load_scenario
    scenario = load_scenario(BUNDLED["lebanon"])
    return _briefed("lebanon", scenario, pdf, tmp_path_factory.mktemp("read"))


@pytest.fixture(params=["disengagement", "gaza", "lebanon"])
def briefed(request):
    """The disengagement and the two bundled plans, each briefed once."""
    return request.getfixturevalue({"disengagement": "disengaged", "gaza": "gaza_briefed",
                                    "lebanon": "lebanon_briefed"}[request.param])


def _holdings_tables(briefed, pdf) -> dict[int, tuple[dict[str, tuple], float]]:
    """Per phase, the rows of the "Who holds what" table (holder -> kind, km², share) and
    the territory's km², as pdftotext reads them."""
    pages = [t for t in briefed["rows"] if "Who holds what" in pdf.header(t)]
    labels = {p.label: p.phase for p in briefed["scenario"].phases}
    out, phase = {}, None
    for line in "\n".join(pages).splitlines():
        if line.strip() in labels:
            phase = labels[line.strip()]
            out[phase] = ({}, None)
        elif (row := ROW.match(line)) and phase is not None:
            holder, kind, km2, share = row.groups()
            out[phase][0][holder] = (kind, float(km2.replace(",", "")), float(share))
        elif (total := TOTAL.match(line)) and phase is not None:
            out[phase] = (out[phase][0], float(total.group(1).replace(",", "")))
    return out


def test_holdings_table_gives_every_holders_area_summing_to_the_territory(briefed, pdf):
    scenario = briefed["scenario"]
    tables = _holdings_tables(briefed, pdf)
    assert sorted(tables) == scenario.phase_numbers
    land_km2 = scenario.zones.land.area / 1e6
    for phase, (rows, territory) in tables.items():
        assert territory == pytest.approx(land_km2, abs=0.05)
        assert "The force" in rows, f"phase {phase}: no row for the force"
        # each area is rounded to 0.1 km²: the rows sum to the territory within that
        assert sum(km2 for _, km2, _ in rows.values()) == \
            pytest.approx(territory, abs=0.05 * len(rows) + 1e-9)
        assert sum(share for _, _, share in rows.values()) == \
            pytest.approx(100, abs=0.05 * len(rows) + 1e-9)
    for phase, (rows, _) in tables.items():  # every holder of the phase, by its name
        here = scenario.zones.holdings(phase)
        names = {"The force" if k == "force" else "Army" if h == "army" else h
                 for h, k in zip(here["holder"], here["kind"])}
        assert set(rows) == names
    if briefed["name"] == "gaza":  # one army, named as such, holding about 15% at phase 3
        assert set(tables[3][0]) == {"Army", "The force"}
        assert tables[3][0]["Army"][2] == pytest.approx(15, abs=1)


def test_disengagement_tables_name_both_parties_and_the_authority(disengaged, pdf):
    tables = _holdings_tables(disengaged, pdf)
    assert tables[3][0] == {"West": ("withdrawing party", 8.0, 16.7),
                            "East": ("withdrawing party", 8.0, 16.7),
                            "The force": ("force (its sectors)", 28.0, 58.3),
                            "Civil Administration": ("authority (handed over)", 4.0, 8.3)}
    assert "Civil Administration" not in tables[2][0]  # handed over only from phase 3


def _map_page(briefed, pdf, phase: int) -> str:
    label = briefed["scenario"].phase_label(phase)
    return next(t for t in briefed["texts"] if f"Map: {label}" in pdf.header(t))


def test_each_phase_page_names_its_authorities_lines_handovers_and_steady_state(briefed,
                                                                                 pdf):
    from planner.briefing.holdings import handed_over_in, is_steady_state
    scenario, table = briefed["scenario"], briefed["table"]
    lines = scenario.layers.lines
    names = [] if lines is None else sorted(set(lines["name"].astype(str).str.strip()))
    seen = {"authority": 0, "line": 0, "handover": 0, "steady": 0}
    for phase in scenario.phase_numbers:
        page = pdf.squeezed(_map_page(briefed, pdf, phase))
        for authority in scenario.zones.handed[phase]:
            assert pdf.squeezed(f"handed over to {authority}") in page
            seen["authority"] += 1
        for name in names:
            assert pdf.squeezed(f"{name} (agreed line)") in page
            seen["line"] += 1
        for authority, ids in handed_over_in(table, phase).items():
            assert pdf.squeezed(f"{', '.join(ids)} handed over to {authority}.") in page
            seen["handover"] += 1
        steady = pdf.squeezed(f"{scenario.phase_label(phase)} opens no new ground to the "
                              "force: a steady state")
        assert (steady in page) == is_steady_state(scenario, table, phase)
        seen["steady"] += steady in page
    expected = {"disengagement": {"authority", "line", "handover", "steady"},
                "gaza": {"authority", "handover", "steady"},
                "lebanon": {"authority", "line", "handover"}}[briefed["name"]]
    assert {k for k, n in seen.items() if n} == expected


def test_map_legends_list_the_parties_authority_and_line_on_each_map(disengaged, pdf):
    first, last = (pdf.squeezed(_map_page(disengaged, pdf, p)) for p in (1, 3))
    for words in ("held by West in phase 3", "held by East in phase 3",
                  "handed over to Civil Administration", "Line A (agreed line)"):
        assert pdf.squeezed(words) in last
    assert pdf.squeezed("Line A (agreed line)") in first
    assert pdf.squeezed("held by West in phase 1") in first
    assert "handedoverto" not in first  # nothing is handed over yet: not in the legend


def test_phase_pages_say_what_is_handed_over_and_when_nothing_opens(disengaged, pdf):
    table = disengaged["table"]
    handed = [s for s, i in table.info.items() if i.handed_over == 3]
    assert handed
    pages = {p: pdf.squeezed(_map_page(disengaged, pdf, p)) for p in (1, 2, 3)}
    line = pdf.squeezed(f"{', '.join(handed)} handed over to Civil Administration.")
    steady = pdf.squeezed("Phase 3 opens no new ground to the force: a steady state")
    assert line in pages[3] and steady in pages[3]
    assert [p for p in (1, 2) if line in pages[p] or "steadystate" in pages[p]] == []


def test_handed_over_ground_is_drawn_in_its_authority_colour_not_as_a_sector(disengaged,
                                                                            tmp_path, pdf):
    from planner.briefing import phase_map_svg
    from planner.briefing.holdings import authority_colours
    scenario, plan, table = disengaged["scenario"], disengaged["plan"], disengaged["table"]
    handed = next(s for s, i in table.info.items() if i.handed_over == 3)
    svg = {p: phase_map_svg(scenario, plan, p, table=table).decode() for p in (2, 3)}
    assert f">{handed}<" in svg[2] and f">{handed}<" not in svg[3]  # its label, then none
    assert "Civil Administration" in svg[3] and "Civil Administration" not in svg[2]
    fill = authority_colours(scenario)["Civil Administration"]
    pages = pdf.images(disengaged["pdf"], tmp_path, dpi=60, first=3, last=4)
    drawn = [pdf.colour_pixels(page, fill) for page in pages]
    swatch = (9 / 72 * 60) * (6.5 / 72 * 60)
    assert drawn[0] == 0 and drawn[1] > 10 * swatch  # phase 2: none; phase 3: the strip


def test_each_party_has_its_own_tone_and_one_army_keeps_its_grey(briefed, tmp_path, pdf):
    from planner.briefing.ground import held_as_drawn
    from planner.briefing.holdings import HELD, party_colours
    scenario = briefed["scenario"]
    page = pdf.images(briefed["pdf"], tmp_path, dpi=60, first=2, last=2)[0]
    tones = {n: held_as_drawn(c) for n, c in party_colours(scenario).items()
             if n in scenario.zones.held_by_party[1]}
    assert len(set(tones.values())) == len(tones)
    thin = {n: c for n, c in tones.items() if pdf.colour_pixels(page, c, tolerance=4) < 2000}
    assert thin == {}
    if briefed["name"] == "gaza":
        assert list(tones.values()) == [held_as_drawn(HELD)]


def test_html_briefing_has_the_holdings_and_the_handover(disengaged, pdf):
    from planner.briefing import briefing_html
    page = briefing_html(disengaged["scenario"], disengaged["plan"], mandate="chapter-vi",
                         table=disengaged["table"], when=pdf.when)
    for words in ("<h2>Who holds what</h2>", "handed over to Civil Administration",
                  "Line A (agreed line)", "a steady state", "<td>Civil Administration</td>"):
        assert words in page


def test_two_named_lines_each_have_their_own_colour_and_dash_on_the_map_and_legend(tmp_path,
                                                                                   pdf):
    from shapely.geometry import LineString

    from factory import at, frame
    from geo.export import write_geojson
    from planner.briefing import briefing_html, phase_map_svg
    from planner.briefing.legend import line_entries
    from planner.domain.sectors import sector_table
    from planner.files.scenario_file import load_scenario
    from planner.solver.optimize import solve
    folder = disengagement(tmp_path / "two")
    write_geojson(frame({"name": ["Line A", "Line B"]},
                        [LineString([at(6000, -500), at(6000, 4500)]),
                         LineString([at(7000, -500), at(7000, 4500)])]),
                  folder / "lines.geojson")
    scenario = load_scenario(folder)
    looks = {e["label"]: (e["colour"], tuple(e["dash"])) for e in line_entries(scenario)}
    assert set(looks) == {"Line A (agreed line)", "Line B (agreed line)"}
    a, b = looks["Line A (agreed line)"], looks["Line B (agreed line)"]
    assert a[0] != b[0] and a[1] != b[1]  # apart in colour and in a black-and-white print
    table = sector_table(scenario)
    plan = solve(scenario, "chapter-vi", table=table, time_limit_s=5, deterministic=True).plan
    svg = phase_map_svg(scenario, plan, 1, table=table).decode()
    drawn = {colour: dash for dash, colour in re.findall(
        r"stroke-dasharray: ([\d.,]+); stroke-dashoffset: [\d.]+; stroke: (#[0-9a-f]{6})", svg)}
    assert a[0] in drawn and b[0] in drawn and drawn[a[0]] != drawn[b[0]]
    page = briefing_html(scenario, plan, mandate="chapter-vi", table=table, when=pdf.when)
    swatches = re.findall(r'<span class="swatch" style="([^"]*)"></span>Line [AB] \(agreed',
                          page)
    assert len(set(swatches)) == 2  # the same two swatches on every map page
    assert a[0] in swatches[0] and b[0] in swatches[1]


def test_map_page_troops_read_with_the_force_table_when_units_hold_no_ground(tmp_path, pdf):
    from factory import disengagement_with_staff
    from planner.briefing import briefing_html
    from planner.domain.sectors import sector_table
    from planner.files.scenario_file import load_scenario
    from planner.solver.optimize import solve
    scenario = load_scenario(disengagement_with_staff(tmp_path / "staff"))
    table = sector_table(scenario)
    plan = solve(scenario, "chapter-vi", table=table, time_limit_s=5, deterministic=True).plan
    page = briefing_html(scenario, plan, mandate="chapter-vi", table=table, when=pdf.when)
    in_sectors = sum(plan.get(1, s).total for s in table.open_in(1))
    assert f"Troops: {in_sectors:,} in sectors" in page
    assert f"220 more in units that hold no ground ({in_sectors + 220:,} in the force)" in page
    assert re.search(rf"<td>Total</td><td[^>]*>[^<]*</td><td[^>]*>{in_sectors + 220:,}</td>",
                     page)  # the force table of phase 1 (the first)
