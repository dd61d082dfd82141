"""What every ``planner`` command shares: exit codes, the scenario and format arguments."""
from __future__ import annotations

from geo.errors import InputError, problem

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


def scenario_arg(p, *, flag: bool = False) -> None:
    """The scenario folder: a positional ``DIR`` or, with ``flag``, ``--scenario DIR``."""
    kw = dict(default=None, help="scenario folder (default: the bundled Gaza ISF scenario)")
    if flag:
        p.add_argument("--scenario", metavar="DIR", **kw)
    else:
        p.add_argument("scenario", nargs="?", metavar="DIR", **kw)


def format_arg(p) -> None:
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="output format (default: text)")


def scenario_problem(scenario, field, value, message):
    """A problem with a command-line option, reported against the scenario's file."""
    return problem(scenario.root / "scenario.yaml", message, field=field, value=value)


def mandate_key(args, scenario) -> str:
    """``--mandate`` checked against the scenario (default: the scenario's first mandate)."""
    try:
        return scenario.mandate_key(args.mandate)
    except ValueError:
        raise InputError(scenario_problem(
            scenario, "--mandate", args.mandate,
            f"unknown mandate; mandates are {', '.join(scenario.mandates)}")) from None
