"""``planner scenario inspect``: a summary of a scenario folder; ``planner scenario schema``:
the JSON Schema of scenario.yaml."""
from __future__ import annotations

import json

from planner.cli.common import EXIT_OK, format_arg, scenario_arg


def add_parser(sub) -> None:
    scen = sub.add_parser("scenario", help="work with a scenario folder")
    actions = scen.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("inspect", help="summarise a scenario")
    scenario_arg(p)
    format_arg(p)
    p.set_defaults(func=run_inspect)
    p = actions.add_parser("schema", help="print the JSON Schema of scenario.yaml (for "
                                          "editors; docs/scenario-format.md explains it)")
    p.set_defaults(func=run_schema)


def run_schema(args) -> int:
    from planner.files.format import scenario_schema
    print(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def run_inspect(args) -> int:
    from planner.cli.summary import scenario_summary, summary_text
    from planner.files.scenario_file import load_scenario
    summary = scenario_summary(load_scenario(args.scenario))
    print(json.dumps(summary, indent=2, ensure_ascii=False) if args.format == "json"
          else summary_text(summary))
    return EXIT_OK
