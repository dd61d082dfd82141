"""Rule kinds: parameters, check and optimizer encoding, defined once and registered by name.

A rule kind's ``check`` reads a plan and yields :class:`Violation` records; its ``encode``
adds the same rule to the CP-SAT model; kinds that keep contingents out of sectors (or off
their lead, or under a share of the force) say so once more, in :class:`Bars` and
``share_cap``, for whatever else must know what the rule allows (the pre-checks, the warm
start, the greedy baseline). The checker and the optimizer both go through this registry,
so a rule cannot mean one thing in the browser and another in the solver.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, NamedTuple

from geo.errors import Problem, problem, raise_if
from planner.files.schema import KINDS

if TYPE_CHECKING:
    from planner.rules.context import RuleContext

REQUIRED = object()


@dataclass(frozen=True)
class Param:
    """One parameter of a rule kind: its type (a :data:`planner.files.schema.KINDS` key),
    default, meaning and an extra check returning a message or None."""

    kind: str
    default: Any = REQUIRED
    doc: str = ""
    check: Callable[[Any], str | None] | None = None


@dataclass(frozen=True)
class Violation:
    """A rule broken by a plan, with what was measured against what limit."""

    rule_id: str
    kind: str
    severity: str
    phase: int | None
    sector: str | None
    nation: str | None
    measured: Any
    limit: Any
    message: str

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class Why(NamedTuple):
    """Why a rule keeps a nation out of a sector: measured value, limit, plain words."""

    measured: Any
    limit: Any
    text: str


@dataclass(frozen=True)
class Bars:
    """What a rule kind says about who may be where.

    Parameters
    ----------
    reason
        ``reason(rule, context, key, nation) -> Why | None``: why ``nation`` may not be at
        ``key`` (a (phase, sector) pair), or None when it may.
    who
        ``who(context, phase) -> str``: the contingents the rule lets through, as the end of
        "contingents that ...", e.g. ``accept Chapter VII``.
    lead_only
        The rule bars leading only (troops may still be there).
    per_sector
        The reason depends on the sector, not only on the nation and phase.
    limits
        For ``per_sector`` kinds: what limits where contingents go, as the subject of "once
        ... apply", e.g. ``the vetoes``.
    """

    reason: Callable[..., Why | None]
    who: Callable[..., str]
    lead_only: bool = False
    per_sector: bool = False
    limits: str = "the rules"


@dataclass(frozen=True)
class RuleKind:
    """A kind of composition rule.

    Parameters
    ----------
    name
        Registry key, used as ``kind:`` in scenario files.
    doc
        One sentence a planner reads in ``planner rules``.
    params
        Parameter definitions by name.
    check
        ``check(rule, situation) -> Iterable[Violation]``.
    encode
        ``encode(rule, model) -> None``: adds the rule to the optimizer's CP-SAT model,
        as hard constraints guarded by the rule's assumption literal or as soft penalties.
    bars
        For kinds that keep contingents out of sectors or off their lead: :class:`Bars`.
    share_cap
        For kinds that cap a nation's share of a phase's troops: ``share_cap(rule) -> float``.
    """

    name: str
    doc: str
    params: Mapping[str, Param]
    check: Callable[..., Iterable[Violation]]
    encode: Callable[..., None]
    bars: Bars | None = None
    share_cap: Callable[..., float] | None = None


REGISTRY: dict[str, RuleKind] = {}


def register(kind: RuleKind) -> RuleKind:
    """Add ``kind`` to the registry (a name may be registered once); call it right after the
    kind's functions."""
    if kind.name in REGISTRY:
        raise ValueError(f"rule kind {kind.name!r} is already registered")
    REGISTRY[kind.name] = kind
    return kind


@dataclass(frozen=True)
class Rule:
    """One composition rule: an id, a kind (a :data:`REGISTRY` name), a severity, parameters
    and a weight (soft rules).

    As a scenario states it, ``params`` holds what the file gave; :func:`bind` checks the
    rule against its kind and returns it with every parameter resolved (defaults filled).
    Binding a bound rule returns an equal rule, so bound rules go wherever rules go.
    """

    id: str
    kind: str
    severity: str = "hard"
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    weight: float = 1.0

    @property
    def hard(self) -> bool:
        return self.severity == "hard"

    @property
    def definition(self) -> RuleKind:
        """The kind's definition (a KeyError for an unknown kind: :func:`bind` first)."""
        return REGISTRY[self.kind]

    def check(self, situation) -> Iterable[Violation]:
        """Every violation of this rule in ``situation``."""
        return self.definition.check(self, situation)

    def encode(self, model) -> None:
        """Add this rule to the optimizer's ``model``."""
        self.definition.encode(self, model)

    def bars(self, context: RuleContext, key, nation: str) -> Why | None:
        """Why ``nation`` may not deploy (lead or put troops) at ``key``, or None."""
        b = self.definition.bars
        return b.reason(self, context, key, nation) if b and not b.lead_only else None

    def bars_lead(self, context: RuleContext, key, nation: str) -> Why | None:
        """Why ``nation`` may not lead at ``key`` (deploying there at all included), or None."""
        b = self.definition.bars
        return b.reason(self, context, key, nation) if b else None

    @property
    def share_cap(self) -> float | None:
        """The largest share of a phase's troops one nation may have, if this rule caps it."""
        cap = self.definition.share_cap
        return cap(self) if cap else None

    def violation(self, *, phase=None, sector=None, nation=None, measured=None, limit=None,
                  message: str) -> Violation:
        return Violation(self.id, self.kind, self.severity, phase, sector, nation,
                         measured, limit, message)


def _param_problems(rule: Rule, kind: RuleKind, path, where) -> tuple[dict, list[Problem]]:
    problems, values = [], {}
    for name in sorted(set(rule.params) - set(kind.params)):
        known = ", ".join(sorted(kind.params)) or "none"
        problems.append(problem(path, f"unknown parameter for kind {kind.name!r}; "
                                f"its parameters are: {known}", feature=where,
                                feature_id=rule.id, field=f"params.{name}"))
    for name, param in kind.params.items():
        if name not in rule.params:
            if param.default is REQUIRED:
                problems.append(problem(path, f"required parameter of kind {kind.name!r} is "
                                        "missing", feature=where, feature_id=rule.id,
                                        field=f"params.{name}"))
            values[name] = param.default
            continue
        value = rule.params[name]
        ok, expected = KINDS[param.kind]
        message = None if ok(value) else f"must be {expected}"
        message = message or (param.check(value) if param.check else None)
        if message:
            problems.append(problem(path, message, feature=where, feature_id=rule.id,
                                    field=f"params.{name}", value=value))
        values[name] = value
    return values, problems


def bind(rule: Rule, path="<rules>", index: int | None = None) -> tuple[Rule | None, list[Problem]]:
    """``rule`` with its parameters resolved against its kind, or None and its problems."""
    where = f"rule {index}" if index is not None else "rule"
    kind = REGISTRY.get(rule.kind)
    if kind is None:
        known = ", ".join(sorted(REGISTRY))
        return None, [problem(path, f"unknown rule kind; kinds are: {known}", feature=where,
                              feature_id=rule.id, field="kind", value=rule.kind)]
    values, problems = _param_problems(rule, kind, path, where)
    if problems:
        return None, problems
    return Rule(rule.id, rule.kind, rule.severity, MappingProxyType(values), rule.weight), []


def rule_problems(rules: Iterable[Rule], path) -> list[Problem]:
    """Every problem in a list of rules (unknown kinds, unknown or bad parameters)."""
    return [found for i, rule in enumerate(rules) for found in bind(rule, path, i)[1]]


def bind_all(rules: Iterable[Rule], path="<rules>") -> list[Rule]:
    """Bind every rule; raise :class:`geo.errors.InputError` listing every problem."""
    bound, problems = [], []
    for i, rule in enumerate(rules):
        one, found = bind(rule, path, i)
        problems += found
        if one:
            bound.append(one)
    raise_if(problems)
    return bound
