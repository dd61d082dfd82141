"""The checker: every rule over a plan, every violation, in a stable order."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Mapping

from planner.domain.plan import Plan
from planner.domain.sectors import SectorTable, sector_table
from planner.rules import Rule, Situation, Violation, bind_all
from planner.rules.force import phase_force
from planner.rules.sector import with_roles_rule


def soft_penalty(violations, weights) -> float:
    """The soft penalty of some violations: the sum, over the soft ones, of their rule's weight
    (a rule without a weight counts 1). The one definition the checker's report, the
    optimizer's figures, ``planner diff`` and the benchmarks use."""
    return float(sum(weights.get(v.rule_id, 1.0) for v in violations if v.severity == "soft"))


@dataclass(frozen=True)
class Report:
    """What the checker found: every violation and the totals; ``force``: the force's troops
    in each phase checked, in sectors plus the units that hold no ground
    (:func:`planner.rules.force.phase_force`)."""

    violations: tuple[Violation, ...]
    mandate: str
    rules_checked: int
    weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    force: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))

    @cached_property
    def hard(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "hard"]

    @cached_property
    def soft(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "soft"]

    @property
    def ok(self) -> bool:
        """True when no hard rule is broken."""
        return not self.hard

    @cached_property
    def by_sector(self) -> dict[tuple[int, str], list[str]]:
        """Rule ids broken at each (phase, sector), hard first."""
        out: dict[tuple[int, str], list[str]] = {}
        for v in self.violations:
            if v.sector is not None and v.phase is not None:
                ids = out.setdefault((v.phase, v.sector), [])
                if v.rule_id not in ids:
                    ids.append(v.rule_id)
        return out

    def hard_keys(self) -> set[tuple[int, str]]:
        return {(v.phase, v.sector) for v in self.hard if v.sector is not None}

    @property
    def soft_penalty(self) -> float:
        """The sum, over the soft violations, of their rule's weight (a rule checked without
        a weight counts 1): the figure the optimizer, ``planner diff`` and the benchmarks
        report."""
        return soft_penalty(self.soft, self.weights)

    @property
    def shortfall(self) -> int:
        """Troops missing, summed over the sectors below their requirement."""
        return int(sum(v.limit - v.measured for v in self.violations
                       if v.kind == "troops_required"))

    def totals(self) -> dict:
        return {"hard": len(self.hard), "soft": len(self.soft),
                "rules_checked": self.rules_checked, "ok": self.ok}

    def as_dict(self) -> dict:
        return {"mandate": self.mandate, "totals": self.totals(),
                "violations": [v.as_dict() for v in self.violations]}


def _order(rule_index):
    def key(v: Violation):
        return (v.severity != "hard", v.phase if v.phase is not None else 0,
                v.sector or "", rule_index[v.rule_id], v.nation or "", v.message)
    return key


def situation(plan: Plan, scenario, mandate: str | None = None, *,
              table: SectorTable | None = None, contingents=None, vetoes=None) -> Situation:
    """The :class:`Situation` a plan is checked in (``mandate``: a key of the scenario's
    mandates, default its first)."""
    mandate = scenario.mandate_key(mandate)
    force = contingents if contingents is not None else scenario.contingents
    return Situation(plan, table or sector_table(scenario), scenario.mandates[mandate],
                     {c.code: c for c in force},
                     tuple(scenario.vetoes if vetoes is None else vetoes), scenario.troop_unit)


def plan_figures(report: Report, plan: Plan, *, reference: Plan | None = None, unit_of=None,
                 best_effort: bool = False) -> dict:
    """The figures a solve prints for its plan, each measured on the plan by the checker's
    report (so the solver and the checker cannot disagree): hard violations and troop
    shortfall (with ``best_effort``), soft penalty, changes from ``reference`` (the change
    measure, with ``unit_of(code)``) and troops deployed (the force's troops summed over the
    phases, :attr:`Report.force`: units that hold no ground count)."""
    from planner.domain.change import change_measure
    out = {}
    if best_effort:
        out["hard violations"] = len(report.hard)
        out["troop shortfall (troops)"] = report.shortfall
    out["soft penalty"] = report.soft_penalty
    if reference is not None:
        out["changes from the reference"] = change_measure(reference, plan, unit_of).total
    out["troops deployed"] = sum(report.force.values())
    return out


def check(plan: Plan, scenario, mandate: str | None = None, *, rules=None,
          table: SectorTable | None = None, contingents=None, vetoes=None) -> Report:
    """Check ``plan`` against every rule of ``scenario`` (or ``rules``) under ``mandate``.

    Parameters
    ----------
    plan
        The plan to check.
    scenario
        The loaded scenario.
    mandate
        Key of one of the scenario's mandates (default: the scenario's first).
    rules
        Rules replacing the scenario's own (``planner check --rules``), bound or not.
    table
        A precomputed :class:`SectorTable` (saves the geometry work on repeated checks).
    contingents, vetoes
        What-if replacements for the scenario's contingents in play and vetoes in force.

    Returns
    -------
    Report
        Every violation, hard first, then by phase, sector, rule order and nation.
    """
    sit = situation(plan, scenario, mandate, table=table, contingents=contingents,
                    vetoes=vetoes)
    listed = rules if rules is not None else scenario.rules
    return evaluate(sit, bind_all(with_roles_rule(listed, sit.contingents.values())))


def evaluate(sit: Situation, rules: list[Rule]) -> Report:
    """Run every bound rule of ``rules`` over ``sit`` (see :func:`check`)."""
    found = [v for rule in rules for v in rule.check(sit)]
    index = {r.id: i for i, r in enumerate(rules)}
    return Report(tuple(sorted(found, key=_order(index))), sit.mandate.key, len(rules),
                  MappingProxyType({r.id: r.weight for r in rules}),
                  MappingProxyType(phase_force(sit)))
