"""Composition rules: every kind registered with its parameters, check and encoding."""
from planner.rules import force, sector, spatial  # noqa: F401 - each module registers its kinds
from planner.rules.base import (REGISTRY, Bars, Param, Rule, RuleKind, Violation, Why, bind,
                                bind_all, rule_problems)
from planner.rules.context import RuleContext
from planner.rules.situation import Situation

__all__ = ["REGISTRY", "Bars", "Param", "Rule", "RuleContext", "RuleKind", "Situation",
           "Violation", "Why", "bind", "bind_all", "rule_problems"]
