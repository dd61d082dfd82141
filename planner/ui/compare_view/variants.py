"""The Compare page: what-if variants of the working plan, solved into named plans (never into
the working plan).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Mapping


from geo.errors import InputError
from planner.domain.plan import Key
from planner.domain.working import Settings, Working
from planner.files.store import StaleRevision
from planner.ui.compare_view.sides import SAVE_ATTEMPTS, VARIANT_MARK


@dataclass(frozen=True)
class Variant:
    """The working plan's settings with changes.

    Parameters
    ----------
    mandate
        Another mandate (None: the working plan's).
    without
        Contingents taken out of the working plan's force.
    vetoes_off
        Vetoes lifted (ids among those in force).
    troops
        ``{code: troops}`` what-if troop figures changed.
    locks
        ``(phase, sector)`` locked at the working plan's lead and troops.
    """

    mandate: str | None = None
    without: tuple[str, ...] = ()
    vetoes_off: tuple[str, ...] = ()
    troops: Mapping[str, int] = field(default_factory=dict)
    locks: tuple[Key, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "without", tuple(sorted(set(self.without))))
        object.__setattr__(self, "vetoes_off", tuple(sorted(set(self.vetoes_off))))
        object.__setattr__(self, "troops", dict(sorted(self.troops.items())))
        object.__setattr__(self, "locks", tuple(sorted(set(self.locks))))

    def __hash__(self):
        return hash((self.mandate, self.without, self.vetoes_off,
                     tuple(self.troops.items()), self.locks))


def variant_problems(variant: Variant, settings: Settings, scenario) -> list[str]:
    """What is wrong with a variant of ``settings`` (empty when it can be solved)."""
    out = []
    if variant.mandate is not None and variant.mandate not in scenario.mandates:
        out.append(f"unknown mandate {variant.mandate!r}; mandates are "
                   f"{', '.join(scenario.mandates)}")
    for code in variant.without:
        if code not in settings.force:
            out.append(f"{code} is not in the working plan's force")
    for vid in variant.vetoes_off:
        if vid not in settings.vetoes:
            out.append(f"veto {vid} is not in force in the working plan")
    codes = {x.code for x in scenario.contingents}
    for code, troops in variant.troops.items():
        if code not in codes:
            out.append(f"{code} is not a contingent of the scenario")
        elif not isinstance(troops, int) or isinstance(troops, bool) or troops < 0:
            out.append(f"{code}'s troop figure must be a whole number, 0 or more; got "
                       f"{troops!r}")
    return out


def variant_settings(settings: Settings, variant: Variant) -> Settings:
    """The working plan's settings with the variant's changes."""
    figures = dict(settings.troops)
    figures.update(variant.troops)
    return Settings(variant.mandate or settings.mandate,
                    tuple(c for c in settings.force if c not in variant.without),
                    tuple(v for v in settings.vetoes if v not in variant.vetoes_off),
                    tuple(sorted(figures.items())))


def variant_working(work: Working, variant: Variant) -> Working:
    """The working state a variant is solved from: the variant's settings, and the working
    plan with the variant's sectors locked at their current lead and troops."""
    plan = work.plan
    for phase, sector in variant.locks:
        plan = plan.with_pin(phase, sector)
    return replace(work, plan=plan, settings=variant_settings(work.settings, variant))


def variant_label(variant: Variant, settings: Settings, scenario) -> str:
    """The variant in words: ``without IDN; vetoes off: V1; Chapter VII; IDN 5,000 troops;
    2 sectors locked`` (``as the working plan`` when nothing changes)."""
    parts = []
    if variant.without:
        parts.append("without " + ", ".join(variant.without))
    if variant.vetoes_off:
        parts.append("vetoes off: " + ", ".join(variant.vetoes_off))
    if variant.mandate and variant.mandate != settings.mandate:
        parts.append(scenario.mandates[variant.mandate].label)
    parts += [f"{code} {troops:,} troops" for code, troops in variant.troops.items()]
    if variant.locks:
        n = len(variant.locks)
        parts.append(f"{n} sector{'s' * (n != 1)} locked")
    return "; ".join(parts) or "as the working plan"


def variant_name(plan_name: str, variant: Variant, settings: Settings) -> str:
    """The store name of a variant's result: ``main~without-IDN+vetoes-off``, at most 80
    characters (a long one ends in a short digest of the rest)."""
    parts = []
    if variant.without:
        parts.append("without-" + "-".join(variant.without))
    if variant.vetoes_off:
        every = set(variant.vetoes_off) == set(settings.vetoes)
        parts.append("vetoes-off" if every else "veto-off-" + "-".join(variant.vetoes_off))
    if variant.mandate and variant.mandate != settings.mandate:
        parts.append(variant.mandate)
    parts += [f"{code}-{troops}" for code, troops in variant.troops.items()]
    if variant.locks:
        parts.append(f"{len(variant.locks)}-locked")
    slug = "+".join(parts) or "re-solved"
    name = f"{plan_name}{VARIANT_MARK}{slug}"
    if len(name) > 80:
        digest = hashlib.sha256(slug.encode("utf-8")).hexdigest()[:8]
        name = name[:80 - 10] + "~" + digest
    return name


@dataclass(frozen=True)
class VariantOutcome:
    """A variant solved: the store name and revision of its result (None when no plan was
    found), the words for it, the optimizer's result, and the working state saved."""

    name: str
    revision: int | None
    label: str
    result: object          # planner.solver.optimize.SolveResult
    work: Working | None
    error: str | None = None

    @property
    def solved(self) -> bool:
        return self.revision is not None


def explanation_lines(result, seconds: float | None = None) -> list[str]:
    """Why the optimizer found no plan, in plain sentences (each naming its rules)."""
    if result.plan is not None:
        return []
    if result.explanation is not None and result.explanation.reasons:
        return [f"{' '.join(r.sentences)} (rules {', '.join(r.rules)})"
                for r in result.explanation.reasons]
    if result.status == "UNKNOWN":
        limit = f" within {seconds:g} s" if seconds else ""
        return [f"The optimizer found no plan{limit} and could not prove that none exists: "
                f"the time ran out. Try fewer changes, or optimize on the Plan page."]
    return [f"The optimizer found no plan ({result.status})."]


def save_variant(env, name: str, work: Working, message: str):
    """Append ``work`` to the named plan ``name`` (made when new) in the store; another
    session saving it meanwhile is not an error: the save goes on top of theirs."""
    for attempt in range(SAVE_ATTEMPTS):
        base = env.store.latest_number(name)
        try:
            return env.store.save(name, work, base=base, author=env.author, message=message,
                                  scope=env.base.name)
        except StaleRevision:
            if attempt == SAVE_ATTEMPTS - 1:
                raise


def solve_variant(state, env, variant: Variant, *, name: str | None = None,
                  progress=None) -> VariantOutcome:
    """Solve a what-if variant of the working plan into a named plan in the store.

    The optimizer runs with the variant's force, vetoes, mandate and locks, the least change
    from the working plan and ``env.solve_seconds``. A plan found is saved as the next
    revision of ``name`` (default :func:`variant_name`), a name that must start with
    ``<working plan>~``: the working plan itself is never written. No plan: nothing is
    saved, and :func:`explanation_lines` of the outcome's result says why.
    """
    from planner.solver.optimize import solve
    scenario, table = env.scenario_for(state.work), env.table_for(state.work)
    label = variant_label(variant, state.settings, scenario)
    name = (name or variant_name(state.name, variant, state.settings)).strip()
    problems = variant_problems(variant, state.settings, scenario)
    prefix = state.name + VARIANT_MARK
    if not name.startswith(prefix) or name == prefix:
        problems.append(f"a what-if result is named '{prefix}<something>', never the working "
                        f"plan or another plan; got {name!r}")
    if problems:
        return VariantOutcome(name, None, label, None, None,
                              error="The variant was not solved: " + "; ".join(problems))
    work = variant_working(state.work, variant)
    s = work.settings
    result = solve(scenario, s.mandate, pins=dict(work.plan.pins), table=table,
                   time_limit_s=env.solve_seconds, reference=state.plan,
                   contingents=s.contingents(scenario), vetoes=s.vetoes_in_force(scenario),
                   progress=progress)
    if result.plan is None:
        return VariantOutcome(name, None, label, result, None)
    solved = work.with_plan(result.plan)
    message = (f"what-if: {label} ({result.status}, least change from '{state.name}' "
               f"revision {state.revision})")
    try:
        saved = save_variant(env, name, solved, message)
    except (InputError, StaleRevision) as exc:
        return VariantOutcome(name, None, label, result, None, error=f"Not saved: {exc}")
    return VariantOutcome(name, saved.number, label, result, solved)
