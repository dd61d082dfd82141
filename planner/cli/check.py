"""``planner check``: check a plan against the scenario's rules."""
from __future__ import annotations

import json

from planner.cli.common import (EXIT_OK, EXIT_VIOLATIONS, format_arg, load, plan_mandate,
                                scenario_arg)


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="check a plan against the scenario's rules")
    p.add_argument("plan", help="plan file: GeoJSON or CSV assignments")
    scenario_arg(p, flag=True)
    p.add_argument("--mandate", help="mandate key, e.g. chapter-vi or chapter-vii (default: "
                                     "the one the plan file records, else the scenario's "
                                     "first; one that differs from the plan's is noted)")
    p.add_argument("--rules", metavar="FILE", help="YAML file whose rules replace the scenario's")
    format_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from planner.cli.text import report_text
    from planner.domain.sectors import sector_table
    from planner.files.planfile import read_plan, recorded_mandate
    from planner.files.scenario_file import load_rules
    from planner.rules.check import check
    scenario = load(args.scenario)
    rules = load_rules(args.rules) if args.rules else None
    table = sector_table(scenario)
    plan = read_plan(args.plan, table, [c.code for c in scenario.contingents])
    mandate = plan_mandate(args.mandate, recorded_mandate(args.plan), scenario, args.plan)
    report = check(plan, scenario, mandate, rules=rules, table=table)
    if args.format == "json":
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        print(report_text(report, scenario, args.plan))
    return EXIT_OK if report.ok else EXIT_VIOLATIONS
