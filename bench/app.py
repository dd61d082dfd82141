"""App benchmark, in Chromium, on the bundled scenario and a synthetic 1,000-sector one:

- the median time from a lead change to the recoloured map, and the map's HTML size
  (goal: under 1 s and under 1 MB);
- the first open of a warm server: from loading the page to the sectors drawn (goal: 3 s);
- Optimize in the page against ``planner solve`` on the same inputs (the example plan, least
  change, the same time limit): goal within 1.5 times the command line's time.

Run: ``make bench-app`` (needs Debian's chromium).
"""
from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.browser import chromium_page, map_frame, running_app
from bench import common
from bench.common import machine
from bench.synthetic import write_synthetic
from planner.domain.derive import scenario_increments
from planner.ui.panels import starting_plan
from planner.ui.mapview import build_map, lead_colours, map_html_size, sector_display
from planner.domain.sectors import sector_table
from planner.files.scenario_file import load_scenario

COUNT_JS = "c => Array.from(document.querySelectorAll('path.leaflet-interactive'))" \
           ".filter(p => p.getAttribute('fill') === c).length"


def html_size(scenario) -> int:
    table = sector_table(scenario)
    plan = starting_plan(scenario, table)
    shown = sector_display(table, 1, plan)
    held = scenario.layers.held[scenario.layers.held["phase"] == 1]
    return map_html_size(build_map(scenario, 1, sectors_shown=shown, held=held,
                                   increments=scenario_increments(scenario)))


def coloured(page, colour) -> int:
    for _ in range(50):
        try:
            return map_frame(page).evaluate(COUNT_JS, colour)
        except Exception:  # the map document is being replaced
            page.wait_for_timeout(100)
    raise TimeoutError("map never settled")


def time_lead_changes(url, codes, colours, repeats):
    """Seconds from choosing a lead to that sector drawn in the lead's colour, each change."""
    times = []
    with chromium_page() as page:
        page.goto(url)
        map_frame(page)
        lead_box = page.get_by_role("combobox", name=re.compile("^Lead nation of"))
        current = lead_box.input_value()
        codes = [c for c in codes if c != current][:2]  # every choice is a real change
        for i in range(repeats):
            code = codes[i % 2]
            while lead_box.count() != 1:  # a rerun draws the new box beside the old one
                page.wait_for_timeout(50)
            before = coloured(page, colours[code])
            lead_box.click()
            start = time.perf_counter()
            page.get_by_role("option", name=code, exact=True).click()
            while coloured(page, colours[code]) <= before:
                if time.perf_counter() - start > 60:
                    raise TimeoutError(f"the map did not recolour for {code} within 60 s")
                page.wait_for_timeout(20)
            times.append(time.perf_counter() - start)
            print(f"  {code}: {times[-1]:.2f} s", file=sys.stderr, flush=True)
    return times


def time_first_open(url, repeats=3):
    """Seconds from loading the page in a new browser to the sectors drawn on the map (the
    server is warm: its scenario and tables are cached by an earlier visit)."""
    with chromium_page() as page:  # warm the server
        page.goto(url)
        map_frame(page)
    times = []
    for _ in range(repeats):
        with chromium_page() as page:
            start = time.perf_counter()
            page.goto(url)
            map_frame(page)
            times.append(time.perf_counter() - start)
    return times


SOLVE_S = 10


def time_optimize_in_page(url):
    """Seconds from pressing Optimize to the optimizer's answer shown (least change, the
    page's default, with the time limit set to SOLVE_S)."""
    with chromium_page() as page:
        page.goto(url)
        map_frame(page)
        box = page.get_by_label("Optimizer time limit (s)")
        box.fill(str(SOLVE_S))
        box.press("Enter")
        page.wait_for_timeout(1500)
        start = time.perf_counter()
        page.get_by_role("button", name="Optimize").click()
        page.get_by_role("button", name=re.compile("^(Apply|Dismiss)$")).first.wait_for(
            timeout=300_000)
        return time.perf_counter() - start


def time_optimize_cli(folder):
    """Seconds the command line takes to solve the same inputs: the whole command, and the
    solve it reports."""
    from planner.domain.sectors import sector_table as table_of
    from planner.files.planfile import write_plan
    scenario = load_scenario(folder)
    table = table_of(scenario)
    with tempfile.TemporaryDirectory() as tmp:
        ref = Path(tmp) / "reference.geojson"
        write_plan(starting_plan(scenario, table), table, ref)
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "planner", "solve", "--from", str(ref),
                              "--time-limit", str(SOLVE_S), "-o", str(Path(tmp) / "out.csv"),
                              *(["--scenario", folder] if folder else [])],
                             capture_output=True, text=True)
        wall = time.perf_counter() - start
    found = re.search(r"time ([\d.]+) s", out.stdout)
    return wall, float(found.group(1)) if found else float("nan")


def main():
    edits, opens, solves = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        synth = str(write_synthetic(Path(tmp) / "s", sectors=(1000, 20, 20), contingents=8,
                                    rules="planning"))
        for name, folder in (("bundled (12 sectors in phase 1)", None),
                             ("synthetic (1,000 sectors in phase 1)", synth)):
            scenario = load_scenario(folder)
            codes = [c.code for c in scenario.contingents][:3]
            colours = lead_colours(c.code for c in scenario.contingents)
            size = html_size(scenario)
            with running_app(folder) as url:
                times = time_lead_changes(url, codes, colours, repeats=7)
                first = time_first_open(url)
                page_s = time_optimize_in_page(url) if folder is None else None
            edits.append([name, f"{statistics.median(times):.2f}", f"{max(times):.2f}",
                          f"{size / 1e6:.2f}"])
            opens.append([name, f"{statistics.median(first):.2f}", f"{max(first):.2f}"])
            if page_s is not None:
                wall, solve_s = time_optimize_cli(folder)
                solves.append([name, f"{page_s:.2f}", f"{wall:.2f}", f"{solve_s:.2f}",
                               f"{page_s / wall:.2f}"])
    print(machine())
    print()
    print(common.table(["scenario", "median s, lead change to recoloured map", "slowest s",
                        "map HTML MB"], edits))
    print()
    print(common.table(["scenario", "median s, first open to drawn map (warm server)",
                        "slowest s"], opens))
    print()
    print(common.table([f"Optimize, least change, {SOLVE_S} s limit", "page s",
                        "command line s (whole)", "command line s (solve)",
                        "page / command line"], solves))


if __name__ == "__main__":
    main()
