"""Checker benchmark: checking a 5,000-sector, 3-phase plan against every rule kind,
side by side with reading the plan file.

Run: ``make bench-check`` (or ``.venv/bin/python bench/check.py``).
"""
from __future__ import annotations

import gc
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import Timer, machine, table  # noqa: E402
from bench.synthetic import write_synthetic  # noqa: E402
from planner.rules.check import check  # noqa: E402
from planner.domain.plan import Assignment, Plan  # noqa: E402
from planner.files.planfile import read_plan, write_plan  # noqa: E402
from planner.domain.sectors import sector_table  # noqa: E402
from planner.rules import REGISTRY  # noqa: E402
from planner.files.scenario_file import load_scenario  # noqa: E402


def plausible_plan(scenario, tbl, seed=0) -> Plan:
    """Leads and troops near the requirement, by nations in turn: some rules break, most hold."""
    rng = random.Random(seed)
    codes = [c.code for c in scenario.contingents]
    mandate = scenario.mandates["chapter-vi"]
    rows = []
    ready = {p: [c.code for c in scenario.contingents if c.available_from <= p] for p in tbl.phases}
    home = {s: ready[tbl.info[s].phase][i % len(ready[tbl.info[s].phase])]
            for i, s in enumerate(tbl.ids)}
    for p, s in tbl.keys:
        need = tbl.requirement(p, s, mandate).troops
        lead = home[s] if rng.random() > 0.01 else rng.choice(codes)
        helper = rng.choice(ready[p])
        rows.append(Assignment(p, s, lead, {lead: need // 2 + 1, helper: need - need // 2}))
    plan = Plan.from_assignments(rows)
    for p, s in rng.sample(tbl.keys, 25):
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
        tbl = sector_table(scenario)
        plan = plausible_plan(scenario, tbl)
        path = Path(tmp) / "plan.geojson"
        write_plan(plan, tbl, path, mandate="chapter-vi")
        codes = [c.code for c in scenario.contingents]
        t_read = median_seconds(lambda: read_plan(path, tbl, codes))
        t_cold = median_seconds(lambda: check(plan, scenario, "chapter-vi",
                                              table=sector_table(scenario)))
        report = check(plan, scenario, "chapter-vi", table=tbl)
        t_warm = median_seconds(lambda: check(plan, scenario, "chapter-vi", table=tbl))
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
    print(table(["step", "size", "median seconds of 3", "ratio to reading"], rows))


if __name__ == "__main__":
    main()
