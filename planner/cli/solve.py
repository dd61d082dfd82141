"""``planner solve``: the optimizer from the command line."""
from __future__ import annotations

import sys

from geo.errors import InputError, problem
from planner.cli.common import load, scenario_arg


def add_parser(sub) -> None:
    p = sub.add_parser("solve", help="find the best plan the rules allow, or explain why none exists")
    scenario_arg(p)
    p.add_argument("--mandate", help="mandate key (default: the one the --from or --pins plan "
                   "was made under, else the scenario's first)")
    p.add_argument("--phase", default="all", help="phase number to plan, or 'all' (default)")
    p.add_argument("--time-limit", type=float, default=30.0, metavar="S",
                   help="seconds the solver may take (default 30)")
    p.add_argument("--seed", type=int, default=0, help="solver random seed (default 0)")
    p.add_argument("--workers", type=int, default=1,
                   help="solver threads (default 1: same inputs and seed give the same plan)")
    p.add_argument("--pins", metavar="PLAN", help="plan file whose rows are locked (all rows, "
                                                  "or only those marked locked)")
    p.add_argument("--from", dest="reference", metavar="PLAN",
                   help="change this plan as little as the rules allow")
    p.add_argument("--best-effort", action="store_true",
                   help="when no plan keeps every hard rule, write the least-bad one")
    p.add_argument("-o", "--output", help="plan file to write (.geojson or .csv)")
    p.add_argument("--save-as", metavar="NAME", help="also (or instead of -o) save the plan in "
                   "the plan store as a revision of NAME, e.g. main~without-IDN")
    p.add_argument("--workspace", metavar="DIR",
                   help="workspace for --save-as (default: $PLANNER_WORKSPACE or ./workspace)")
    p.set_defaults(func=run)


def _phases(value, scenario):
    if value == "all":
        return None
    if not value.isdigit() or int(value) not in scenario.phase_numbers:
        raise InputError(problem(scenario.root / "scenario.yaml", "unknown phase; use 'all' or "
                                 f"one of {scenario.phase_numbers}", field="--phase", value=value))
    return [int(value)]


def _pins_from(path, table, codes):
    from planner.domain.plan import Pin
    from planner.files.planfile import read_plan
    plan = read_plan(path, table, codes)
    if plan.pins:
        return dict(plan.pins)
    return {a.key: Pin(a.lead, dict(a.troops)) for a in plan}


def _mandate(args, scenario) -> str:
    """``--mandate``; else the mandate the ``--from`` plan (or the ``--pins`` plan) was made
    under, as ``planner check`` takes it; else the scenario's first."""
    from planner.cli.common import mandate_key, plan_mandate
    from planner.files.planfile import recorded_mandate
    source = args.reference or args.pins
    if source is None:
        return mandate_key(args, scenario)
    return plan_mandate(args.mandate, recorded_mandate(source), scenario, source,
                        doing="solving")


def run(args) -> int:
    from planner.cli.common import EXIT_OK, EXIT_VIOLATIONS
    from planner.domain.sectors import sector_table
    from planner.files.planfile import read_plan
    from planner.progress import Progress
    from planner.solver.optimize import solve
    if not (args.output or args.save_as):
        raise InputError(problem("<command line>", "say where the plan goes: -o FILE, "
                                 "--save-as NAME or both", field="-o/--save-as"))
    scenario = load(args.scenario)
    table = sector_table(scenario)
    codes = [c.code for c in scenario.contingents]
    phases = _phases(args.phase, scenario)
    pins = _pins_from(args.pins, table, codes) if args.pins else None
    reference = read_plan(args.reference, table, codes) if args.reference else None
    mandate = _mandate(args, scenario)
    common = dict(phases=phases, pins=pins, reference=reference, time_limit_s=args.time_limit,
                  seed=args.seed, workers=args.workers, table=table,
                  progress=Progress(every_s=0.25).solution)
    print(f"Solving {scenario.name} under {scenario.mandates[mandate].label} ...",
          file=sys.stderr, flush=True)
    result = solve(scenario, mandate, **common)
    print(summary(result))
    if result.plan is not None:
        _write(result, scenario, table, mandate, args)
        return EXIT_OK
    if result.explanation is not None:
        print("\nNo plan keeps every hard rule:\n" + result.explanation.text())
    if args.best_effort:
        least_bad = solve(scenario, mandate, best_effort=True, **common)
        if least_bad.plan is not None:
            print("\nBest effort: " + summary(least_bad))
            _write(least_bad, scenario, table, mandate, args, best_effort=True)
    return EXIT_VIOLATIONS


def summary(result) -> str:
    """Status, the solver's objective, bound and gap, and time on one line; then the plan's
    figures as the checker measures them (the same check ``planner check`` runs)."""
    parts = [f"status {result.status}"]
    if result.gap is not None:  # of the objective's first tier (its own scale: not shown)
        parts.append(f"gap {result.gap:.2%} to the proven bound")
    parts.append(f"time {result.seconds:.2f} s")
    line = ", ".join(parts)
    if result.penalties:  # the plan's figures, measured by the checker
        figures = [f"    {k}: {_figure(v)}" for k, v in result.penalties.items()]
        if result.plan is not None and result.report is not None:
            per = result.report.force  # the checker's count: off-ground units included
            figures = [f + " (summed over the phases; each phase: " + ", ".join(
                f"{p}: {n:,}" for p, n in sorted(per.items())) + ")"
                if f.startswith("    troops deployed:") else f for f in figures]
        line += "\n  the plan, as the checker measures it:\n" + "\n".join(figures)
    if result.report is not None:
        t = result.report.totals()
        line += f"\n  check: {t['hard']} hard, {t['soft']} soft violations"
    return line


def _figure(value) -> str:
    """``14,800``, ``7``, ``2.5``."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _write(result, scenario, table, mandate, args, *, best_effort=False):
    from planner.files.planfile import write_plan
    if args.output:
        write_plan(result.plan, table, args.output, report=result.report,
                   requirements=table.requirements(scenario.mandates[mandate]),
                   contingents=scenario.contingents, mandate=mandate,
                   nations=[c.code for c in scenario.contingents])
        print(f"wrote {args.output}")
    if args.save_as:
        _save_as(result, scenario, mandate, args, best_effort)


def _save_as(result, scenario, mandate, args, best_effort):
    """The plan, with the settings it was solved under, as the next revision of plan
    ``--save-as`` in the plan store."""
    from planner.domain.working import Settings, Working
    from planner.files.store import PlanStore, StaleRevision
    store = PlanStore(args.workspace)
    work = Working(result.plan, Settings(mandate, tuple(c.code for c in scenario.contingents),
                                         tuple(v.id for v in scenario.vetoes)))
    message = f"solve: {'best effort ' * best_effort}{result.status} ({mandate})" + \
        (f", least change from {args.reference}" if args.reference else "")
    try:
        saved = store.save(args.save_as, work, base=store.latest_number(args.save_as),
                           author=_user(), message=message, scope=scenario.name)
    except StaleRevision as exc:  # another process saved this plan a moment ago
        raise InputError(problem(store.path, str(exc), field="--save-as", value=args.save_as))
    print(f"saved plan '{saved.plan_name}' {saved.label()}")


def _user() -> str:
    """Who ran the command, for the plan's history ('' when the system does not say)."""
    import getpass
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
