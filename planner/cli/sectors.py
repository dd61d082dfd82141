"""``planner sectors``: cut a phase's vacated increment (or every phase's) into sectors."""
from __future__ import annotations

import sys

from geo.errors import InputError
from planner.cli.common import EXIT_OK, load, scenario_arg, scenario_problem


def add_parser(sub) -> None:
    p = sub.add_parser("sectors", help="cut a phase's vacated increment into sectors, or "
                                       "every phase's into a whole sector layer")
    scenario_arg(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--phase", type=int, help="phase number")
    which.add_argument("--all-phases", action="store_true",
                       help="every phase: a whole sector layer (counts from the scenario's "
                            "sectoring.counts unless --count is given)")
    p.add_argument("--count", type=int, help="number of sectors (K); with --all-phases, for "
                                             "every phase")
    p.add_argument("--balance", choices=["population", "area"], default=None,
                   help="balance by population or area (default: the scenario's "
                        "sectoring.balance)")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed (default: the scenario's sectoring.seed)")
    p.add_argument("--cell-m", type=float, default=None, metavar="M",
                   help="side in metres of the smallest cells, where people are packed "
                        "(default: the scenario's sectoring.cell_m, else about 1/2048 of the "
                        "zone's side)")
    p.add_argument("-o", "--output", required=True,
                   help="output file: GeoJSON (RFC 7946), or GeoPackage when it ends in .gpkg")
    p.set_defaults(func=run)


def _counts(args, scenario) -> dict[int, int]:
    """Sectors per phase to cut, as the command line and the scenario say."""
    if not args.all_phases:
        if args.phase not in scenario.phase_numbers:
            raise InputError(scenario_problem(scenario, "--phase", args.phase,
                                              f"unknown phase; phases are "
                                              f"{scenario.phase_numbers}"))
        if args.count is None:
            raise InputError(scenario_problem(scenario, "--count", None, "say how many sectors "
                                              "to cut the phase into"))
        return {args.phase: args.count}
    if args.count is not None:
        return {p: args.count for p in scenario.phase_numbers}
    if not scenario.sectoring.counts:
        raise InputError(scenario_problem(scenario, "sectoring.counts", None, "the scenario "
                                          "gives no sector counts: give --count"))
    return dict(scenario.sectoring.counts)


def run(args) -> int:
    from geo.export import write_layer
    from geo.partition import PartitionError
    from planner.domain.derive import crossings_over_layer, sectors_for_phase
    from planner.progress import Progress
    scenario = load(args.scenario, sectors=False)
    counts = _counts(args, scenario)
    bad = [k for k in counts.values() if k < 0]
    if bad:
        raise InputError(scenario_problem(scenario, "--count", bad[0], "must be 0 or more"))
    cell_m = args.cell_m if args.cell_m is not None else scenario.sectoring.cell_m
    if cell_m is not None and not cell_m > 0:
        raise InputError(scenario_problem(scenario, "--cell-m", cell_m, "must be more than 0"))
    balance = args.balance or scenario.sectoring.balance
    seed = scenario.sectoring.seed if args.seed is None else args.seed
    frames = []
    for phase, count in counts.items():
        bar = Progress(count, f"sectors of phase {phase}")
        try:
            frames.append(sectors_for_phase(scenario, phase, count, balance=balance, seed=seed,
                                            progress=bar, cell_m=cell_m))
        except PartitionError as exc:
            raise InputError(scenario_problem(scenario, "--count", count, str(exc))) from None
    frame = frames[0] if len(frames) == 1 else _whole(frames, scenario, crossings_over_layer)
    name = "sectors" if args.all_phases else f"sectors-phase-{args.phase}"
    write_layer(frame, args.output, name=name)
    for phase, count in counts.items():
        mine = frame[frame["phase"] == phase]
        if len(mine):
            print(_cut_line(mine, phase, len(mine), balance, scenario.zones.opened[phase]))
    for note in (n for f in frames for n in f.attrs.get("notes", [])):
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {len(frame)} sectors to {args.output} (balanced by {balance}, seed {seed})")
    return EXIT_OK


def _whole(frames, scenario, crossings_over_layer):
    """The phases' sectors as one layer, contact lines and crossings over the whole layer."""
    import geopandas as gpd
    import pandas as pd
    return crossings_over_layer(gpd.GeoDataFrame(pd.concat(frames, ignore_index=True),
                                                 crs=scenario.crs), scenario)


def _cut_line(frame, phase: int, count: int, balance: str, zone) -> str:
    from geo.sectors import balance_by_part, polsby_popper
    from planner.domain.words import plural
    weight = frame["population" if balance == "population" else "area_km2"]
    dev, alone = balance_by_part(frame.geometry.values, weight.to_numpy(), zone)
    pp = polsby_popper(frame.geometry.values)
    apart = (f" ({plural(alone, 'sector')} alone in a separate part of the zone, not "
             "counted)" if alone else "")
    return (f"phase {phase}: {plural(count, 'sector')}, largest {balance} deviation "
            f"{dev:.1%} from the ideal{apart}, median Polsby-Popper "
            f"{float(sorted(pp)[len(pp) // 2]):.2f}")
