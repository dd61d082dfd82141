"""Rule kinds about the force as a whole in each phase: capacity, shares, nation counts."""
from __future__ import annotations

from fractions import Fraction

from planner.domain.roles import force_troops, off_ground_troops
from planner.domain.words import plural
from planner.files.schema import at_least
from planner.rules.base import Param, RuleKind, register


def off_ground(context, phase: int) -> dict[str, int]:
    """Troops the units of a :class:`~planner.rules.context.RuleContext` that hold no ground
    (logistics, staff, naval) add to the force in ``phase``
    (:func:`planner.domain.roles.off_ground_troops` with the context's contingents in play,
    vetoes in force, mandate and troop units): constants, the same in every plan."""
    return off_ground_troops(context.contingents.values(), context.vetoes, context.mandate.key,
                             phase, context.unit_of)


def nation_troops(sit, phase: int) -> dict[str, int]:
    """Each nation's troops in the force in ``phase`` as a plan has it (a
    :class:`~planner.rules.situation.Situation`): in sectors, plus :func:`off_ground`. The
    optimizer's :meth:`planner.solver.model.Model.phase_troops` is the same sum."""
    return force_troops(sit.plan.troops_by_nation(phase), off_ground(sit, phase))


def phase_force(sit) -> dict[int, int]:
    """The force's troops in each phase of ``sit`` (:func:`nation_troops` summed)."""
    return {p: sum(nation_troops(sit, p).values()) for p in sit.phases}


def fraction(value: float) -> Fraction:
    """A share as the exact fraction both a check and its encoding compare with (to 1/1000):
    ``t > share * total`` is ``t * q > p * total`` with ``share = p / q``."""
    return Fraction(value).limit_denominator(1000)


# --- capacity ------------------------------------------------------------------------------
def check_capacity(rule, sit):
    """A contingent deploys no more troops in a phase than it has, and puts them in a sector
    only in whole units of its ``unit`` (:meth:`Situation.unit_of`): ``AUT puts 125 troops in
    P1-S03 (phase 1): not whole units of 50``. The encoding needs no constraint for the
    second half: the optimizer's troop variables count whole units
    (:mod:`planner.solver.model`), so it never deploys part of one."""
    by_phase = {}
    for key in sit.keys:
        by_phase.setdefault(key[0], []).append(key)
    for phase in sit.phases:
        for n, used in sorted(nation_troops(sit, phase).items()):
            c = sit.contingents.get(n)
            have = c.troops if c else 0
            if used > have:
                what = f"has {have:,}" if c else "is not a contingent in the force"
                yield rule.violation(phase=phase, nation=n, measured=used, limit=have,
                                     message=f"{n} deploys {used:,} troops in phase {phase} "
                                             f"but {what}")
        yield from _off_unit(rule, sit, by_phase.get(phase, ()))


def _off_unit(rule, sit, keys):
    """Violations for troops in the sectors ``keys`` that are not whole units (a nation not
    in play is flagged for that already)."""
    for phase, sector in keys:
        for n, troops in sorted(sit.assignment((phase, sector)).troops.items()):
            unit = sit.unit_of(n)
            if n in sit.contingents and troops % unit:
                yield rule.violation(phase=phase, sector=sector, nation=n, measured=troops,
                                     limit=unit,
                                     message=f"{n} puts {troops:,} troops in {sector} (phase "
                                             f"{phase}): not whole units of {unit:,}")


def encode_capacity(rule, m):
    """No more troops than a contingent has; whole units need no constraint (see
    :func:`check_capacity`)."""
    for p in m.phases:
        for n in m.nations:
            m.enforce(rule, m.phase_troops(p, n) <= m.contingents[n].troops, p)


register(RuleKind("capacity", "A contingent never deploys more troops than it has, per phase, "
                  "and deploys them in whole units.",
                  {}, check_capacity, encode_capacity))


# --- max_share -----------------------------------------------------------------------------
def check_max_share(rule, sit):
    limit = rule.params["max_share"]
    share = fraction(limit)
    for phase in sit.phases:
        by_nation = nation_troops(sit, phase)
        total = sum(by_nation.values())
        for n, t in sorted(by_nation.items()):
            if total and t * share.denominator > share.numerator * total:
                yield rule.violation(phase=phase, nation=n, measured=round(t / total, 4),
                                     limit=limit,
                                     message=f"{n} has {t / total:.1%} of the troops deployed "
                                             f"in phase {phase} ({t:,} of {total:,}); the "
                                             f"limit is {limit:.0%}")


def encode_max_share(rule, m):
    share = fraction(rule.params["max_share"])
    for p in m.phases:
        total = m.phase_total(p)
        for n in m.nations:
            m.enforce(rule, share.denominator * m.phase_troops(p, n)
                      <= share.numerator * total, p)


register(RuleKind(
    "max_share", "No nation has more than max_share of the force's troops in a phase (units "
                 "that hold no ground count).",
    {"max_share": Param("number", 0.4, "fraction of deployed troops",
                        lambda v: None if 0 < v <= 1 else "must be a fraction in (0, 1]")},
    check_max_share, encode_max_share, share_cap=lambda rule: rule.params["max_share"]))


# --- min_nations ---------------------------------------------------------------------------
def check_min_nations(rule, sit):
    need = rule.params["min_nations"]
    for phase in sit.phases:
        deployed = [n for n, t in nation_troops(sit, phase).items() if t > 0]
        if len(deployed) < need:
            yield rule.violation(phase=phase, measured=len(deployed), limit=need,
                                 message=f"phase {phase} has {plural(len(deployed), 'nation')} "
                                         f"deployed "
                                         f"({', '.join(sorted(deployed)) or 'none'}); at "
                                         f"least {need} are required")


def encode_min_nations(rule, m):
    for p in m.phases:
        used, off = [], m.off_ground(p)
        for n in m.nations:
            if off.get(n, 0) > 0:  # in the force whatever the plan: it counts
                used.append(1)
                continue
            u = m.cp.NewBoolVar(f"used_{p}_{n}")
            m.cp.Add(m.phase_units(p, n) >= 1).OnlyEnforceIf(u)
            used.append(u)
        m.enforce(rule, sum(used) >= rule.params["min_nations"], p)


register(RuleKind(
    "min_nations", "At least min_nations nations have troops in the force in each phase "
                   "(units that hold no ground count).",
    {"min_nations": Param("int", 3, "number of nations", at_least(1))},
    check_min_nations, encode_min_nations))


# --- max_sectors ---------------------------------------------------------------------------
def _limited(rule, contingents):
    listed = rule.params["nations"]
    return sorted(listed) if listed else sorted(contingents)


def check_max_sectors(rule, sit):
    cap = rule.params["max_sectors"]
    for phase in sit.phases:
        for n in _limited(rule, sit.contingents):
            led = [a.sector_id for a in sit.plan.phase(phase) if a.lead == n]
            if len(led) > cap:
                yield rule.violation(phase=phase, nation=n, measured=len(led), limit=cap,
                                     message=f"{n} leads {plural(len(led), 'sector')} in "
                                             f"phase {phase}; at most {cap} allowed")


def encode_max_sectors(rule, m):
    for p in m.phases:
        for n in _limited(rule, m.contingents):
            if n in m.nations:
                m.enforce(rule, sum(m.lead[p, s, n] for s in m.open_in(p))
                          <= rule.params["max_sectors"], p)


register(RuleKind(
    "max_sectors", "A contingent leads at most max_sectors sectors per phase.",
    {"max_sectors": Param("int", doc="most sectors one nation leads", check=at_least(0)),
     "nations": Param("str_list", [], "contingents it applies to (default: all)")},
    check_max_sectors, encode_max_sectors))
