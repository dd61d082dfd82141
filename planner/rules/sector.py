"""Rule kinds about one sector in one phase: lead, troops, tasks, who may be there."""
from __future__ import annotations

import math

from planner.domain.roles import held_by_observers
from planner.domain.sectors import OBSERVATION_TASKS
from planner.files.schema import at_least
from planner.rules.base import Bars, Param, Rule, RuleKind, Why, register
from planner.rules.context import vetoed
from planner.rules.force import fraction


def _share_check(v):
    return None if 0 <= v <= 1 else "must be a fraction between 0 and 1"


def _where(key):
    return f"{key[1]} (phase {key[0]})"


# --- one_lead_per_sector -------------------------------------------------------------------
def check_one_lead(rule, sit):
    for key in sit.keys:
        a = sit.assignment(key)
        if a.lead is None:
            yield rule.violation(phase=key[0], sector=key[1], measured=0, limit=1,
                                 message=f"{_where(key)} has no lead nation")
        elif a.lead not in sit.contingents:
            yield rule.violation(phase=key[0], sector=key[1], nation=a.lead, measured=a.lead,
                                 limit="a contingent in the force",
                                 message=f"{_where(key)} is led by {a.lead}, which is not a "
                                         "contingent in the force")
        elif rule.params["lead_deploys"] and a.troops.get(a.lead, 0) == 0:
            yield rule.violation(phase=key[0], sector=key[1], nation=a.lead, measured=0,
                                 limit=1, message=f"{a.lead} leads {_where(key)} "
                                                  "but has no troops there")


def encode_one_lead(rule, m):
    for p, s in m.keys:
        m.enforce(rule, sum(m.lead[p, s, n] for n in m.nations) == 1, p)
        if rule.params["lead_deploys"]:
            for n in m.nations:
                m.enforce(rule, m.present[p, s, n] >= m.lead[p, s, n], p)


register(RuleKind(
    "one_lead_per_sector", "Every open sector has exactly one lead nation, which deploys there.",
    {"lead_deploys": Param("bool", True, "the lead must have troops in its sector")},
    check_one_lead, encode_one_lead))


# --- troops_required -----------------------------------------------------------------------
def terms_text(context, key) -> str:
    """How a sector's troop requirement comes about, e.g. ``Chapter VI: 3 per 1,000
    residents, 0 per km², at least 150`` (``, zone:C`` when an override set it)."""
    terms = context.table.terms(*key, context.mandate)
    by = f" for {', '.join(terms.overrides)}" if terms.overrides else ""
    return (f"{context.mandate.label}{by}: {terms.troops_per_1000:g} per 1,000 residents, "
            f"{terms.troops_per_km2:g} per km², at least {terms.troops_min:,}")


def check_troops(rule, sit):
    for key in sit.keys:
        a = sit.assignment(key)
        req = sit.requirements[key]
        observers = held_by_observers(a, sit.contingents)
        need, have = req.need(observers), a.total
        if have < need:
            how = f"observers alone: {need:,} under {sit.mandate.label}" \
                if observers and need != req.troops else terms_text(sit, key)
            yield rule.violation(
                phase=key[0], sector=key[1], measured=have, limit=need,
                message=f"{_where(key)} has {have:,} troops; it needs {need:,} ({how})")


def encode_troops(rule, m):
    observers = [n for n in m.nations if m.contingents[n].role == "observers"]
    for p, s in m.keys:
        req = m.requirements[p, s]
        need = req.troops
        if observers and req.need(True) < req.troops:
            need -= (req.troops - req.need(True)) * _observers_alone(m, p, s, observers)
        m.enforce(rule, m.total(p, s) + m.shortfall(p, s) >= need, p)


def _observers_alone(m, p, s, observers):
    """A bool that may be true only when observers alone hold (p, s), as
    :func:`planner.domain.roles.held_by_observers` says: some observers deploy there and no
    other nation leads or has troops there."""
    alone = m.cp.NewBoolVar(f"observers_alone|{p}|{s}")
    for n in m.nations:
        if n not in observers:
            m.cp.AddImplication(alone, m.deployed(p, s, n).Not())
    m.cp.Add(sum(m.deployed(p, s, n) for n in observers) >= 1).OnlyEnforceIf(alone)
    return alone


register(RuleKind(
    "troops_required",
    "Each open sector has at least the troops its mandate requires (per 1,000 residents, "
    "per km², with a minimum; a sector held only by observers, the mandate's "
    "observer_troops).", {}, check_troops, encode_troops))


# --- tasks_required ------------------------------------------------------------------------
def covering(context, task):
    """Contingents in play (of a :class:`~planner.rules.context.RuleContext`) that accept
    ``task``."""
    return [n for n, c in context.contingents.items() if task in c.tasks]


def check_tasks(rule, sit):
    share = rule.params["min_share"]
    exact = fraction(share)
    for key in sit.keys:
        a = sit.assignment(key)
        strong = [n for n, t in a.troops.items()
                  if a.total and t * exact.denominator >= exact.numerator * a.total]
        capable = [n for n in {a.lead, *strong} if n in sit.contingents]
        for task in sorted(sit.requirements[key].tasks):
            if any(task in sit.contingents[n].tasks for n in capable):
                continue
            lead = a.lead or "none"
            yield rule.violation(
                phase=key[0], sector=key[1], measured=None, limit=task,
                message=f"{_where(key)} needs {task}: neither its lead ({lead}) nor a "
                        f"contingent with at least {share:.0%} of its troops accepts it")


def encode_tasks(rule, m):
    share = fraction(rule.params["min_share"])
    for p, s in m.keys:
        tasks = m.requirements[p, s].tasks
        if not tasks:
            continue
        strong = {}
        for n in m.nations:
            if not tasks & m.contingents[n].tasks:
                continue  # its share could not cover any task here
            strong[n] = m.cp.NewBoolVar(f"strong_{p}_{s}_{n}")
            m.cp.Add(share.denominator * m.troops(p, s, n)
                     >= share.numerator * m.total(p, s)).OnlyEnforceIf(strong[n])
            m.cp.AddImplication(strong[n], m.present[p, s, n])
        for task in sorted(tasks):
            able = [n for n in covering(m, task) if n in strong]
            m.enforce(rule, sum(m.lead[p, s, n] + strong[n] for n in able) >= 1, p)


register(RuleKind(
    "tasks_required",
    "Each required task of a sector is accepted by its lead or by a contingent with at least "
    "min_share of its troops.",
    {"min_share": Param("number", 0.2, "share of the sector's troops", _share_check)},
    check_tasks, encode_tasks))


# --- who may deploy where: one pattern, several reasons -------------------------------------
def _deployment_check(reason):
    """A check flagging each deployed nation for which ``reason(rule, sit, key, nation)``
    says why not."""
    def check(rule, sit):
        for key in sit.keys:
            for n in sorted(sit.assignment(key).nations):
                why = reason(rule, sit, key, n)
                if why:
                    yield rule.violation(phase=key[0], sector=key[1], nation=n,
                                         measured=why.measured, limit=why.limit,
                                         message=f"{n} in {_where(key)}: {why.text}")
    return check


def _deployment_encode(reason):
    """Forbid each nation at each key where ``reason`` would flag it."""
    def encode(rule, m):
        for p, s in m.keys:
            for n in m.nations:
                if reason(rule, m, (p, s), n):
                    m.forbid(rule, p, s, n)
    return encode


def deployment_kind(name: str, doc: str, who, *, per_sector: bool = False,
                    limits: str = "the rules"):
    """Register, under ``name``, the kind the decorated ``reason(rule, context, key, nation)``
    defines: its check, its encoding and its :class:`Bars` all read that one function."""
    def define(reason):
        register(RuleKind(name, doc, {}, _deployment_check(reason), _deployment_encode(reason),
                          bars=Bars(reason, who, per_sector=per_sector, limits=limits)))
        return reason
    return define


@deployment_kind("mandate_accepted", "Only contingents that accept the mandate deploy.",
                 lambda context, phase: f"accept {context.mandate.label}")
def _mandate_reason(rule, context, key, n):
    c = context.contingents.get(n)
    if c is None or context.mandate.key in c.mandates:
        return None
    accepted = ", ".join(sorted(c.mandates)) or "none"
    return Why(accepted, context.mandate.key, f"does not accept {context.mandate.key} "
                                              f"(accepts: {accepted})")


def serving(c) -> str:
    """The phases a contingent serves in, in words: ``only from phase 2``, ``only in phase
    1``, ``only from phase 1 to phase 2``."""
    if c.available_until is None:
        return f"only from phase {c.available_from}"
    if c.available_until == c.available_from:
        return f"only in phase {c.available_from}"
    return f"only from phase {c.available_from} to phase {c.available_until}"


@deployment_kind("phase_available", "A contingent deploys only in the phases it is available "
                 "(from available_from, until available_until).",
                 lambda context, phase: f"are available in phase {phase}")
def _phase_reason(rule, context, key, n):
    c = context.contingents.get(n)
    if c is None or c.serves_in(key[0]):
        return None
    limit = c.available_from if key[0] < c.available_from else c.available_until
    return Why(key[0], limit, f"is available {serving(c)}")


@deployment_kind("veto", "A stakeholder's veto bars a nation everywhere or in listed sectors, "
                 "in every phase or in listed phases.",
                 lambda context, phase: "are free of vetoes there", per_sector=True,
                 limits="the vetoes")
def _veto_reason(rule, context, key, n):
    found = vetoed(context.vetoes, n, key[1], key[0])
    if not found:
        return None
    v = found[0]
    note = f" ({v.note})" if v.note else ""
    when = "" if v.phases is None else \
        f" in phase{'s' * (len(v.phases) > 1)} {', '.join(map(str, v.phases))}"
    return Why(n, f"not {n}", f"vetoed by {v.by}{when}{note} [{v.id}]")


# --- roles ---------------------------------------------------------------------------------
ROLES_RULE_ID = "R-ROLES"  # the id of the rule the loader adds when a scenario lists none


@deployment_kind("roles", "Only ground and observers units lead or put troops in a sector, "
                 "observers only in observation-only sectors (monitoring alone); logistics, "
                 "staff and naval units hold no ground.",
                 lambda context, phase: "have a role that holds that ground", per_sector=True,
                 limits="the units' roles")
def _roles_reason(rule, context, key, n):
    c = context.contingents.get(n)
    if c is None or c.role == "ground":
        return None
    if not c.holds_ground:
        return Why(c.role, "ground or observers",
                   f"a {c.role} unit cannot deploy to a sector; logistics, staff and naval "
                   "units hold no ground")
    need = context.table.requirements(context.mandate)[key]
    if need.observation_only:
        return None
    extra = ", ".join(sorted(need.tasks - OBSERVATION_TASKS))
    return Why(c.role, "observation-only sectors",
               f"observers serve only in observation-only sectors (monitoring alone); this "
               f"one also needs {extra}")


def with_roles_rule(rules, contingents) -> tuple:
    """``rules``, and a hard ``roles`` rule (id ``R-ROLES``) when a contingent is not a ground
    unit and no rule of that kind is listed: a scenario with observers, logistics, staff or
    naval units is protected even if its author did not list the rule. The loader, the
    checker and the optimizer all add it through here (so ``scenario inspect`` shows it)."""
    rules = tuple(rules)
    if all(c.role == "ground" for c in contingents) or any(r.kind == "roles" for r in rules):
        return rules
    taken, rid, i = {r.id for r in rules}, ROLES_RULE_ID, 1
    while rid in taken:  # an author's own rule may have the id already
        i += 1
        rid = f"{ROLES_RULE_ID}-{i}"
    return rules + (Rule(rid, "roles", "hard"),)


# --- lead_restriction ----------------------------------------------------------------------
def _lead_reason(rule, context, key, n):
    tag, allowed = rule.params["attribute"], rule.params["nations"]
    if n in allowed or tag not in context.table.tags(*key):
        return None
    return Why(n, ", ".join(allowed), f"{n} leads {_where(key)}, which has {tag}; only "
                                      f"{', '.join(allowed)} may lead such sectors")


def check_lead_restriction(rule, sit):
    for key in sit.keys:
        lead = sit.assignment(key).lead
        why = _lead_reason(rule, sit, key, lead) if lead else None
        if why:
            yield rule.violation(phase=key[0], sector=key[1], nation=lead, measured=why.measured,
                                 limit=why.limit, message=why.text)


def encode_lead_restriction(rule, m):
    for p, s in m.keys:
        for n in m.nations:
            if _lead_reason(rule, m, (p, s), n):
                m.enforce(rule, m.lead[p, s, n] == 0, p)


register(RuleKind(
    "lead_restriction", "Only listed nations may lead sectors with a given attribute.",
    {"attribute": Param("str", doc="a sector tag: all, contact_line, crossing, urban, coastal, "
                                   "border:<neighbour>, coast:<name> or zone:<name>"),
     "nations": Param("str_list", doc="contingent codes allowed to lead")},
    check_lead_restriction, encode_lead_restriction,
    bars=Bars(_lead_reason, lambda context, phase: "may lead there", lead_only=True,
              per_sector=True)))


# --- pinned --------------------------------------------------------------------------------
def check_pinned(rule, sit):
    for key, pin in sit.plan.pins.items():
        a = sit.assignment(key)
        if a.lead != pin.lead:
            yield rule.violation(phase=key[0], sector=key[1], nation=a.lead, measured=a.lead,
                                 limit=pin.lead, message=f"{_where(key)} is locked to lead "
                                                         f"{pin.lead}; it has {a.lead}")
        if pin.troops is not None and dict(a.troops) != dict(pin.troops):
            yield rule.violation(phase=key[0], sector=key[1], measured=dict(a.troops),
                                 limit=dict(pin.troops),
                                 message=f"{_where(key)} has locked troop figures that changed")


def encode_pinned(rule, m):
    for (p, s), pin in m.pins.items():
        if (p, s) not in m.key_set:
            continue
        for n in m.nations:
            m.enforce(rule, m.lead[p, s, n] == int(n == pin.lead), p)
            if pin.troops is not None:
                m.enforce(rule, m.units[p, s, n] == pin.troops.get(n, 0) // m.unit_of(n), p)


register(RuleKind("pinned", "Choices a planner locked are kept.", {},
                  check_pinned, encode_pinned))


# --- troop_balance -------------------------------------------------------------------------
def _balance_limit(rule, need):
    return math.ceil(need * (1 + rule.params["max_surplus"]))


def check_balance(rule, sit):
    for key in sit.keys:
        have, need = sit.assignment(key).total, sit.requirements[key].troops
        limit = _balance_limit(rule, need)
        if have > limit:
            yield rule.violation(phase=key[0], sector=key[1], measured=have, limit=limit,
                                 message=f"{_where(key)} has {have:,} troops, more than "
                                         f"{limit:,} ({rule.params['max_surplus']:.0%} above "
                                         f"its requirement of {need:,})")


def encode_balance(rule, m):
    for p, s in m.keys:
        limit = _balance_limit(rule, m.requirements[p, s].troops)
        if rule.hard:
            m.enforce(rule, m.total(p, s) <= limit, p)
        else:
            excess = m.cp.NewIntVar(0, -(-m.max_troops // m.unit), f"excess_{p}_{s}")
            m.cp.Add(m.unit * excess >= m.total(p, s) - limit)
            m.penalize(rule, excess)


register(RuleKind(
    "troop_balance", "No sector holds troops far above its requirement (forces spread evenly).",
    {"max_surplus": Param("number", 0.25, "allowed surplus over the requirement, as a fraction",
                          at_least(0))},
    check_balance, encode_balance))
