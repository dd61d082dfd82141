"""``planner plans``: the plan store (planner.files.store) from the command line."""
from __future__ import annotations

from planner.cli.common import load, scenario_arg


def add_parser(sub) -> None:
    plans = sub.add_parser("plans", help="named plans and their revisions in the workspace")
    actions = plans.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in [("list", "every plan with its latest revision"),
                       ("show", "one plan's revision history"),
                       ("export", "write one revision as a plan file"),
                       ("report", "write one revision's briefing (PDF or HTML)")]:
        p = actions.add_parser(name, help=text)
        if name == "report":  # NAME[@REV]; options as ``planner report`` (planner.cli.report)
            from planner.cli.report import add_saved_parser
            add_saved_parser(p)
            continue
        p.add_argument("--workspace", metavar="DIR",
                       help="workspace folder (default: $PLANNER_WORKSPACE or ./workspace)")
        if name != "list":
            p.add_argument("name", help="plan name")
            p.add_argument("--revision", type=int, metavar="N", help="revision (default: latest)")
        if name == "export":
            scenario_arg(p, flag=True)
            p.add_argument("-o", "--output", required=True,
                           help="plan file to write (.geojson or .csv)")
        p.set_defaults(func=run)


def run(args) -> int:
    from planner.files.store import PlanStore
    store = PlanStore(args.workspace)
    if args.action == "list":
        for name in store.names():
            print(store.revision(name).label().replace("revision", f"{name}: revision", 1))
        return 0
    revision = store.revision(args.name, args.revision)
    if args.action == "show":
        for r in store.history(args.name):
            mark = "*" if r.number == revision.number else " "
            print(f"{mark} {r.label()} [parent {r.parent or '-'}]")
        return 0
    from planner.files.planfile import write_plan
    from planner.files.workspace import Tables
    from planner.rules.check import check
    scenario = load(args.scenario)
    work = revision.working(scenario)  # the sectors, settings and scenario it was made over
    tables = Tables(store, scenario)
    made_over, table = tables.scenario(work), tables.table(work)
    s = work.settings
    report = check(work.plan, made_over, s.mandate, table=table,
                   contingents=s.contingents(made_over), vetoes=s.vetoes_in_force(made_over))
    write_plan(work.plan, table, args.output, report=report, mandate=s.mandate,
               requirements=table.requirements(made_over.mandates[s.mandate]),
               contingents=s.contingents(made_over),
               nations=[c.code for c in made_over.contingents], plan_name=args.name,
               revision=revision.number, members={"settings": s.as_dict(),
                                                  "plan": {"name": args.name,
                                                           "revision": revision.number}})
    print(f"wrote {args.output}: plan '{args.name}' {revision.label()}")
    return 0
