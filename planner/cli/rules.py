"""``planner rules``: every rule kind and its parameters."""
from __future__ import annotations

from planner.cli.common import EXIT_OK


def add_parser(sub) -> None:
    p = sub.add_parser("rules", help="list the rule kinds and their parameters")
    p.set_defaults(func=run)


def run(args) -> int:
    from planner.rules import REGISTRY
    from planner.rules.base import REQUIRED
    for name, kind in sorted(REGISTRY.items()):
        print(f"{name}: {kind.doc}")
        for pname, param in kind.params.items():
            default = "" if param.default is REQUIRED else f" (default {param.default!r})"
            print(f"    {pname} [{param.kind}]{default}: {param.doc}")
    return EXIT_OK
