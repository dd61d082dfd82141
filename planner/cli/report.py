"""``planner report``: a plan's briefing as PDF or HTML."""
from __future__ import annotations

import sys
from pathlib import Path

from geo.errors import InputError, problem
from planner.cli.common import EXIT_BAD_INPUT, EXIT_OK, load, plan_mandate, scenario_arg

FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="write a plan's briefing (PDF or HTML): cover, a map "
                                      "per phase, tables, violations, the other mandates")
    p.add_argument("plan", help="plan file: GeoJSON or CSV assignments")
    scenario_arg(p, flag=True)
    briefing_args(p)
    p.set_defaults(func=run)


def briefing_args(p) -> None:
    """The options ``planner report`` and ``planner plans report`` share."""
    p.add_argument("--mandate", help="mandate the plan is checked under (default: the one "
                                     "the plan was made under, else the scenario's first; "
                                     "one that differs from the plan's is noted); the others "
                                     "get a section each")
    p.add_argument("--compare", metavar="OTHER",
                   help="another plan (file, or saved plan NAME or NAME@REVISION): add what "
                        "changed from it, with a map of the changed sectors")
    p.add_argument("--sweep", metavar="RESULTS",
                   help="a what-if sweep's results file (planner sweep -o RESULTS): add its "
                        "minimal coalitions, criticality, veto costs and charts")
    p.add_argument("--author", help="author shown on the cover")
    p.add_argument("--name", dest="display_name", metavar="NAME",
                   help="plan name shown on the cover (default: the file's or saved plan's)")
    p.add_argument("--solve-limit", type=_seconds, default=10.0, metavar="S",
                   help="solver time for each other mandate (deterministic seconds, default 10)")
    p.add_argument("--workspace", metavar="DIR",
                   help="workspace of saved plans (default: $PLANNER_WORKSPACE or ./workspace)")
    p.add_argument("-o", "--output", required=True, help="file to write: .pdf or .html")


def _seconds(text: str) -> float:
    """A positive number of seconds (argparse reports anything else, exit status 2)."""
    import argparse
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds; got {text!r}")
    return value


def output_format(path: str) -> str:
    """``pdf`` or ``html`` from the output file's suffix; anything else is bad input."""
    found = FORMATS.get(Path(path).suffix.lower())
    if found is None:
        raise InputError(problem(path, "the briefing is written as PDF or HTML; name the file "
                                       "*.pdf or *.html", field="--output", value=path))
    return found


def run(args) -> int:
    from planner.domain.sectors import sector_table
    from planner.files.planfile import read_plan, recorded_mandate
    fmt = output_format(args.output)
    scenario = load(args.scenario)
    table = sector_table(scenario)
    plan = read_plan(args.plan, table, [c.code for c in scenario.contingents])
    mandate = plan_mandate(args.mandate, recorded_mandate(args.plan), scenario, args.plan,
                           doing="briefing")
    return write_briefing(args, scenario, table, plan, mandate, fmt=fmt,
                          name=args.display_name or Path(args.plan).name)


def _other_plan(text: str, scenario, table, workspace):
    """``(side, label)`` of ``--compare``: a plan file (labelled by its name), else a saved
    plan (``NAME`` or ``NAME@REVISION``), read as ``planner diff`` reads them: checked under
    the mandate and settings it was made under (:func:`planner.cli.diff.load_side`)."""
    from planner.cli.diff import load_side
    side = load_side(text, scenario, table, workspace)
    return side, (Path(text).name if Path(text).is_file() else side.label)


class _Bar:
    """A progress bar on standard error, made at the first step (when the total is known)."""

    def __init__(self):
        self.bar = None

    def __call__(self, done, total, what):
        from planner.progress import Progress
        self.bar = self.bar or Progress(total, "briefing")
        self.bar(what)


def write_briefing(args, scenario, table, plan, mandate: str, *, fmt: str, name: str,
                   revision=None, author: str | None = None, note: str | None = None) -> int:
    """Make the briefing of ``plan`` under ``mandate`` (a key of the scenario's) with a
    progress bar on standard error and write it atomically."""
    from geo.export import atomic_path
    from planner.briefing import BriefingError, briefing_html, briefing_pdf
    other, other_name = (_other_plan(args.compare, scenario, table, args.workspace)
                         if args.compare else (None, None))
    make = briefing_pdf if fmt == "pdf" else briefing_html
    try:
        out = make(scenario, plan, mandate=mandate, plan_name=name, revision=revision,
                   revision_note=note, author=args.author or author, compare=other,
                   compare_name=other_name, progress=_Bar(), table=table,
                   solve_limit_s=args.solve_limit, sweep=args.sweep)
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with atomic_path(args.output) as tmp:
        tmp.write_bytes(out if isinstance(out, bytes) else out.encode("utf-8"))
    print(f"wrote {args.output}: briefing of {name} under {scenario.mandates[mandate].label}")
    return EXIT_OK


def add_saved_parser(p) -> None:
    """``planner plans report NAME[@REV]``: the briefing of a saved revision."""
    p.add_argument("name", metavar="NAME[@REV]",
                   help="saved plan, optionally @revision (default: its latest revision)")
    scenario_arg(p, flag=True)
    briefing_args(p)
    p.set_defaults(func=run_saved)


def run_saved(args) -> int:
    from planner.cli.diff import saved_revision
    from planner.domain.sectors import sector_table
    fmt = output_format(args.output)
    _, revision = saved_revision(args.name, args.workspace)
    scenario = load(args.scenario)
    mandate = plan_mandate(args.mandate, (revision.settings or {}).get("mandate"), scenario,
                           f"{revision.plan_name}@{revision.number}", doing="briefing")
    return write_briefing(args, scenario, sector_table(scenario), revision.plan, mandate,
                          fmt=fmt,
                          name=args.display_name or revision.plan_name,
                          revision=revision.number, author=revision.author,
                          note=f"saved {revision.time}: {revision.message or '(no message)'}")
