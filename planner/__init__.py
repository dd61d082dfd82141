"""Withdrawal-Zone Planner: scenario and plan model, rules, checker, optimizer, CLI."""
__version__ = "0.1.0"
