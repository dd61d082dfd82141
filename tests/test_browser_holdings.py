"""Who holds what on the Plan page's map, in a real Chromium: at phase 3 of the disengagement
scenario the ground handed over to the Civil Administration is drawn hatched with its
tooltip, and Line A is drawn dashed with its name."""
import os
import re

import pytest

from bench.browser import ARGS, CHROMIUM, chromium_or_skip, map_frame, running_app

chromium_or_skip()

from playwright.sync_api import sync_playwright  # noqa: E402

from factory import disengagement  # noqa: E402
from test_browser import choose  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

HATCHED = 'path[fill^="url(#planner-hatch-"]'
LINE = 'path[stroke="#c51b7d"][stroke-dasharray]'


def hover_tooltip(frame, page, selector) -> str:
    """The tooltip text shown while the pointer rests on the middle of ``selector``'s
    first path."""
    box = frame.locator(selector).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = frame.locator(".leaflet-tooltip").last
    tip.wait_for(state="visible", timeout=10_000)
    return tip.inner_text()


def test_phase_3_draws_the_handed_over_ground_and_line_a_with_their_tooltips(tmp_path):
    folder = disengagement(tmp_path / "dis")
    with running_app(str(folder), workspace=str(tmp_path / "ws")) as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        outside = []
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
                else None)
        page.goto(url)
        page.get_by_text(re.compile(r"hard and \d+ soft violations")).first.wait_for()
        frame = map_frame(page)
        assert frame.locator(HATCHED).count() == 0  # nothing is handed over in phase 1
        choose(page, "Phase", "Phase 3")
        page.wait_for_timeout(2500)
        frame = map_frame(page)
        frame.wait_for_selector(HATCHED, state="attached", timeout=30_000)
        # the pattern the fill names exists in the map's document: the ground reads hatched
        assert frame.evaluate("""sel => {
            const id = document.querySelector(sel).getAttribute('fill').slice(5, -1);
            return document.getElementById(id) !== null;
        }""", HATCHED)
        assert "Handed over to Civil Administration in phase 3" in hover_tooltip(
            frame, page, HATCHED)
        assert frame.locator(LINE).count() == 1
        assert "Line A" in hover_tooltip(frame, page, LINE)
        legend = page.get_by_text("handed over to Civil Administration (phase 3)")
        assert legend.count() >= 1 and page.get_by_text("agreed line: Line A").count() >= 1
        if os.environ.get("HOLDINGS_SCREENSHOT"):  # to look at it: a path to write to
            page.mouse.move(5, 5)
            page.screenshot(path=os.environ["HOLDINGS_SCREENSHOT"], full_page=False)
        browser.close()
    assert outside == []
