"""Comparison benchmark: two plans of a synthetic scenario of 1,000 sectors (and 5,000), as
``planner diff`` and the app compare them.

Run: ``make bench-compare`` (or ``.venv/bin/python bench/compare.py``). Plan A is the greedy
baseline with every contingent; plan B the greedy plan without the largest contingent (a
what-if: many leads and troops change), and plan C is A with 5% of the leads changed (a
planner's edits). Each step is the median of 3 runs; "compare" checks both plans against
every rule, matches their violations and counts the change measure. The whole command also
starts Python, loads the scenario (measuring every sector) and reads both plan files.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.check import median_seconds  # noqa: E402
from bench.common import machine, table  # noqa: E402
from bench.synthetic import write_synthetic  # noqa: E402
from planner.compare import compare, diff  # noqa: E402
from planner.domain.sectors import sector_table  # noqa: E402
from planner.files.planfile import read_plan, write_plan  # noqa: E402
from planner.files.scenario_file import load_scenario  # noqa: E402
from planner.solver.greedy import greedy  # noqa: E402

MANDATE = "chapter-vi"


def edited(plan, scenario, share: float, seed: int = 0):
    """``plan`` with ``share`` of its sectors given another lead (a planner's edits)."""
    rng = random.Random(seed)
    codes = [c.code for c in scenario.contingents]
    for a in rng.sample(list(plan), round(share * len(plan))):
        plan = plan.with_lead(a.phase, a.sector_id, rng.choice(codes))
    return plan


def command_seconds(folder, a, b) -> float:
    """Wall time of the whole ``planner diff`` command (start-up, scenario, files)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "planner", "diff", str(a), str(b), "--scenario",
                    str(folder), "--format", "json"], capture_output=True, check=False)
    return time.perf_counter() - start


def run_case(folder: Path, sectors: tuple[int, int, int], tmp: Path) -> list[list]:
    write_synthetic(folder, sectors=sectors, contingents=40, seed=2, rules="planning")
    t_load = median_seconds(lambda: load_scenario(folder), repeats=1)
    scenario = load_scenario(folder)
    tbl = sector_table(scenario)
    a = greedy(scenario, MANDATE, tbl)
    largest = max(scenario.contingents, key=lambda c: c.troops)
    b = greedy(scenario, MANDATE, tbl,
               contingents=[c for c in scenario.contingents if c is not largest])
    c = edited(a, scenario, 0.05)
    compare(a, b, scenario, MANDATE, table=tbl)  # warm the table's cached geometry work
    rows = []
    for name, other in ((f"A vs B (without {largest.code})", b), ("A vs C (5% leads edited)", c)):
        result = compare(a, other, scenario, MANDATE, table=tbl)
        t_diff = median_seconds(lambda: diff(a, other))
        t_warm = median_seconds(lambda: compare(a, other, scenario, MANDATE, table=tbl))
        t_cold = median_seconds(lambda: compare(a, other, scenario, MANDATE,
                                                table=sector_table(scenario)))
        pa, pb = tmp / f"{folder.name}-a.geojson", tmp / f"{folder.name}-b.geojson"
        write_plan(a, tbl, pa)
        write_plan(other, tbl, pb)
        codes = [x.code for x in scenario.contingents]
        t_read = median_seconds(lambda: (read_plan(pa, tbl, codes), read_plan(pb, tbl, codes)))
        t_cli = sorted(command_seconds(folder, pa, pb) for _ in range(3))[1]
        d = result.diff
        rows.append([f"{sum(sectors):,} sectors ({len(tbl.keys):,} sector-phases)", name,
                     f"{len(d.lead_changes):,} / {len(d.troop_changes):,}",
                     f"{len(result.violations_fixed):,} / {len(result.violations_introduced):,}",
                     f"{t_diff:.3f}", f"{t_warm:.3f}", f"{t_cold:.3f}", f"{t_read:.2f}",
                     f"{t_load:.2f}", f"{t_cli:.2f}"])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 5,000 sectors")
    args = parser.parse_args(argv)
    sizes = [(500, 300, 200)] + ([(2500, 1500, 1000)] if args.large else [])
    rows, load = [], os.getloadavg()[0]  # other work on the machine slows every figure
    with tempfile.TemporaryDirectory() as tmp:
        for i, sectors in enumerate(sizes):
            rows += run_case(Path(tmp) / f"s{i}", sectors, Path(tmp))
    print(machine())
    print(f"load average (1 minute) before and after: {load:.1f}, {os.getloadavg()[0]:.1f}")
    print()
    print(table(["scenario", "plans", "leads / troop entries changed",
                 "violations fixed / introduced", "diff s", "compare s, warm (sector table reused)",
                 "compare s, cold (sector table built)", "read both plan files s",
                 "load scenario s", "whole planner diff command s"], rows))


if __name__ == "__main__":
    main()
