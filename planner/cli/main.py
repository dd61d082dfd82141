"""The ``planner`` command: the same functions the app calls, for scripts and CI.

Exit codes: 0 success; 1 a plan breaks hard rules (check) or no plan exists (solve);
2 input that cannot be read or is invalid, with a message naming file, feature, field, value.
Each command is a module of this package with ``add_parser(sub)``; :data:`COMMANDS` lists them.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from importlib import import_module

from geo.errors import InputError
from geo.partition import PartitionError
from planner.cli.common import EXIT_BAD_INPUT
from planner.files.planfile import ScenarioChanged

COMMANDS = ["scenario", "layers", "sectors", "check", "rules", "solve", "plans", "diff", "sweep",
            "report"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planner", description="Withdrawal-Zone Planner: "
                                     "layers, sectors, composition rules and checks for a "
                                     "stabilization force over a phased withdrawal.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        import_module(f"planner.cli.{name}").add_parser(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioChanged)
        try:
            return args.func(args)
        except (InputError, PartitionError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except (BrokenPipeError, KeyboardInterrupt):
            return EXIT_BAD_INPUT
        finally:
            _show(caught)


def _show(caught) -> None:
    """Our warnings as ``warning: ...`` lines on stderr; any other as Python shows it."""
    for w in caught:
        if issubclass(w.category, ScenarioChanged):
            print(f"warning: {w.message}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


if __name__ == "__main__":
    sys.exit(main())
