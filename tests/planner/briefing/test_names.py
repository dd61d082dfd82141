"""Names from a scenario are printed as text: markup characters and other scripts included."""
from __future__ import annotations

import base64
import html
import re

import pytest

from factory import write_scenario

HOSTILE = {
    "scenario": "Mini <script>alert('x')</script> & #set $x$",
    "marking": "RESTRICTED // #1 & $2 <b>",
    "phase": "Phase #1: *bold* _under_ [link] @ref \\ $",
    "AAA": "Ålånd <img src=x onerror=alert(1)>",
    "BBB": "Бланд & Co",           # Cyrillic
    "CCC": "مصر عربي",               # Arabic
    "DDD": "ארץ דלנד",             # Hebrew
    "place": "Gate `raw` // $$ #let",
    "disclaimer": "Test data: <i>not</i> real & never #include'd ${HOME}.",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The mini scenario with hostile names everywhere, and a plan of it that breaks rules."""
    import copy

    from factory import MINI_LAYERS, MINI_YAML
    from planner.domain.plan import Assignment, Plan
    from planner.files.scenario_file import load_scenario
    doc = copy.deepcopy(MINI_YAML)
    doc["name"], doc["marking"] = HOSTILE["scenario"], HOSTILE["marking"]
    doc["disclaimer"] = HOSTILE["disclaimer"]
    doc["phases"][0]["label"] = HOSTILE["phase"]
    for c in doc["contingents"]:
        c["name"] = HOSTILE[c["code"]]
    places = MINI_LAYERS["places"]()
    places.loc[1, "name"] = HOSTILE["place"]
    folder = write_scenario(tmp_path_factory.mktemp("hostile") / "s", doc, {"places": places})
    scenario = load_scenario(folder)
    plan = Plan.from_assignments([
        Assignment(1, "P1-S01", "AAA", {"AAA": 200}), Assignment(1, "P1-S02", "DDD", {"DDD": 100}),
        Assignment(2, "P1-S01", "AAA", {"AAA": 200}), Assignment(2, "P1-S02", "BBB", {"BBB": 150}),
        Assignment(2, "P2-S01", "CCC", {"CCC": 100}),
        Assignment(2, "P2-S02", "BBB", {"BBB": 100})])
    return scenario, plan


def test_hostile_names_come_out_of_the_pdf_as_text(hostile, tmp_path, pdf):
    from planner.briefing import briefing_pdf
    scenario, plan = hostile
    data = briefing_pdf(scenario, plan, mandate="chapter-vi", plan_name="<plan> #2 $",
                        author="O'Brien & <Søn>", when=pdf.when)
    texts = pdf.texts(data, tmp_path)
    flat = pdf.squeezed("\n".join(texts))
    names = list(HOSTILE.values()) + ["<plan> #2 $", "O'Brien & <Søn>"]
    assert [n for n in names if pdf.squeezed(n) not in flat] == []
    assert [i for i, t in enumerate(texts) if t.count(HOSTILE["marking"]) < 2] == []


def test_hostile_names_are_escaped_in_the_html(hostile, pdf):
    from planner.briefing import briefing_html
    scenario, plan = hostile
    page = briefing_html(scenario, plan, mandate="chapter-vi", author="<script>x</script>",
                         when=pdf.when)
    assert "<script" not in page and "<img" not in page.replace('<img alt="Map:', "")
    maps = [base64.b64decode(m).decode("utf-8")
            for m in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)]
    assert len(maps) == len(scenario.phases) and all("<script" not in m for m in maps)
    for name in HOSTILE.values():
        if name == HOSTILE["place"]:  # named on the maps only
            assert all(html.escape(name, quote=False) in m for m in maps)
        else:
            assert html.escape(name, quote=True) in page
    assert page.count(html.escape(HOSTILE["marking"], quote=True)) >= 2 * (1 + 2 + 5)
