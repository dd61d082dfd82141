"""Briefing benchmark: the bundled plan's briefing, and a 1,000-sector plan's, as PDF.

Run: ``make bench-report`` (or ``.venv/bin/python -m bench.report``); ``--pictures`` also
writes the README's two page pictures (docs/briefing-cover.png, docs/briefing-map.png).
Times each step as the briefing reports it (maps, tables, the other mandates' solves,
typesetting) and the whole, from reading the files to the PDF's bytes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from bench.check import plausible_plan
from bench.common import Timer, machine, table
from bench.synthetic import write_synthetic
from planner.briefing import briefing_html, briefing_pdf
from planner.domain.sectors import sector_table
from planner.files.planfile import read_plan, write_plan
from planner.files.scenario_file import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "gaza-isf" / "example-plan.geojson"
GOALS = {"bundled": 10.0, "synthetic": 60.0}


class StepTimes:
    """Seconds between the briefing's progress calls, summed by kind of step."""

    def __init__(self):
        self.last, self.kinds = time.perf_counter(), {}

    def __call__(self, done, total, what):
        now = time.perf_counter()
        kind = ("maps" if what.startswith("map") else "solves" if "optimizer" in what
                else "typeset" if "typeset" in what else what)
        self.kinds[kind] = self.kinds.get(kind, 0.0) + now - self.last
        self.last = now


def pages(pdf: bytes) -> int:
    """Pages of a PDF Typst wrote (its page tree's /Count)."""
    import re
    return max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))


def run_case(name, folder, plan_path, mandate, *, pictures=None):
    """One row: load, brief (by step), typeset; the PDF's pages and size; the HTML's time."""
    with Timer() as t_load:
        scenario = load_scenario(folder)
        tbl = sector_table(scenario)
        plan = read_plan(plan_path, tbl, [c.code for c in scenario.contingents])
    steps = StepTimes()
    with Timer() as t_brief:
        pdf = briefing_pdf(scenario, plan, mandate=mandate, plan_name=Path(plan_path).name,
                           table=tbl, progress=steps)
    with Timer() as t_html:
        briefing_html(scenario, plan, mandate=mandate, table=tbl)
    if pictures is not None:
        write_pictures(scenario, plan, mandate, tbl, pictures)
    total = t_load.seconds + t_brief.seconds
    goal = GOALS[name.split()[0]]
    k = steps.kinds
    return [name, f"{len(tbl.ids):,}", f"{len(tbl.keys):,}", f"{pages(pdf):,}",
            f"{len(pdf) / 1e6:.2f}", f"{t_load.seconds:.2f}", f"{k.get('maps', 0):.2f}",
            f"{k.get('tables', 0):.2f}", f"{k.get('solves', 0):.2f}", f"{k.get('typeset', 0):.2f}",
            f"{total:.2f}", f"{t_html.seconds:.2f}",
            f"under {goal:g} s: {'met' if total < goal else 'NOT met'}"]


def write_pictures(scenario, plan, mandate, tbl, folder: Path) -> None:
    """The cover and the first map page of the briefing, as PNG pictures for the README."""
    from planner.briefing.api import subject_of
    from planner.briefing.content import build_briefing
    from planner.briefing.typeset import typeset
    when = dt.datetime(2025, 11, 3, 14, 5, tzinfo=dt.timezone.utc)  # pictures stay the same
    subject = subject_of(scenario, plan, mandate=mandate, plan_name="example-plan",
                         revision=3, author="Planning cell", table=tbl, when=when)
    briefing = build_briefing(subject)
    images = typeset(briefing.doc, briefing.images, timestamp=briefing.timestamp, fmt="png",
                     ppi=80)
    folder.mkdir(parents=True, exist_ok=True)
    for name, image in (("briefing-cover.png", images[0]), ("briefing-map.png", images[1])):
        (folder / name).write_bytes(image)
        print(f"wrote {folder / name}")


def synthetic_case(tmp: Path, sectors) -> tuple[Path, Path]:
    """A synthetic scenario of ``sectors`` per phase and a plausible plan of it (written)."""
    folder = write_synthetic(tmp / "synthetic", sectors=sectors, contingents=40,
                             rules="planning")
    scenario = load_scenario(folder)
    tbl = sector_table(scenario)
    path = tmp / "synthetic-plan.geojson"
    write_plan(plausible_plan(scenario, tbl), tbl, path)
    return folder, path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sectors", default="500,300,200",
                        help="synthetic sectors per phase (default 500,300,200: 1,000 sectors)")
    parser.add_argument("--pictures", action="store_true",
                        help="also write docs/briefing-cover.png and docs/briefing-map.png")
    args = parser.parse_args(argv)
    sizes = tuple(int(x) for x in args.sectors.split(","))
    print(machine())
    rows = [run_case("bundled (Gaza, example plan)", None, EXAMPLE, "chapter-vi",
                     pictures=ROOT / "docs" if args.pictures else None)]
    with tempfile.TemporaryDirectory() as tmp:
        folder, plan = synthetic_case(Path(tmp), sizes)
        rows.append(run_case(f"synthetic ({sum(sizes):,} sectors, 40 contingents)", folder, plan,
                             "chapter-vi"))
    print(table(["case", "sectors", "sector-phases", "pages", "PDF MB", "load s", "maps s",
                 "tables s", "other mandates s", "typeset s", "total s", "HTML s", "goal"],
                rows))
    print("total = reading the scenario and plan + the whole PDF briefing (maps, tables, "
          "a solve per other mandate, typesetting); HTML s is the HTML briefing alone.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
