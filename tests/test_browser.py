"""The app in a real Chromium, driven by Playwright (Debian's chromium; never `playwright install`)."""
import json
import re
from pathlib import Path

import pytest

from bench.browser import ARGS, CHROMIUM, chromium_or_skip, map_frame, running_app

chromium_or_skip()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

# Under CPU load the first click on a sector is sometimes not registered by the map
# component although the map is settled and the click lands on the sector (known, not
# understood: see the issue notes). The test re-aims up to four times; a rerun is the last
# resort.
pytestmark = [pytest.mark.slow, pytest.mark.flaky(reruns=3, reruns_delay=2),
              pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def workspace_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("browser-workspace")


@pytest.fixture(scope="module")
def app_url(workspace_dir):
    with running_app(workspace=str(workspace_dir)) as url:
        yield url


@pytest.fixture
def page(app_url, tmp_path):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1500, "height": 1100},
                                      accept_downloads=True)
        pg = context.new_page()
        pg.requests = []
        pg.on("request", lambda r: pg.requests.append(r.url))
        pg.goto(app_url)
        yield pg
        browser.close()


def sector_path(page, sector_id, attempts=10):
    """The map path of a sector, found by hovering paths until its tooltip names it.

    Retries while the map re-renders (its iframe document is replaced after each edit).
    """
    for _ in range(attempts):
        try:
            frame = map_frame(page)
            frame.wait_for_selector("path.leaflet-interactive", state="attached")
            for path in frame.query_selector_all("path.leaflet-interactive"):
                try:
                    path.hover(timeout=1000)
                except Exception:
                    continue
                tip = frame.query_selector(".leaflet-tooltip")
                if tip and re.search(rf"\b{sector_id}\b", tip.inner_text()):
                    return frame, path
        except Exception:  # the document went away mid-search: look again
            pass
        page.wait_for_timeout(1000)
    raise AssertionError(f"no sector {sector_id} on the map")


INSIDE_JS = """path => {
    const b = path.getBoundingClientRect();
    for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
        const x = b.left + b.width * i / 12, y = b.top + b.height * j / 12;
        if (document.elementFromPoint(x, y) === path) return [x, y];
    }
    return null;
}"""


def click_inside(page, frame, path):
    """A real mouse click at a point where the path itself is on top (not a neighbour,
    a border line or a crossing marker that happens to cover the box's centre)."""
    point = frame.evaluate(INSIDE_JS, path)
    assert point, "no visible point inside the sector"
    box = frame.frame_element().bounding_box()
    page.mouse.move(box["x"] + point[0], box["y"] + point[1])
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def hard_violations(page) -> int:
    text = page.get_by_text(re.compile(r"\d+ hard and \d+ soft violations")).first.inner_text()
    return int(re.search(r"(\d+) hard and", text).group(1))


def test_click_sector_change_lead_see_map_and_violations_change_and_download(page, tmp_path):
    page.get_by_text(re.compile(r"hard and \d+ soft violations")).first.wait_for()
    before = hard_violations(page)
    sector_box = page.get_by_role("combobox", name="Sector", exact=True)
    for attempt in range(6):  # the first reruns can replace the map under the pointer
        frame, path = sector_path(page, "P1-S12")
        colour = path.get_attribute("fill")
        click_inside(page, frame, path)
        try:
            expect(sector_box).to_have_value("P1-S12", timeout=10_000)
            break
        except AssertionError:
            if attempt == 5:
                raise
    choose(page, "Lead nation of P1-S12", "IDN")
    page.wait_for_function(
        "n => !document.body.innerText.includes(n + ' hard and')", arg=str(before),
        timeout=30_000)
    assert hard_violations(page) != before
    frame, path = sector_path(page, "P1-S12")
    assert path.get_attribute("fill") != colour
    with page.expect_download() as download:
        page.get_by_text("Plan (GeoJSON)").click()
    target = tmp_path / "plan.geojson"
    download.value.save_as(target)
    doc = json.loads(target.read_text(encoding="utf-8"))
    row = next(f["properties"] for f in doc["features"]
               if f["properties"]["sector_id"] == "P1-S12" and f["properties"]["phase"] == 1)
    assert row["lead"] == "IDN"
    outside = [u for u in page.requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert outside == []


def test_importing_a_bad_plan_shows_the_error_in_the_page_and_changes_nothing(page, tmp_path):
    page.get_by_text(re.compile(r"hard and \d+ soft violations")).first.wait_for()
    before = hard_violations(page)
    bad = tmp_path / "mine.csv"
    bad.write_text("phase,sector_id,nation,troops,lead\n1,P1-S01,NOPE,5,true\n", encoding="utf-8")
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Import a plan") \
        .locator('input[type="file"]').set_input_files(str(bad))
    alert = page.get_by_text(re.compile(r"Nothing was imported"))
    alert.wait_for(timeout=30_000)
    text = page.locator('[data-testid="stAlert"]').filter(has_text="Nothing was imported").inner_text()
    assert "mine.csv: row 1 (line 2) (id 'P1-S01'): column 'nation': value 'NOPE'" in text
    assert hard_violations(page) == before


def wait_until(condition, timeout_s=30.0):
    """Wait for a condition on the plan store (the page saves in its rerun, after the click)."""
    import time
    deadline = time.time() + timeout_s
    while not condition():
        assert time.time() < deadline, "timed out waiting for the plan store"
        time.sleep(0.2)


def alert(page, pattern):
    """The first alert box (info, warning, error) of the page whose text matches."""
    return page.locator('[data-testid="stAlert"]').filter(has_text=re.compile(pattern)).first


def choose(page, box, option, attempts=4):
    """Choose ``option`` in the combobox named ``box``; again if a rerun replaced the box
    while it was open (choosing a sector draws the panel of that sector)."""
    for attempt in range(attempts):
        try:
            page.get_by_role("combobox", name=box, exact=True).click(timeout=10_000)
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            expect(page.get_by_role("combobox", name=box, exact=True)).to_have_value(option, timeout=10_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            page.wait_for_timeout(1000)


def choose_lead(page, sector, lead):
    choose(page, "Sector", sector)
    choose(page, f"Lead nation of {sector}", lead)


def test_a_page_notices_another_planners_revision_within_seconds(page, app_url,
                                                                 workspace_dir):
    from planner.files.store import PlanStore
    other = page.context.new_page()
    other.goto(app_url)
    for p in (page, other):
        p.get_by_text(re.compile(r"hard and \d+ soft violations")).first.wait_for()
    choose_lead(other, "P1-S04", "ITA")
    wait_until(lambda: PlanStore(workspace_dir).revision("main").plan.get(1, "P1-S04").lead
               == "ITA")
    # the first page is told, without any click, who changed what
    alert(page, r"P1-S04 \(phase 1\): lead .* (->|→) ITA").wait_for(timeout=15_000)
    expect(page.get_by_role("combobox", name=re.compile("^Lead nation of"))).to_be_visible()


def test_two_pages_saving_from_one_revision_are_merged(tmp_path):
    """With live updates off, the second page saves from an older revision: its change is
    merged with the first page's, nothing is refused or lost."""
    from planner.files.store import PlanStore
    with running_app(workspace=str(tmp_path), PLANNER_POLL_SECONDS="0") as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        first, second = context.new_page(), context.new_page()
        for pg in (first, second):
            pg.goto(url)
            pg.get_by_text(re.compile(r"hard and \d+ soft violations")).first.wait_for()
        choose_lead(first, "P1-S03", "EGY")
        choose_lead(second, "P1-S04", "ITA")
        alert(second, "merged with revision").wait_for(timeout=30_000)
        wait_until(lambda: PlanStore(tmp_path).latest_number("main") == 3)
        plan = PlanStore(tmp_path).revision("main").plan
        assert plan.get(1, "P1-S03").lead == "EGY" and plan.get(1, "P1-S04").lead == "ITA"
        browser.close()


def test_optimize_then_download_writes_nothing_and_everything_agrees(page, workspace_dir,
                                                                     tmp_path):
    """Bug 1 of the app-state issue: pick a sector, optimize, download: no traceback, and the
    download, the side panel and the store hold the same plan."""
    from planner.files.store import PlanStore
    page.get_by_text(re.compile(r"hard and \d+ soft violations")).first.wait_for()
    choose(page, "Sector", "P1-S12")
    store = PlanStore(workspace_dir)
    opened_at = store.latest_number("main")
    page.get_by_role("button", name="Optimize").click()
    page.get_by_role("button", name="Apply").click(timeout=60_000)
    expect(page.get_by_role("button", name="Apply")).to_have_count(0, timeout=30_000)
    wait_until(lambda: store.latest_number("main") == opened_at + 1)
    before = store.latest_number("main")
    saved = store.revision("main").plan
    for label, name in (("Assignments (CSV)", "plan.csv"), ("Plan (GeoJSON)", "plan.geojson")):
        with page.expect_download() as download:
            page.get_by_text(label).click()
        download.value.save_as(tmp_path / name)
    page.wait_for_timeout(1500)
    body = page.inner_text("body")
    assert "Traceback" not in body and "KeyError" not in body
    assert store.latest_number("main") == before  # downloads write nothing
    from planner.domain.sectors import sector_table
    from planner.files.planfile import read_plan
    from planner.files.scenario_file import load_scenario
    scenario = load_scenario()
    table = sector_table(scenario)
    codes = [c.code for c in scenario.contingents]
    for name in ("plan.csv", "plan.geojson"):
        assert read_plan(tmp_path / name, table, codes) == saved, name
    lead = saved.get(1, "P1-S12").lead
    expect(page.get_by_role("combobox", name="Lead nation of P1-S12")).to_have_value(lead)


SCRIPT = "<script>window.__xss = 1; alert(1)</script>"
IMAGE = '<img src=x onerror="window.__xss = 2; alert(2)">'


def test_names_with_markup_from_a_scenario_are_shown_as_text_and_never_run(tmp_path):
    import shutil

    from bench.browser import running_app
    folder = tmp_path / "hostile"
    shutil.copytree(Path(__file__).parents[1] / "data" / "gaza-isf", folder)
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Indonesia", f"name: {json.dumps(SCRIPT)}")
    text = text.replace("name: Pakistan", f"name: {json.dumps(IMAGE)}")
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    places = json.loads((folder / "places.geojson").read_text(encoding="utf-8"))
    for f in places["features"]:
        f["properties"]["name"] = IMAGE
    (folder / "places.geojson").write_text(json.dumps(places), encoding="utf-8")
    with running_app(str(folder)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        dialogs, errors = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url)
        page.get_by_text(re.compile(r"hard and \d+ soft violations")).first.wait_for()
        frame = map_frame(page)
        for path in frame.query_selector_all("path.leaflet-interactive")[:40]:
            try:
                path.hover(timeout=500)  # open tooltips, crossings' included
            except Exception:
                pass
        page.wait_for_timeout(1000)
        body = page.inner_text("body")
        assert SCRIPT in body and IMAGE in body  # shown, as text
        assert dialogs == []
        assert page.evaluate("() => window.__xss") is None
        assert frame.evaluate("() => window.__xss") is None
        assert not [e for e in errors if "xss" in e or "alert" in e]
        browser.close()
