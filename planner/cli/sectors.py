"""``planner sectors``: cut a phase's vacated increment into sectors."""
from __future__ import annotations

from geo.errors import InputError
from planner.cli.common import EXIT_OK, scenario_arg, scenario_problem


def add_parser(sub) -> None:
    p = sub.add_parser("sectors", help="cut a phase's vacated increment into sectors")
    scenario_arg(p)
    p.add_argument("--phase", type=int, required=True, help="phase number")
    p.add_argument("--count", type=int, required=True, help="number of sectors (K)")
    p.add_argument("--balance", choices=["population", "area"], default="population")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--cell-m", type=float, default=None, metavar="M",
                   help="side in metres of the smallest cells, where people are packed "
                        "(default: the scenario's sectoring.cell_m, else about 1/2048 of the "
                        "zone's side)")
    p.add_argument("-o", "--output", required=True,
                   help="output file: GeoJSON (RFC 7946), or GeoPackage when it ends in .gpkg")
    p.set_defaults(func=run)


def run(args) -> int:
    from geo.export import write_layer
    from geo.partition import PartitionError
    from geo.sectors import polsby_popper
    from planner.domain.derive import sectors_for_phase
    from planner.files.scenario_file import load_scenario
    from planner.progress import Progress
    scenario = load_scenario(args.scenario, sectors=False)
    if args.phase not in scenario.phase_numbers:
        raise InputError(scenario_problem(scenario, "--phase", args.phase,
                                          f"unknown phase; phases are {scenario.phase_numbers}"))
    cell_m = args.cell_m if args.cell_m is not None else scenario.sectoring.cell_m
    if cell_m is not None and not cell_m > 0:
        raise InputError(scenario_problem(scenario, "--cell-m", cell_m, "must be more than 0"))
    bar = Progress(args.count, f"sectors of phase {args.phase}")
    try:
        frame = sectors_for_phase(scenario, args.phase, args.count, balance=args.balance,
                                  seed=args.seed, progress=bar, cell_m=cell_m)
    except PartitionError as exc:
        raise InputError(scenario_problem(scenario, "--count", args.count, str(exc))) from None
    write_layer(frame, args.output, name=f"sectors-phase-{args.phase}")
    weight = frame["population" if args.balance == "population" else "area_km2"]
    dev = (weight - weight.sum() / args.count).abs().max() / (weight.sum() / args.count)
    pp = polsby_popper(frame.geometry.values)
    print(f"wrote {args.count} sectors of phase {args.phase} to {args.output}: largest "
          f"{args.balance} deviation {dev:.1%} from the ideal, median Polsby-Popper "
          f"{float(sorted(pp)[len(pp) // 2]):.2f}")
    return EXIT_OK
