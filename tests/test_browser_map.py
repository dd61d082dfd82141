"""The Plan page's map in a real Chromium: it fits the territory, labels sectors, highlights the
selection, finds sectors, and shows a basemap from a local tile folder with no outside request."""
import re
from pathlib import Path

import pytest

from bench.browser import ARGS, CHROMIUM, chromium_or_skip, map_frame, running_app

chromium_or_skip()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from test_browser import choose  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

TERRITORY = 'path[fill="#f5f1e6"]'


def make_tiles(folder: Path, bounds=(34.2, 31.2, 34.6, 31.62), zooms=range(8, 14)) -> int:
    """Plain 256 x 256 PNG tiles covering ``bounds`` at ``zooms`` (z/x/y.png)."""
    import math

    from PIL import Image
    tile = Image.new("RGB", (256, 256), (205, 226, 205))
    count = 0
    for z in zooms:
        n = 2 ** z

        def xy(lon, lat):
            x = int((lon + 180) / 360 * n)
            y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
            return x, y
        (x0, y1), (x1, y0) = xy(bounds[0], bounds[1]), xy(bounds[2], bounds[3])
        for x in range(x0 - 1, x1 + 2):
            for y in range(y0 - 1, y1 + 2):
                path = folder / str(z) / str(x) / f"{y}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                tile.save(path)
                count += 1
    return count


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tiles = tmp_path_factory.mktemp("tiles")
    make_tiles(tiles)
    with running_app(workspace=str(tmp_path_factory.mktemp("ws")),
                     PLANNER_BASEMAP=str(tiles)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.requests, page.tiles = [], []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("response", lambda r: page.tiles.append((r.url, r.status))
                if "/basemaps/" in r.url else None)
        page.goto(url)
        page.get_by_text(re.compile(r"hard and \d+ soft violations")).first.wait_for()
        yield page
        browser.close()


def territory_share(page) -> float:
    """How much of the map's width or height the territory's box fills (the larger)."""
    frame = map_frame(page)
    frame.wait_for_selector(TERRITORY, state="attached")
    return frame.evaluate("""sel => {
        const box = document.querySelector(sel).getBoundingClientRect();
        const map = document.querySelector('.leaflet-container').getBoundingClientRect();
        return Math.max(box.width / map.width, box.height / map.height);
    }""", TERRITORY)


def test_the_map_fits_the_territory_on_open_and_after_a_phase_change(served):
    page = served
    page.wait_for_timeout(1500)
    assert territory_share(page) >= 0.6
    choose(page, "Phase", "Phase 3: security perimeter")
    page.wait_for_timeout(3000)
    assert territory_share(page) >= 0.6


def test_sectors_are_labelled_where_they_fit_and_the_selection_is_highlighted(served):
    page = served
    frame = map_frame(page)
    frame.wait_for_selector(".planner-label", state="attached")
    shown = frame.evaluate("""() => [...document.querySelectorAll('.planner-label')]
        .filter(e => e.offsetParent !== null).map(e => e.textContent)""")
    assert len(shown) >= 3 and all(re.match(r"P\d-S\d+", t) for t in shown)
    assert frame.evaluate("""() => document.querySelectorAll(
        'path[stroke-width="5"]').length""") == 1


def test_finding_a_sector_selects_it_and_zooms_the_map_to_it(served):
    page = served
    before = map_frame(page).evaluate(
        "sel => document.querySelector(sel).getBoundingClientRect().width", TERRITORY)
    choose(page, "Find a sector or place", "P1-S07")
    expect(page.get_by_role("combobox", name="Sector", exact=True)).to_have_value("P1-S07", timeout=20_000)
    page.wait_for_timeout(2000)
    after = map_frame(page).evaluate(
        "sel => document.querySelector(sel).getBoundingClientRect().width", TERRITORY)
    assert after > 1.5 * before  # zoomed in on the sector


def test_a_local_tile_folder_is_the_basemap_and_nothing_is_fetched_from_outside(served):
    page = served
    page.wait_for_timeout(1000)
    ok = [u for u, status in page.tiles if status == 200 and u.endswith(".png")]
    assert ok and all(u.startswith("http://127.0.0.1") for u in ok)
    outside = [u for u in page.requests
               if not u.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))]
    assert outside == []
