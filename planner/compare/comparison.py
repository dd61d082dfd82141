"""Two plans of one scenario side by side: what changed, per contingent, and what the rules say.

:func:`compare` returns a :class:`Comparison`, plain data (no Streamlit, no printing) that
``planner diff``, the app's Compare view and briefings render each in their own way.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from planner.compare.diff import PlanDiff, diff
from planner.domain.change import ChangeMeasure, change_measure
from planner.domain.plan import Assignment, Plan
from planner.domain.roles import force_troops, off_ground_troops
from planner.domain.sectors import SectorTable, sector_table
from planner.rules import Violation
from planner.rules.check import check, soft_penalty


@dataclass(frozen=True)
class Side:
    """One plan to compare, with what it is checked under.

    Parameters
    ----------
    plan
        The plan.
    label
        How the plan is named to the reader (a file name, ``main@4``, "working plan").
    mandate
        Mandate key (default: the one :func:`compare` is given).
    contingents, vetoes
        Contingents in play and vetoes in force (default: the scenario's), for a what-if.
    table
        The sector table the plan is made over (default: the scenario's sectors); a plan
        over re-cut sectors has its own.
    scenario
        The scenario the plan was made for, when it is not the one :func:`compare` is given
        (a variant: the same stages with another force); its rules, contingents, vetoes and
        troop units judge this side. ``table`` must then be its table.
    """

    plan: Plan
    label: str = ""
    mandate: str | None = None
    contingents: tuple | None = None
    vetoes: tuple | None = None
    table: SectorTable | None = None
    scenario: object | None = None


@dataclass(frozen=True)
class Figures:
    """One contingent in one phase of one plan: troops, share of the force, sectors led."""

    troops: int
    share: float
    sectors_led: int

    @property
    def deployed(self) -> bool:
        return self.troops > 0 or self.sectors_led > 0

    def as_dict(self) -> dict:
        return {"troops": self.troops, "share": round(self.share, 4),
                "sectors_led": self.sectors_led}


@dataclass(frozen=True)
class ContingentRow:
    """One contingent in one phase, plan A beside plan B."""

    phase: int
    nation: str
    a: Figures
    b: Figures

    @property
    def status(self) -> str:
        """``entered`` (deployed in B only), ``left`` (in A only) or ``kept``."""
        if self.a.deployed == self.b.deployed:
            return "kept"
        return "entered" if self.b.deployed else "left"

    def as_dict(self) -> dict:
        return {"phase": self.phase, "nation": self.nation, "status": self.status,
                "a": self.a.as_dict(), "b": self.b.as_dict()}


@dataclass(frozen=True)
class RuleCount:
    """Violations of one rule in A and in B, and how many B fixed and introduced."""

    rule_id: str
    severity: str
    a: int
    b: int
    fixed: int
    introduced: int

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class SideSummary:
    """What the checker says of one side."""

    label: str
    mandate: str
    mandate_label: str
    hard: int
    soft: int
    soft_penalty: float
    without: tuple[str, ...] = ()     # contingents of the scenario left out of the force
    vetoes_off: tuple[str, ...] = ()  # vetoes of the scenario not in force

    def as_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        return {**out, "without": list(self.without), "vetoes_off": list(self.vetoes_off)}

    def settings_text(self) -> str:
        """The what-if in words: "without IDN; vetoes off: V1" ('' for the whole force)."""
        return "; ".join(x for x in (f"without {', '.join(self.without)}" if self.without else "",
                                     f"vetoes off: {', '.join(self.vetoes_off)}"
                                     if self.vetoes_off else "") if x)


@dataclass(frozen=True)
class Comparison:
    """Plan A against plan B over ``phases`` (see :func:`compare`).

    ``violations_a`` and ``violations_b`` are each plan's violations in those phases (a
    violation that belongs to no phase counts in every comparison that covers all phases).
    """

    scenario: str
    phases: tuple[int, ...]
    a: SideSummary
    b: SideSummary
    diff: PlanDiff
    change: ChangeMeasure
    contingents: tuple[ContingentRow, ...]
    violations_a: tuple[Violation, ...]
    violations_b: tuple[Violation, ...]
    violations_fixed: tuple[Violation, ...]
    violations_introduced: tuple[Violation, ...]
    rules: tuple[RuleCount, ...]
    weights: dict

    @property
    def same(self) -> bool:
        """True when the plans do not differ (leads, troops, sectors and locks)."""
        return self.diff.empty

    def phase_summary(self) -> list[dict]:
        """Per phase: how many leads, troops, sectors and contingents changed, violations
        fixed and introduced, and each plan's soft penalty."""
        out = []
        for p in self.phases:
            d = self.diff.only([p])
            rows = [r for r in self.contingents if r.phase == p]
            out.append({
                "phase": p, "lead_changes": len(d.lead_changes),
                "troop_changes": len(d.troop_changes),
                "sectors_changed": len({c.sector_id for c in d.lead_changes + d.troop_changes}),
                "sectors_added": len(d.sectors_added), "sectors_removed": len(d.sectors_removed),
                "contingents_entered": [r.nation for r in rows if r.status == "entered"],
                "contingents_left": [r.nation for r in rows if r.status == "left"],
                "violations_fixed": sum(v.phase == p for v in self.violations_fixed),
                "violations_introduced": sum(v.phase == p for v in self.violations_introduced),
                "soft_penalty": {"a": self._penalty(self.violations_a, p),
                                 "b": self._penalty(self.violations_b, p)}})
        return out

    def _penalty(self, violations, phase) -> float:
        return soft_penalty([v for v in violations if v.phase == phase], self.weights)

    def changed_sectors(self) -> list[tuple[int, str]]:
        """Every (phase, sector) that differs, sorted (for hatching a map or a table)."""
        d = self.diff
        return sorted({(c.phase, c.sector_id) for group in (d.lead_changes, d.troop_changes,
                                                            d.sectors_added, d.sectors_removed,
                                                            d.pin_changes) for c in group})

    def as_dict(self) -> dict:
        """The comparison as JSON-ready data; the shape is documented in the README."""
        return {
            "scenario": self.scenario, "phases": list(self.phases), "same": self.same,
            "a": self.a.as_dict(), "b": self.b.as_dict(),
            **self.diff.as_dict(),
            "contingents": [r.as_dict() for r in self.contingents],
            "violations_fixed": [v.as_dict() for v in self.violations_fixed],
            "violations_introduced": [v.as_dict() for v in self.violations_introduced],
            "violations_by_rule": [r.as_dict() for r in self.rules],
            "soft_penalty": {"a": self.a.soft_penalty, "b": self.b.soft_penalty},
            "change_measure": self.change.as_dict(),
            "by_phase": self.phase_summary(),
        }


def rule_weights(rules) -> dict[str, float]:
    """``{rule id: weight}`` of rule specs (a scenario's ``rules``)."""
    return {r.id: float(r.weight) for r in rules}


def identity(v: Violation) -> tuple:
    """What makes two violations of two plans the same one: rule, phase, sector, nation
    (the measured value may differ: a sector still short of troops is not fixed)."""
    return (v.rule_id, v.phase, v.sector, v.nation)


def matched(a: Iterable[Violation], b: Iterable[Violation]) -> tuple[list, list]:
    """Violations of ``a`` that ``b`` no longer has (fixed), and of ``b`` that ``a`` did
    not have (introduced), matching by :func:`identity` and counting repeats."""
    a, b = list(a), list(b)
    left = Counter(identity(v) for v in b)
    fixed = []
    for v in a:
        if left[identity(v)]:
            left[identity(v)] -= 1
        else:
            fixed.append(v)
    left = Counter(identity(v) for v in a)
    introduced = []
    for v in b:
        if left[identity(v)]:
            left[identity(v)] -= 1
        else:
            introduced.append(v)
    return fixed, introduced


def filled(plan: Plan, keys) -> Plan:
    """``plan`` with an empty assignment for every key in ``keys`` it lacks: a sector left
    out of a CSV file and one written with no lead and no troops are the same."""
    missing = [k for k in keys if k not in plan.assignments]
    if not missing:
        return plan
    rows = dict(plan.assignments)
    rows.update({k: Assignment(*k, None) for k in missing})
    return Plan(rows, plan.pins)


def figures(plan: Plan, phase: int, off_ground: dict[str, int] | None = None
            ) -> dict[str, Figures]:
    """Each nation's troops in the force, share of the phase's force and sectors led in
    ``phase``; ``off_ground``: the troops of the units that hold no ground in that phase
    (:func:`planner.domain.roles.off_ground_troops`), which count towards the force."""
    troops = force_troops(plan.troops_by_nation(phase), off_ground or {})
    led = Counter(a.lead for a in plan.phase(phase) if a.lead)
    total = sum(troops.values())
    return {n: Figures(troops.get(n, 0), troops.get(n, 0) / total if total else 0.0, led[n])
            for n in set(troops) | set(led)}


def contingent_rows(a: Plan, b: Plan, phases, order=(), off_ground=(None, None)
                    ) -> tuple[ContingentRow, ...]:
    """Per phase, every contingent deployed in either plan, A beside B, in ``order`` (the
    scenario's contingent order; other codes after it, sorted). ``off_ground``: for A and
    for B, None or ``phase -> {code: troops}`` of the units that hold no ground."""
    rank = {code: i for i, code in enumerate(order)}
    none = Figures(0, 0.0, 0)
    rows = []
    off_a, off_b = (f or (lambda p: {}) for f in off_ground)
    for p in phases:
        fa, fb = figures(a, p, off_a(p)), figures(b, p, off_b(p))
        for n in sorted(set(fa) | set(fb), key=lambda n: (rank.get(n, len(rank)), n)):
            rows.append(ContingentRow(p, n, fa.get(n, none), fb.get(n, none)))
    return tuple(rows)


def rule_counts(a, b, fixed, introduced, rule_ids) -> tuple[RuleCount, ...]:
    """Per rule with a violation in either plan, in rule order."""
    count = lambda vs: Counter(v.rule_id for v in vs)
    ca, cb, cf, ci = count(a), count(b), count(fixed), count(introduced)
    severity = {v.rule_id: v.severity for v in list(a) + list(b)}
    return tuple(RuleCount(r, severity[r], ca[r], cb[r], cf[r], ci[r])
                 for r in rule_ids if ca[r] or cb[r])


def compare(a: Plan | Side, b: Plan | Side, scenario, mandate: str | None = None, *,
            table: SectorTable | None = None, rules=None,
            phases: Iterable[int] | None = None) -> Comparison:
    """Compare plan ``a`` with plan ``b`` of ``scenario``.

    Parameters
    ----------
    a, b
        The plans, bare or as :class:`Side` (a label, and what the plan is checked under).
    scenario
        The loaded scenario.
    mandate
        Mandate key both plans are checked under unless a side names its own (default: the
        scenario's first).
    table
        The scenario's sector table, when at hand (it is built otherwise).
    rules
        Rule specs replacing the scenario's own.
    phases
        Compare these phases only (default: every phase of the scenario and the plans).

    Returns
    -------
    Comparison
        The diff, the change measure (the optimizer's least-change objective from A to B),
        contingents side by side, violations fixed and introduced (matched by rule, phase,
        sector and nation) and each plan's soft penalty.
    """
    mandate = mandate or next(iter(scenario.mandates))
    table = table or sector_table(scenario)
    sa, sb = (x if isinstance(x, Side) else Side(x, label) for x, label in ((a, "A"), (b, "B")))
    plan_a = filled(sa.plan, (sa.table or table).keys)
    plan_b = filled(sb.plan, (sb.table or table).keys)
    every = sorted({*(sa.table or table).phases, *(sb.table or table).phases,
                    *(k[0] for k in plan_a.assignments), *(k[0] for k in plan_b.assignments)})
    chosen = tuple(every if phases is None else sorted(set(phases)))
    own_a, own_b = sa.scenario or scenario, sb.scenario or scenario
    specs_a = list(rules if rules is not None else own_a.rules)
    specs_b = list(rules if rules is not None else own_b.rules)
    specs = specs_a + [r for r in specs_b if r.id not in {x.id for x in specs_a}]
    weights = rule_weights(specs)
    va = _violations(plan_a, sa, own_a, mandate, table, specs_a, chosen, phases is None)
    vb = _violations(plan_b, sb, own_b, mandate, table, specs_b, chosen, phases is None)
    fixed, introduced = matched(va, vb)
    keys = [k for k in set(plan_a.assignments) | set(plan_b.assignments) if k[0] in chosen]
    codes = [c.code for c in own_a.contingents]
    codes += [c.code for c in own_b.contingents if c.code not in codes]
    name = scenario.name if own_a is own_b else f"{own_a.name} / {own_b.name}"
    return Comparison(
        name, chosen,
        _summary(sa, own_a, mandate, va, weights), _summary(sb, own_b, mandate, vb, weights),
        diff(plan_a, plan_b, keys_a=(sa.table or table).keys,
             keys_b=(sb.table or table).keys).only(chosen),
        change_measure(plan_a, plan_b, _unit_of(own_a, own_b), keys=keys,
                       troop_unit=scenario.troop_unit),
        contingent_rows(plan_a, plan_b, chosen, codes,
                        (_off_ground(sa, own_a, mandate), _off_ground(sb, own_b, mandate))),
        va, vb, tuple(fixed), tuple(introduced),
        rule_counts(va, vb, fixed, introduced, [r.id for r in specs]), weights)


def _unit_of(a, b):
    """Troop units of both sides' contingents (plan B's scenario for a code only it has)."""
    return lambda code: a.unit_of(code) if a.contingent(code) is not None else b.unit_of(code)


def _off_ground(side: Side, scenario, mandate):
    """``phase -> {code: troops}`` of the side's units that hold no ground, under its own
    contingents, vetoes and mandate."""
    force = side.contingents if side.contingents is not None else scenario.contingents
    vetoes = side.vetoes if side.vetoes is not None else scenario.vetoes
    return lambda p: off_ground_troops(force, vetoes, side.mandate or mandate, p,
                                       scenario.unit_of)


def _violations(plan, side, scenario, mandate, table, specs, phases, all_phases) -> tuple:
    report = check(plan, scenario, side.mandate or mandate, rules=specs,
                   table=side.table or table, contingents=side.contingents, vetoes=side.vetoes)
    return tuple(v for v in report.violations
                 if v.phase in phases or (v.phase is None and all_phases))


def _summary(side: Side, scenario, mandate, violations, weights) -> SideSummary:
    hard = sum(v.severity == "hard" for v in violations)
    key = side.mandate or mandate
    force = {c.code for c in side.contingents} if side.contingents is not None else None
    vetoes = {v.id for v in side.vetoes} if side.vetoes is not None else None
    return SideSummary(
        side.label, key, scenario.mandates[key].label, hard, len(violations) - hard,
        soft_penalty(violations, weights),
        tuple(c.code for c in scenario.contingents if force is not None and c.code not in force),
        tuple(v.id for v in scenario.vetoes if vetoes is not None and v.id not in vetoes))
