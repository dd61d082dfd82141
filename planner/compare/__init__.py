"""Comparing plans: what changed from plan A to plan B, and what it costs or buys.

- :func:`diff` / :func:`apply`: the differences between two plans, entry by entry
  (``apply(diff(a, b), a) == b``; ``diff(b, a) == diff(a, b).inverse()``).
- :func:`compare`: two plans of one scenario side by side (:class:`Comparison`): the diff,
  contingents per phase, violations fixed and introduced by rule, each plan's soft penalty
  and the change measure the optimizer minimises with ``--from``
  (:mod:`planner.domain.change`).
- :func:`comparison_text`: a comparison as text for a terminal or a CI log.

Plain data throughout: ``planner diff``, the app and briefings render it their own way.
"""
from planner.compare.comparison import (Comparison, ContingentRow, Figures, RuleCount, Side,
                                        SideSummary, compare, identity, matched, rule_weights,
                                        soft_penalty)
from planner.compare.diff import (DiffConflict, LeadChange, PinChange, PlanDiff, SectorEntry,
                                  TroopChange, apply, diff)
from planner.compare.text import comparison_text
from planner.domain.change import ChangeMeasure, change_measure

__all__ = ["ChangeMeasure", "Comparison", "ContingentRow", "DiffConflict", "Figures",
           "LeadChange", "PinChange", "PlanDiff", "RuleCount", "SectorEntry", "Side",
           "SideSummary", "TroopChange", "apply", "change_measure", "compare",
           "comparison_text", "diff", "identity", "matched", "rule_weights", "soft_penalty"]
