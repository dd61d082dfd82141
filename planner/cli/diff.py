"""``planner diff``: compare two plans (files or saved plans) of one scenario, or of a
scenario and a variant of it (``--scenario-b``)."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from geo.errors import InputError, problem
from planner.cli.common import (EXIT_OK, EXIT_VIOLATIONS, format_arg, load, plan_mandate,
                                scenario_arg, scenario_problem)

PLAN_SUFFIXES = (".geojson", ".json", ".csv")
SAVED = re.compile(r"^(?P<name>.+?)(?:@(?P<revision>\d+))?$", re.S)


def add_parser(sub) -> None:
    p = sub.add_parser("diff", help="compare two plans: what changed, per contingent, and "
                                    "violations fixed and introduced")
    for side in ("a", "b"):
        p.add_argument(side, metavar=side.upper(), help="plan file (GeoJSON or CSV) or saved "
                                                        "plan NAME or NAME@REVISION")
    scenario_arg(p, flag=True)
    p.add_argument("--mandate", help="mandate both plans are checked under (default: each "
                                     "plan's own, else the scenario's first; a plan made "
                                     "under another is noted)")
    p.add_argument("--scenario-b", metavar="DIR",
                   help="the scenario plan B was made for, when it is not --scenario's (a "
                        "variant: the same stages with another force); B is read and checked "
                        "against it")
    p.add_argument("--phase", type=int, metavar="N", help="compare phase N only")
    p.add_argument("--workspace", metavar="DIR",
                   help="workspace of saved plans (default: $PLANNER_WORKSPACE or ./workspace)")
    format_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from planner.compare import compare, comparison_text
    from planner.domain.sectors import sector_table
    scenario = load(args.scenario)
    if args.mandate is not None and args.mandate not in scenario.mandates:
        raise InputError(scenario_problem(scenario, "--mandate", args.mandate, "unknown mandate; "
                                          f"mandates are {', '.join(scenario.mandates)}"))
    if args.phase is not None and args.phase not in scenario.phase_numbers:
        raise InputError(scenario_problem(scenario, "--phase", args.phase,
                                          f"unknown phase; phases are {scenario.phase_numbers}"))
    table = sector_table(scenario)
    a = load_side(args.a, scenario, table, args.workspace, mandate=args.mandate)
    if args.scenario_b is None:
        b = load_side(args.b, scenario, table, args.workspace, mandate=args.mandate)
    else:
        other = load(args.scenario_b)
        b = replace(load_side(args.b, other, sector_table(other), args.workspace,
                              mandate=args.mandate), scenario=other)
        if b.table is None:
            b = replace(b, table=sector_table(other))
    result = compare(a, b, scenario, table=table,
                     phases=None if args.phase is None else [args.phase])
    if args.format == "json":
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        print(comparison_text(result))
    return EXIT_OK if result.same else EXIT_VIOLATIONS


def load_side(text: str, scenario, table, workspace=None, *, mandate: str | None = None):
    """The :class:`planner.compare.Side` ``text`` names: a plan file, else a saved plan
    (``NAME`` or ``NAME@REVISION``), with the settings it was saved under (mandate, force,
    vetoes; ``mandate`` replaces its own, as :func:`planner.cli.common.plan_mandate` says)
    and, for a saved plan, its own sector table (re-cut phases, a scenario copy with an
    uploaded layer).

    A path that exists is a file; one ending in ``.geojson``, ``.json`` or ``.csv`` that does
    not is an error, as is a name when there is no plan store.
    """
    from planner.domain.working import settings_from
    from planner.files.planfile import plan_members, read_plan
    if _is_file(text):
        plan = read_plan(text, table, [c.code for c in scenario.contingents])
        said = plan_members(text).get("settings")
        mandate = plan_mandate(mandate, said.get("mandate") if isinstance(said, dict) else None,
                               scenario, text, doing="comparing")
        return _side(plan, text, settings_from(said, scenario), scenario, None, mandate)
    store, revision = saved_revision(text, workspace)
    mandate = plan_mandate(mandate, (revision.settings or {}).get("mandate"), scenario,
                           f"{revision.plan_name}@{revision.number}", doing="comparing")
    work = revision.working(scenario)
    from planner.files.workspace import Tables
    own = Tables(store, scenario).table(work) if (work.cuts or work.source) else None
    return _side(work.plan, _label(revision), work.settings, scenario, own, mandate)


def load_plan(text: str, table, codes, workspace=None):
    """``(plan, label)`` that ``text`` names, a plan file or a saved plan, as
    :func:`load_side` finds it (without the settings it was saved under)."""
    from planner.files.planfile import read_plan
    if _is_file(text):
        return read_plan(text, table, codes), text
    _, revision = saved_revision(text, workspace)
    return revision.plan, _label(revision)


def _is_file(text: str) -> bool:
    """Whether ``text`` names a plan file (an error when it looks like one but is missing)."""
    path = Path(text)
    if path.is_file():
        return True
    if path.suffix.lower() in PLAN_SUFFIXES or path.is_dir():
        raise InputError(problem(text, "no such plan file"))
    return False


def _label(revision) -> str:
    return f"{revision.plan_name}@{revision.number} ({revision.message or 'no message'})"


def _side(plan, label, settings, scenario, table, mandate):
    from planner.compare import Side
    force = tuple(settings.contingents(scenario))  # what-if troop figures included
    vetoes = tuple(settings.vetoes_in_force(scenario))
    return Side(plan, label, mandate, force, vetoes, table)


def saved_revision(text: str, workspace=None):
    """``(store, revision)`` for ``NAME`` (its latest revision) or ``NAME@REVISION``."""
    from planner.files.store import FILE_NAME, PlanStore, workspace_folder
    folder = workspace_folder(workspace)
    if not (folder / FILE_NAME).is_file():
        raise InputError(problem(text, f"neither a plan file nor a saved plan: there is no "
                                       f"plan store in {folder} (--workspace names another)"))
    store = PlanStore(folder)
    found = SAVED.match(text)
    name, number = found["name"], found["revision"]
    if number is not None and name not in store.names() and text in store.names():
        name, number = text, None  # a plan whose name itself ends in @<digits>
    return store, store.revision(name, None if number is None else int(number))
