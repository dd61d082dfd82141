"""What every ``planner`` command shares: exit codes, the scenario and format arguments."""
from __future__ import annotations

import argparse

from geo.errors import InputError, problem

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2
SCENARIO_HELP = "scenario folder (default: the bundled Gaza ISF scenario)"


class ScenarioAction(argparse.Action):
    """Stores the scenario folder; refuses two different ones (``DIR`` and ``--scenario``)."""

    def __call__(self, parser, namespace, values, option_string=None):
        if values is None:
            return  # an absent positional DIR leaves --scenario as it is
        given = getattr(namespace, "scenario", None)
        if given is not None and given != values:
            parser.error(f"two scenarios given: {given} and {values}; name one with "
                         "--scenario DIR")
        namespace.scenario = values


def scenario_option(p) -> None:
    """``--scenario DIR``: how every command names its scenario."""
    p.add_argument("--scenario", metavar="DIR", default=None, action=ScenarioAction,
                   help=SCENARIO_HELP)


def scenario_arg(p, *, flag: bool = False) -> None:
    """The scenario folder, ``--scenario DIR`` on every command. Commands that took it as a
    positional ``DIR`` before (``flag`` False: scenario inspect, sectors, solve) accept that
    too, as an alias of ``--scenario``."""
    scenario_option(p)
    if not flag:
        p.add_argument("scenario_dir", nargs="?", metavar="DIR", default=None,
                       action=ScenarioAction, help="the same as --scenario DIR")


def format_arg(p) -> None:
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="output format (default: text)")


def scenario_problem(scenario, field, value, message):
    """A problem with a command-line option (``field`` names it, e.g. ``--count``); what
    it is checked against is the scenario, named in the message."""
    return problem("command line", f"{message} (scenario {scenario.name!r})", field=field,
                   value=value)


def load(folder, **kw):
    """The scenario in ``folder`` (default: the bundled one), its warnings said on standard
    error: every command that reads a scenario tells what ``scenario inspect`` would warn
    of, since those warnings can change a command's figures (a CRS whose areas are off, a
    tag naming nothing)."""
    import sys

    from planner.files.scenario_file import load_scenario
    scenario = load_scenario(folder, **kw)
    for w in scenario.layers.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return scenario


def mandate_key(args, scenario) -> str:
    """``--mandate`` checked against the scenario (default: the scenario's first mandate)."""
    try:
        return scenario.mandate_key(args.mandate)
    except ValueError:
        raise InputError(scenario_problem(
            scenario, "--mandate", args.mandate,
            f"unknown mandate; mandates are {', '.join(scenario.mandates)}")) from None


def plan_mandate(given, recorded, scenario, source, *, doing: str = "checking") -> str:
    """The mandate a plan is taken under: ``given`` (``--mandate``) when there is one, else
    ``recorded`` (the one the plan was made under, None when its file or revision records
    none), else the scenario's first.

    A ``given`` mandate other than the recorded one is said on standard error, naming
    ``source`` (``doing`` says what is done under it: checking, comparing, briefing).

    Raises
    ------
    InputError
        ``given`` is not one of the scenario's mandates; or, without ``given``, the plan
        records one the scenario does not have (naming ``source``, the plan file or saved
        revision).
    """
    import sys
    if given is None and recorded is not None and recorded not in scenario.mandates:
        raise InputError(problem(  # no field: a CSV file records it in every row
            source, f"the plan was made under mandate {recorded!r}, which scenario "
            f"{scenario.name!r} does not have; its mandates are {', '.join(scenario.mandates)}"
            " (name one with --mandate)"))
    if given is None:
        return scenario.mandate_key(recorded)
    mandate = mandate_key(argparse.Namespace(mandate=given), scenario)
    if recorded is not None and recorded != mandate:
        print(f"note: {source}: the plan was made under {recorded}; {doing} under "
              f"{mandate} as --mandate asks", file=sys.stderr)
    return mandate
