"""App benchmark: in Chromium, the median time from a lead change to the recoloured map,
and the size of the map's HTML, for the bundled scenario and a synthetic 1,000-sector one.

Run: ``make bench-app`` (needs Debian's chromium). Goal: under 1 s and under 1 MB.
"""
from __future__ import annotations

import statistics
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
    shown = sector_display(table.sectors, 1, plan)
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
        lead_box = page.get_by_role("combobox", name="Lead nation")
        current = lead_box.input_value()
        codes = [c for c in codes if c != current][:2]  # every choice is a real change
        for i in range(repeats):
            code = codes[i % 2]
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


def main():
    rows = []
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
            rows.append([name, f"{statistics.median(times):.2f}", f"{max(times):.2f}",
                         f"{size / 1e6:.2f}"])
    print(machine())
    print()
    print(common.table(["scenario", "median s, lead change to recoloured map", "slowest s",
                 "map HTML MB"], rows))


if __name__ == "__main__":
    main()
