"""Checker benchmark: checking a 5,000-sector, 3-phase plan against every rule kind,
side by side with reading the plan file.

Run: ``make bench-check`` (or ``.venv/bin/python -m bench.check``).
"""
from __future__ import annotations

import gc
import random
import tempfile
from pathlib import Path

from bench import common
from bench.common import Timer, machine
from bench.synthetic import write_synthetic
from planner.rules.check import check
from planner.domain.plan import Assignment, Plan
from planner.files.planfile import read_plan, write_plan
from planner.domain.sectors import sector_table
from planner.rules import REGISTRY
from planner.files.scenario_file import load_scenario


def plausible_plan(scenario, table, seed=0) -> Plan:
    """Leads and troops near the requirement, by nations in turn: some rules break, most hold."""
    rng = random.Random(seed)
    codes = [c.code for c in scenario.contingents]
    mandate = scenario.mandates["chapter-vi"]
    rows = []
    ready = {p: [c.code for c in scenario.contingents if c.serves_in(p)] for p in table.phases}
    home = {s: ready[table.info[s].phase][i % len(ready[table.info[s].phase])]
            for i, s in enumerate(table.ids)}
    for p, s in table.keys:
        need = table.requirement(p, s, mandate).troops
        lead = home[s] if rng.random() > 0.01 else rng.choice(codes)
        helper = rng.choice(ready[p])
        rows.append(Assignment(p, s, lead, {lead: need // 2 + 1, helper: need - need // 2}))
    plan = Plan.from_assignments(rows)
    for p, s in rng.sample(table.keys, 25):
        plan = plan.with_pin(p, s)
    return plan


def median_seconds(step, repeats=3) -> float:
    """Median wall time of ``step``, each run starting after a garbage collection."""
    times = []
    for _ in range(repeats):
        gc.collect()
        with Timer() as t:
            step()
        times.append(t.seconds)
    return sorted(times)[len(times) // 2]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_synthetic(Path(tmp) / "synthetic")
        with Timer() as t_load:
            scenario = load_scenario(folder)
        kinds = {r.kind for r in scenario.rules}
        assert kinds == set(REGISTRY), f"kinds not active: {set(REGISTRY) - kinds}"
        table = sector_table(scenario)
        plan = plausible_plan(scenario, table)
        path = Path(tmp) / "plan.geojson"
        write_plan(plan, table, path, mandate="chapter-vi")
        codes = [c.code for c in scenario.contingents]
        t_read = median_seconds(lambda: read_plan(path, table, codes))
        t_cold = median_seconds(lambda: check(plan, scenario, "chapter-vi",
                                              table=sector_table(scenario)))
        report = check(plan, scenario, "chapter-vi", table=table)
        t_warm = median_seconds(lambda: check(plan, scenario, "chapter-vi", table=table))
        size_mb = path.stat().st_size / 2**20
    rows = [["read the plan file", f"{len(plan):,} rows, {size_mb:.1f} MiB", f"{t_read:.2f}", "1.00"],
            ["check, cold (sector table built)", f"{len(kinds)} rule kinds",
             f"{t_cold:.2f}", f"{t_cold / t_read:.2f}"],
            ["check, warm (sector table reused)", f"{len(report.violations):,} violations",
             f"{t_warm:.2f}", f"{t_warm / t_read:.2f}"]]
    print(machine())
    print(f"scenario: {scenario.name}, 3 phases, {len(codes)} contingents "
          f"(loaded in {t_load.seconds:.1f} s)")
    print()
    print(common.table(["step", "size", "median seconds of 3", "ratio to reading"], rows))


if __name__ == "__main__":
    main()
