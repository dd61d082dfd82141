"""``planner scenario inspect``: a summary of a scenario folder; ``planner scenario holdings``:
who holds what at each phase, as a table and a layer; ``planner scenario schema``: the JSON
Schema of scenario.yaml."""
from __future__ import annotations

import json

from planner.cli.common import EXIT_OK, format_arg, scenario_arg


def add_parser(sub) -> None:
    scen = sub.add_parser("scenario", help="work with a scenario folder")
    actions = scen.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("inspect", help="summarise a scenario")
    scenario_arg(p)
    format_arg(p)
    p.add_argument("--resolved", action="store_true",
                   help="print the scenario as resolved (a variant laid over the scenarios "
                        "it extends) as scenario.yaml text, with absolute layer paths (save "
                        "it in any folder)")
    p.set_defaults(func=run_inspect)
    p = actions.add_parser("holdings", help="who holds what at each phase (each party or the "
                                            "army, the force, each authority): km² and share "
                                            "per phase, and the layer")
    scenario_arg(p)
    format_arg(p)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="also write the holdings layer (phase, holder, kind, km2, share): "
                        "GeoJSON (RFC 7946), or GeoPackage when FILE ends in .gpkg")
    p.set_defaults(func=run_holdings)
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
    from planner.files.variant_files import resolved_yaml
    from planner.files.variants import resolve_extends, scenario_file
    scenario = load_scenario(args.scenario)  # validated before anything is shown
    resolved = resolve_extends(scenario_file(args.scenario))
    if args.resolved:
        print(resolved_yaml(resolved, absolute=True), end="")
        return EXIT_OK
    summary = scenario_summary(scenario)
    if resolved.is_variant:
        summary["extends"] = [c.as_dict() for c in resolved.changes]
    print(json.dumps(summary, indent=2, ensure_ascii=False) if args.format == "json"
          else summary_text(summary))
    return EXIT_OK


def run_holdings(args) -> int:
    from pathlib import Path

    from geo.errors import InputError, problem
    from geo.export import write_layer
    from planner.cli.common import load
    from planner.cli.summary import holdings_text
    from planner.domain.holdings import holdings_layer
    if args.output and not Path(args.output).resolve().parent.is_dir():
        raise InputError(problem("command line", "the folder to write into does not exist",
                                 field="--output", value=args.output))
    scenario = load(args.scenario, sectors=False)
    layer = holdings_layer(scenario.zones)
    rows = layer.drop(columns=layer.geometry.name).to_dict(orient="records")
    rows = [{k: (round(v, 3) if k == "km2" else v) for k, v in r.items()} for r in rows]
    if args.output:
        write_layer(layer, args.output, name="holdings")
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(holdings_text(rows, {p.phase: p.label for p in scenario.phases}))
        if args.output:
            print(f"\nwrote {len(layer)} holdings (phase, holder, kind, km2, share) to "
                  f"{args.output}")
    return EXIT_OK
