"""The ``planner`` command: the same functions the app calls, for scripts and CI.

Exit codes: 0 success; 1 a plan breaks hard rules (check) or no plan exists (solve);
2 input that cannot be read or is invalid, with a message naming file, feature, field, value.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.errors import InputError
from geo.partition import PartitionError
from planner import plans_cli, solve_cli

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


def _scenario_arg(p, *, flag=False):
    kw = dict(default=None, help="scenario folder (default: the bundled Gaza ISF scenario)")
    if flag:
        p.add_argument("--scenario", metavar="DIR", **kw)
    else:
        p.add_argument("scenario", nargs="?", metavar="DIR", **kw)


def _format_arg(p):
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="output format (default: text)")


def cmd_inspect(args) -> int:
    from planner.inspect import scenario_summary, summary_text
    from planner.scenario import load_scenario
    summary = scenario_summary(load_scenario(args.scenario))
    print(json.dumps(summary, indent=2, ensure_ascii=False) if args.format == "json"
          else summary_text(summary))
    return EXIT_OK


def cmd_validate(args) -> int:
    from geo.layers import read_layer
    layer = read_layer(args.file, geometry=args.geometry, repair=args.repair)
    frame = layer.frame
    bounds = [round(float(b), 6) for b in frame.total_bounds] if len(frame) else []
    kinds = sorted(set(frame.geom_type.dropna()))
    print(f"{args.file}: {len(frame)} features ({', '.join(kinds) or 'none'}), "
          f"CRS {frame.crs.to_string() if frame.crs else 'none'}, bounds {bounds}")
    print(f"fields: {', '.join(c for c in frame.columns if c != frame.geometry.name) or 'none'}")
    for repair in layer.repairs:
        print(f"repaired: {repair}")
    print("usable" if not layer.repairs else f"usable after {len(layer.repairs)} repairs")
    return EXIT_OK


def cmd_sectors(args) -> int:
    from geo.export import write_layer
    from planner.derive import sectors_for_phase
    from planner.progress import Progress
    from planner.scenario import load_scenario
    from geo.sectors import polsby_popper
    scenario = load_scenario(args.scenario, sectors=False)
    if args.phase not in scenario.phase_numbers:
        raise InputError(_problem(scenario, "--phase", args.phase,
                                  f"unknown phase; phases are {scenario.phase_numbers}"))
    bar = Progress(args.count, f"sectors of phase {args.phase}")
    frame = sectors_for_phase(scenario, args.phase, args.count, balance=args.balance,
                              seed=args.seed, progress=bar)
    write_layer(frame, args.output, name=f"sectors-phase-{args.phase}")
    weight = frame["population" if args.balance == "population" else "area_km2"]
    dev = (weight - weight.sum() / args.count).abs().max() / (weight.sum() / args.count)
    pp = polsby_popper(frame.geometry.values)
    print(f"wrote {args.count} sectors of phase {args.phase} to {args.output}: largest "
          f"{args.balance} deviation {dev:.1%} from the ideal, median Polsby-Popper "
          f"{float(sorted(pp)[len(pp) // 2]):.2f}")
    return EXIT_OK


def _problem(scenario, field, value, message):
    from geo.errors import problem
    return problem(scenario.root / "scenario.yaml", message, field=field, value=value)


def cmd_check(args) -> int:
    from planner.check import check
    from planner.planfile import read_plan
    from planner.report import report_text
    from planner.requirements import sector_table
    from planner.scenario import load_rules, load_scenario
    scenario = load_scenario(args.scenario)
    rules = load_rules(args.rules) if args.rules else None
    table = sector_table(scenario)
    plan = read_plan(args.plan, table, [c.code for c in scenario.contingents])
    mandate = _mandate(args, scenario)
    report = check(plan, scenario, mandate, rules=rules, table=table)
    if args.format == "json":
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        print(report_text(report, scenario, args.plan))
    return EXIT_OK if report.ok else EXIT_VIOLATIONS


def _mandate(args, scenario) -> str:
    mandate = args.mandate or next(iter(scenario.mandates))
    if mandate not in scenario.mandates:
        raise InputError(_problem(scenario, "--mandate", mandate,
                                  f"unknown mandate; mandates are {', '.join(scenario.mandates)}"))
    return mandate


def cmd_rules(args) -> int:
    from planner.rules import REGISTRY
    from planner.rules.base import REQUIRED
    for name, kind in sorted(REGISTRY.items()):
        print(f"{name}: {kind.doc}")
        for pname, param in kind.params.items():
            default = "" if param.default is REQUIRED else f" (default {param.default!r})"
            print(f"    {pname} [{param.kind}]{default}: {param.doc}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planner", description="Withdrawal-Zone Planner: "
                                     "layers, sectors, composition rules and checks for a "
                                     "stabilization force over a phased withdrawal.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scen = sub.add_parser("scenario", help="work with a scenario folder")
    scen_sub = scen.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = scen_sub.add_parser("inspect", help="summarise a scenario")
    _scenario_arg(p)
    _format_arg(p)
    p.set_defaults(func=cmd_inspect)

    lay = sub.add_parser("layers", help="work with single layers")
    lay_sub = lay.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = lay_sub.add_parser("validate", help="read one layer and report features, CRS, repairs")
    p.add_argument("file", help="GeoJSON, GeoPackage, zipped Shapefile, KML ...")
    p.add_argument("--geometry", choices=["polygon", "point", "line"],
                   help="geometry kind every feature must have")
    p.add_argument("--repair", action="store_true",
                   help="repair invalid polygons with make_valid and list what was repaired "
                        "(without it they are errors)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("sectors", help="cut a phase's vacated increment into sectors")
    _scenario_arg(p)
    p.add_argument("--phase", type=int, required=True, help="phase number")
    p.add_argument("--count", type=int, required=True, help="number of sectors (K)")
    p.add_argument("--balance", choices=["population", "area"], default="population")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("-o", "--output", required=True,
                   help="output file: GeoJSON (RFC 7946), or GeoPackage when it ends in .gpkg")
    p.set_defaults(func=cmd_sectors)

    p = sub.add_parser("check", help="check a plan against the scenario's rules")
    p.add_argument("plan", help="plan file: GeoJSON or CSV assignments")
    _scenario_arg(p, flag=True)
    p.add_argument("--mandate", help="mandate key, e.g. chapter-vi or chapter-vii "
                                     "(default: the scenario's first)")
    p.add_argument("--rules", metavar="FILE", help="YAML file whose rules replace the scenario's")
    _format_arg(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("rules", help="list the rule kinds and their parameters")
    p.set_defaults(func=cmd_rules)
    solve_cli.add_parser(sub, _scenario_arg)
    plans_cli.add_parser(sub, _scenario_arg)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (InputError, PartitionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (BrokenPipeError, KeyboardInterrupt):
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
