"""Rule kinds: parameters, check and optimizer encoding, defined once and registered by name.

A rule kind's ``check`` reads a plan and yields :class:`Violation` records; its ``encode``
adds the same rule to the CP-SAT model. The checker and the optimizer both go through
this registry, so a rule cannot mean one thing in the browser and another in the solver.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping

from geo.errors import Problem, problem
from planner.files.schema import KINDS

REQUIRED = object()


@dataclass(frozen=True)
class Param:
    """One parameter of a rule kind: its type (a :data:`planner.schema.KINDS` key), default, meaning."""

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
    """

    name: str
    doc: str
    params: Mapping[str, Param]
    check: Callable[..., Iterable[Violation]]
    encode: Callable[..., None]


@dataclass(frozen=True)
class Rule:
    """A rule of a scenario bound to its kind, with parameters resolved."""

    id: str
    kind: RuleKind
    severity: str
    params: Mapping[str, Any]
    weight: float = 1.0

    @property
    def hard(self) -> bool:
        return self.severity == "hard"

    def violation(self, *, phase=None, sector=None, nation=None, measured=None, limit=None,
                  message: str) -> Violation:
        return Violation(self.id, self.kind.name, self.severity, phase, sector, nation,
                         measured, limit, message)


REGISTRY: dict[str, RuleKind] = {}


def register(kind: RuleKind) -> RuleKind:
    """Add ``kind`` to the registry (a name may be registered once)."""
    if kind.name in REGISTRY:
        raise ValueError(f"rule kind {kind.name!r} is already registered")
    REGISTRY[kind.name] = kind
    return kind


def _param_problems(spec, kind: RuleKind, path, where) -> tuple[dict, list[Problem]]:
    problems, values = [], {}
    for name in sorted(set(spec.params) - set(kind.params)):
        known = ", ".join(sorted(kind.params)) or "none"
        problems.append(problem(path, f"unknown parameter for kind {kind.name!r}; "
                                f"its parameters are: {known}", feature=where,
                                feature_id=spec.id, field=f"params.{name}"))
    for name, param in kind.params.items():
        if name not in spec.params:
            if param.default is REQUIRED:
                problems.append(problem(path, f"required parameter of kind {kind.name!r} is "
                                        "missing", feature=where, feature_id=spec.id,
                                        field=f"params.{name}"))
            values[name] = param.default
            continue
        value = spec.params[name]
        ok, expected = KINDS[param.kind]
        message = None if ok(value) else f"must be {expected}"
        message = message or (param.check(value) if param.check else None)
        if message:
            problems.append(problem(path, message, feature=where, feature_id=spec.id,
                                    field=f"params.{name}", value=value))
        values[name] = value
    return values, problems


def bind(spec, path="<rules>", index: int | None = None) -> tuple[Rule | None, list[Problem]]:
    """Bind one :class:`planner.domain.scenario.RuleSpec` to its kind, or return its problems."""
    where = f"rule {index}" if index is not None else "rule"
    kind = REGISTRY.get(spec.kind)
    if kind is None:
        known = ", ".join(sorted(REGISTRY))
        return None, [problem(path, f"unknown rule kind; kinds are: {known}", feature=where,
                              feature_id=spec.id, field="kind", value=spec.kind)]
    values, problems = _param_problems(spec, kind, path, where)
    if problems:
        return None, problems
    return Rule(spec.id, kind, spec.severity, MappingProxyType(values), spec.weight), []


def validate_specs(specs, path) -> list[Problem]:
    """Every problem in a list of rule specs (unknown kinds, unknown or bad parameters)."""
    out = []
    for i, spec in enumerate(specs):
        out += bind(spec, path, i)[1]
    return out


def bind_all(specs, path="<rules>") -> list[Rule]:
    """Bind every spec; raise :class:`geo.errors.InputError` listing every problem."""
    from geo.errors import raise_if
    rules, problems = [], []
    for i, spec in enumerate(specs):
        rule, found = bind(spec, path, i)
        problems += found
        if rule:
            rules.append(rule)
    raise_if(problems)
    return rules
