"""Composition rules: every kind registered with its parameters, check and encoding."""
from planner.rules import force, sector, spatial  # noqa: F401 - registers the kinds
from planner.rules.base import (REGISTRY, Param, Rule, RuleKind, Violation, bind, bind_all,
                                validate_specs)
from planner.rules.situation import Situation

__all__ = ["REGISTRY", "Param", "Rule", "RuleKind", "Situation", "Violation", "bind",
           "bind_all", "validate_specs"]
