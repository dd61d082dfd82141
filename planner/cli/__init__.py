"""The ``planner`` command line: one module per command (see :mod:`planner.cli.main`)."""
from planner.cli.main import main

__all__ = ["main"]
