"""The Compare page in a real Chromium (Debian's; never `playwright install`): the two maps
move together, a row of the change table selects its sector in both maps, the one-map view
hatches the changed sectors, and nothing is fetched from anywhere but the app."""
import re
import sys
from pathlib import Path

import pytest

from bench.browser import ARGS, CHROMIUM, chromium_or_skip, running_app

chromium_or_skip()

from playwright.sync_api import sync_playwright  # noqa: E402

# one xdist worker runs every browser test (they start app servers and Chromium)
pytestmark = [pytest.mark.slow, pytest.mark.flaky(reruns=2, reruns_delay=2),
              pytest.mark.xdist_group("browser")]

EDITS = [(1, "P1-S12", "IDN"), (1, "P1-S03", "EGY"), (1, "P1-S05", "PAK")]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app over a plan store where the working plan has three lead edits (so the page
    opens on the last two revisions, which differ in one sector)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from appstate import env_for, opened
    from planner.files.scenario_file import load_scenario
    from planner.files.store import PlanStore
    from planner.ui import actions
    folder = tmp_path_factory.mktemp("compare-workspace")
    env = env_for(load_scenario(), PlanStore(folder))
    state = opened(env)
    for phase, sector, lead in EDITS:
        state = actions.edit_lead(state, env, phase, sector, lead)
        assert not state.error, state.error
    with running_app(workspace=str(folder), PLANNER_POLL_SECONDS="0") as url:
        yield url


@pytest.fixture
def page(app_url):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_context(viewport={"width": 1500, "height": 1300}).new_page()
        pg.requests = []
        pg.on("request", lambda r: pg.requests.append(r.url))
        pg.goto(app_url)
        pg.get_by_text(re.compile(r"hard and \d+ soft violations")).first.wait_for(
            timeout=120_000)
        pg.get_by_role("link", name="Compare").click()
        pg.get_by_text("Compare plans").first.wait_for(timeout=60_000)
        yield pg
        browser.close()
        outside = [u for u in pg.requests if not u.startswith(app_url)
                   and not u.startswith(("data:", "about:", "blob:"))]
        assert not outside, f"requests left 127.0.0.1: {outside[:5]}"
        assert any(u == f"{app_url}/app/static/leaflet/L.Map.Sync.js" for u in pg.requests)


def maps_frame(page, count, timeout_ms=60_000, selected=None):
    """The frame of the compare map document once it shows ``count`` maps (and, when given,
    ``selected`` highlighted)."""
    waited = 0
    while waited < timeout_ms:
        for frame in page.frames:
            try:
                if frame.evaluate("window.compareMaps ? window.compareMaps.length : 0") == count \
                        and (selected is None
                             or frame.evaluate("window.compareSelected") == selected):
                    return frame
            except Exception:  # a frame going away as the page reruns
                pass
        page.wait_for_timeout(250)
        waited += 250
    raise AssertionError(f"no compare map document with {count} maps"
                         + (f" and {selected} selected" if selected else ""))


VIEWS = """() => window.compareMaps.map(m => {
    const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; })"""


def views(frame):
    return [tuple(v) for v in frame.evaluate(VIEWS)]


def wait_views(page, frame, differ_from):
    """The maps' views once they moved away from ``differ_from`` and agree with each other."""
    for _ in range(80):
        now = views(frame)
        if now[0] != differ_from and now[0] == pytest.approx(now[1], abs=1e-9):
            return now
        page.wait_for_timeout(250)
    raise AssertionError(f"the maps did not move together: {views(frame)} from {differ_from}")


def test_the_two_maps_zoom_and_pan_together(page):
    frame = maps_frame(page, 2)
    first = views(frame)
    assert first[0] == pytest.approx(first[1])
    left = frame.locator("#map0")
    left.locator(".leaflet-control-zoom-in").click()  # zoom the left map
    zoomed = wait_views(page, frame, first[0])
    assert zoomed[1][2] == first[1][2] + 1
    page.wait_for_timeout(1000)  # let the zoom animation end (a drag during it is ignored)
    box = frame.locator("#map1").bounding_box()  # drag the right map
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x - 12 * step, y - 8 * step)
        page.wait_for_timeout(30)
    page.mouse.up()
    panned = wait_views(page, frame, zoomed[0])
    assert panned[0][:2] != pytest.approx(zoomed[0][:2])
    assert panned[0][2] == zoomed[0][2]


def test_a_row_of_the_change_table_selects_its_sector_in_both_maps_and_one_map_hatches(page):
    maps_frame(page, 2)
    grid = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # the first row's selection box: left edge, below the header row
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)
    sector = EDITS[-1][1]
    frame = maps_frame(page, 2, selected=sector)
    outlined = frame.evaluate("""() => ['#map0', '#map1'].map(id => Array.from(
        document.querySelectorAll(id + ' path')).filter(p =>
            p.getAttribute('stroke') === '#000000' && p.getAttribute('stroke-width') === '5')
        .length)""")
    assert outlined == [1, 1]
    page.get_by_text("One map, changed sectors hatched").click()
    frame = maps_frame(page, 1)
    fills = frame.evaluate("""() => Array.from(document.querySelectorAll('#map0 path'))
        .map(p => p.getAttribute('fill'))""")
    assert sum(f.startswith("url(#hatch-") for f in fills if f) == 1
    assert frame.evaluate("document.querySelectorAll('#map0 pattern').length") == 1
