"""Optimizer benchmark: CP-SAT against a greedy baseline, on the bundled scenario and on a
synthetic one of 300 sectors, 40 contingents and 3 phases.

Run: ``make bench-solve`` (or ``.venv/bin/python -m bench.solve``). Both plans are scored by
the checker: hard violations, soft penalty (sum of rule weight x violations) and troops.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench import common
from bench.common import Timer, machine
from bench.synthetic import write_synthetic
from planner.rules.check import check
from planner.solver.optimize import solve
from planner.domain.sectors import sector_table
from planner.solver.greedy import greedy
from planner.files.scenario_file import load_scenario


def score(plan, scenario, mandate, table):
    report = check(plan, scenario, mandate, table=table)
    soft = report.soft_penalty
    troops = sum(a.total for a in plan)
    return len(report.hard), soft, troops


class FirstPlan:
    def __init__(self):
        self.first = None

    def __call__(self, seconds, objective, bound):
        if self.first is None:
            self.first = seconds


def run_case(name, scenario, mandate, time_limit, workers):
    table = sector_table(scenario)
    with Timer() as t_greedy:
        g = greedy(scenario, mandate, table)
    g_hard, g_soft, g_troops = score(g, scenario, mandate, table)
    first = FirstPlan()
    result = solve(scenario, mandate, table=table, time_limit_s=time_limit, workers=workers,
                   progress=first)
    o_hard, o_soft, o_troops = score(result.plan, scenario, mandate, table) if result.plan \
        else ("-", "-", "-")
    return [
        [name, "greedy", f"{t_greedy.seconds:.2f}", f"{t_greedy.seconds:.2f}", "-", "-",
         g_hard, g_soft, f"{g_troops:,}"],
        [name, f"CP-SAT ({workers} workers)", f"{first.first:.2f}" if first.first else "-",
         f"{result.seconds:.2f}", result.status,
         f"{result.gap:.2%}" if result.gap is not None else "-", o_hard, o_soft,
         f"{o_troops:,}" if isinstance(o_troops, int) else o_troops],
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    rows = []
    gaza = load_scenario()
    rows += run_case(f"bundled ({len(sector_table(gaza).keys)} sector-phases)", gaza,
                     "chapter-vi", args.time_limit, args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        synth = load_scenario(write_synthetic(Path(tmp) / "s", sectors=(150, 90, 60),
                                              contingents=40, seed=1, rules="planning"))
        rows += run_case("synthetic (300 sectors, 40 contingents)", synth, "chapter-vi",
                         args.time_limit, args.workers)
    print(machine())
    print()
    print(common.table(["case", "method", "first plan s", "total s", "status", "gap to bound",
                 "hard violations", "soft penalty", "troops"], rows))


if __name__ == "__main__":
    main()
