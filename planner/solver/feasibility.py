"""Obvious impossibilities, found before any solve, with the numbers behind them.

Each function reads a :class:`planner.solver.problem.PlanProblem`: its bound hard rules say
who may be where (``Rule.bars``), the same rules the optimizer encodes. Sets of those rules
are tried smallest first, so each reason names a minimal set of rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import combinations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from planner.domain.roles import least_need
from planner.domain.words import plural
from planner.rules.force import off_ground

SHOWN = 6  # sectors named in a sentence before "and N more"


@dataclass(frozen=True)
class Reason:
    """One reason no plan exists: a minimal set of rules (``rule_id@phase``) and sentences."""

    rules: tuple[str, ...]
    sentences: tuple[str, ...]


def _shown(items) -> str:
    items = list(items)
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


def force_text(contingents, codes) -> str:
    """``AAA 400, BBB 300``: each contingent of ``codes`` with its troops (``none``)."""
    return ", ".join(f"{c} {contingents[c].troops:,}" for c in codes) or "none"


def _filters(problem):
    """Hard rules that keep a contingent out of a sector: (rule, allowed(contingent, p, s)),
    as each rule says it (leading aside: troops may still go there)."""
    return [(r, lambda c, p, s, r=r: r.bars(problem, (p, s), c.code) is None)
            for r in problem.rules
            if r.hard and r.definition.bars is not None and not r.definition.bars.lead_only]


def _subsets(filters):
    """Every subset of ``filters``, smallest first (so the first that fails is minimal)."""
    for size in range(len(filters) + 1):
        yield from combinations(filters, size)


def _allowed(used, p):
    return lambda c, s: all(ok(c, p, s) for _, ok in used)


# --- tasks ---------------------------------------------------------------------------------
def missing_tasks(problem) -> list[Reason]:
    """Required tasks no contingent can bring: none in the force accepts them, or those that
    do may not deploy where they are needed (vetoes, mandate, availability)."""
    tasks_rule = next((r for r in problem.rules if r.kind == "tasks_required" and r.hard), None)
    if tasks_rule is None:
        return []
    requirements, force = problem.requirements, list(problem.contingents.values())
    filters = _filters(problem)
    found = []
    for task in sorted({t for req in requirements.values() for t in req.tasks}):
        where = [k for k, req in requirements.items() if task in req.tasks]
        takers = [c for c in force if task in c.tasks]
        for used in _subsets(filters):
            stranded = [(p, s) for p, s in where
                        if not any(_allowed(used, p)(c, s) for c in takers)]
            if stranded:
                found.append(_task_reason(problem, tasks_rule, task, used, stranded, takers))
                break
    # a set holding another reason's set is not minimal: that other reason says it already
    return [r for r in found if not any(set(o.rules) < set(r.rules) for o in found)]


def _task_reason(problem, tasks_rule, task, used, stranded, takers) -> Reason:
    phases = sorted({p for p, _ in stranded})
    sectors = sorted({s for _, s in stranded})
    count = plural(len(sectors), "sector")
    in_phases = f"phase{'s' * (len(phases) != 1)} {', '.join(map(str, phases))}"
    if not used:
        return Reason((tasks_rule.id,), (
            f"No contingent in the force accepts {task}, which {count} "
            f"need{'s' * (len(sectors) == 1)} in {in_phases} ({_shown(sectors)}).",))
    p, s = stranded[0]
    barred = []
    for c in takers:
        why = next((r.bars(problem, (p, s), c.code) for r, _ in used
                    if r.bars(problem, (p, s), c.code) is not None), None)
        barred.append(f"{c.code} {why.text}" if why else c.code)
    return Reason((tasks_rule.id,) + tuple(r.id for r, _ in used), (
        f"{task.capitalize()} is needed in {count} in {in_phases} ({_shown(sectors)}), but "
        f"no contingent that accepts it may deploy there (in {s}, phase {p}: "
        f"{'; '.join(barred)}).",))


# --- troops --------------------------------------------------------------------------------
def _max_flow(supply, needs, edges) -> int:
    """Flow from contingents (``supply``) through allowed (contingent, sector) ``edges`` to
    sectors (``needs``): how much of the needs can be met."""
    n_c, n_s = len(supply), len(needs)
    source, sink = 0, 1 + n_c + n_s
    rows, cols, caps = [], [], []
    for i, amount in enumerate(supply):
        rows.append(source), cols.append(1 + i), caps.append(amount)
    for i, j in edges:
        rows.append(1 + i), cols.append(1 + n_c + j), caps.append(needs[j])
    for j, need in enumerate(needs):
        rows.append(1 + n_c + j), cols.append(sink), caps.append(need)
    graph = sp.csr_matrix((np.asarray(caps, dtype=np.int64).astype(np.int32), (rows, cols)),
                          shape=(sink + 1, sink + 1))
    return int(maximum_flow(graph, source, sink).flow_value)


@dataclass(frozen=True)
class _Phase:
    """One phase's transportation problem: contingents, sectors, needs, troop units."""

    problem: object
    p: int
    keys: list

    @property
    def sectors(self):
        return [s for _, s in self.keys]

    @property
    def needs(self) -> list[int]:
        """Each sector's least need (:func:`planner.domain.roles.least_need`: observers in
        play might hold an observation post with the mandate's ``observer_troops``)."""
        contingents = self.problem.contingents
        return [least_need(self.problem.requirements[k], contingents) for k in self.keys]

    def common_unit(self) -> int | None:
        units = {self.problem.unit_of(n) for n in self.problem.contingents}
        return units.pop() if len(units) == 1 else None

    @cached_property
    def off_ground(self) -> dict[str, int]:
        """The units that hold no ground in the force this phase, with their troops
        (:func:`planner.rules.force.off_ground`): capacity counts all their whole units
        there already, so none is left for a sector."""
        return off_ground(self.problem, self.p)

    def supply(self, c, unit: int) -> int:
        """Whole units of ``unit`` troops contingent ``c`` has for sectors in this phase."""
        return 0 if c.code in self.off_ground else c.troops // unit

    def met(self, allowed, *, in_units: bool = True) -> bool:
        """Whether every need can be met by contingents reaching only ``allowed`` sectors.

        ``in_units``: troops move in whole units. With one unit for all it is exact (needs
        round up to units, contingents down); with units of several sizes it is the relaxation
        in troops (contingents rounded down to their whole units), which is necessary, so a
        failure is still a proof. Without ``in_units`` troops move one by one.
        """
        contingents = list(self.problem.contingents.values())
        unit = self.common_unit() if in_units else 1
        if unit is not None:
            supply = [self.supply(c, unit) for c in contingents]
            needs = [-(-n // unit) for n in self.needs]
        else:
            supply = [self.supply(c, self.problem.unit_of(c.code)) * self.problem.unit_of(c.code)
                      for c in contingents]
            needs = self.needs
        edges = [(i, j) for i, c in enumerate(contingents) for j, s in enumerate(self.sectors)
                 if allowed(c, s)]
        return _max_flow(supply, needs, edges) >= sum(needs)

    @property
    def exact(self) -> bool:
        """Whether :meth:`met` is exact: one troop unit for all and no sector observers
        could hold with fewer troops (else it is a relaxation, and :meth:`met_exactly`
        decides)."""
        return self.common_unit() is not None and \
            all(n == self.problem.requirements[k].troops for k, n in zip(self.keys, self.needs))

    def met_exactly(self, allowed) -> bool:
        """Whether every need can be met in whole units of each contingent's own size, a
        unit serving one sector, observers alone meeting only their reduced need
        (:meth:`~planner.domain.sectors.Requirement.need`): the integer transportation
        problem :meth:`met` relaxes, solved with CP-SAT (small: contingents x sectors).
        True when the solver cannot tell within its time (a pre-check proves, never
        guesses)."""
        from ortools.sat.python import cp_model
        cp, problem = cp_model.CpModel(), self.problem
        observers = {n for n, c in problem.contingents.items() if c.role == "observers"}
        sent: dict[str, list] = {}
        into: dict[str, list] = {s: [] for s in self.sectors}
        for n, c in problem.contingents.items():
            unit = problem.unit_of(n)
            supply = self.supply(c, unit)
            for s in self.sectors:
                if supply and allowed(c, s):
                    x = cp.NewIntVar(0, supply, f"{n}|{s}")
                    sent.setdefault(n, []).append(x)
                    into[s].append((n, unit * x))
        for n, xs in sent.items():
            cp.Add(sum(xs) <= self.supply(problem.contingents[n], problem.unit_of(n)))
        for (_, s), need in zip(self.keys, self.needs):
            req = problem.requirements[self.p, s]
            total = sum(t for _, t in into[s])
            able = [n for n in observers if allowed(problem.contingents[n], s)]
            if need == req.troops or not able:
                cp.Add(total >= req.troops)
                continue
            alone = cp.NewBoolVar(f"alone|{s}")  # observers alone: the reduced need
            cp.Add(total >= req.troops).OnlyEnforceIf(alone.Not())
            cp.Add(total >= need).OnlyEnforceIf(alone)
            for n, t in into[s]:
                if n not in observers:
                    cp.Add(t == 0).OnlyEnforceIf(alone)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 5.0
        return solver.Solve(cp) != cp_model.INFEASIBLE


def troop_shortfall(problem) -> list[Reason]:
    """Phases where no assignment of whole troop units meets every requirement.

    Exact for troops_required with capacity and the rules that keep contingents out of
    sectors (mandate, availability, vetoes, roles) when every contingent has the same troop
    unit and no observers could hold a sector with fewer troops: a transportation problem
    solved as a max flow (with several unit sizes, or observers, its relaxation: each sector
    needs its least, in troops). Rule sets are tried smallest first, so the reported set is
    minimal.
    """
    kinds = {r.kind: r for r in problem.rules if r.hard}
    if "troops_required" not in kinds:
        return []
    filters = _filters(problem)
    out = []
    for p in problem.phases:
        phase = _Phase(problem, p, [k for k in problem.requirements if k[0] == p])
        found = _first_failing(filters, phase, with_capacity="capacity" in kinds)
        if found:
            out.append(_shortfall_reason(kinds, *found, phase))
    return out


def _first_failing(filters, phase: _Phase, with_capacity):
    """``(used, empty sectors, codes)`` of the smallest rule set that fails, or None.

    A sector is empty when it needs troops and no contingent may go there; with capacity,
    a set fails when :meth:`_Phase.met` (or, where that is a relaxation,
    :meth:`_Phase.met_exactly`) says the needs cannot be met. More rules never let more
    through, so when the whole set does not fail, no subset does (one exact check).
    """
    contingents = phase.problem.contingents
    needs = [phase.problem.requirements[k].troops for k in phase.keys]

    def empty_in(allowed):
        return [s for s, need in zip(phase.sectors, needs)
                if need > 0 and not any(allowed(c, s) for c in contingents.values())]

    def short(allowed):
        return not phase.met(allowed) or (not phase.exact and not phase.met_exactly(allowed))

    everything = _allowed(filters, phase.p)
    if not empty_in(everything) and not (with_capacity and short(everything)):
        return None
    for size in range(len(filters) + 1):
        for used in combinations(filters, size):
            empty = empty_in(_allowed(used, phase.p))
            if empty:
                return used, empty, []
        for used in combinations(filters, size) if with_capacity else ():
            allowed = _allowed(used, phase.p)
            if short(allowed):
                codes = [n for n, c in contingents.items()
                         if c.troops > 0 and n not in phase.off_ground
                         and any(allowed(c, s) for s in phase.sectors)]
                return used, [], codes
    return None


def _shortfall_reason(kinds, used, empty, codes, phase: _Phase) -> Reason:
    problem, p = phase.problem, phase.p
    bars = [r.definition.bars for r, _ in used]
    ids = (kinds["troops_required"].id,) + (() if empty else (kinds["capacity"].id,)) + \
        tuple(r.id for r, _ in used)
    rules = tuple(f"{i}@{p}" for i in ids)
    if empty:
        said = " and ".join(b.who(problem, p) for b in bars) or "exist"
        return Reason(rules, (
            f"In phase {p}, no contingent that may deploy can reach {_shown(empty)}: troops "
            f"are needed there, but no contingent in the force would {said}.",))
    return Reason(rules, tuple(_troop_sentences(problem, p, bars, codes, phase, used)))


def _troop_sentences(problem, p, bars, codes, phase: _Phase, used) -> list[str]:
    contingents, label = problem.contingents, problem.mandate.label
    need = sum(phase.needs)
    deployable = {n: contingents[n].troops // problem.unit_of(n) * problem.unit_of(n)
                  for n in codes}
    offered = sum(deployable.values())
    qualifier = [b.who(problem, p) for b in bars if not b.per_sector]
    what = " that " + " and ".join(qualifier) if qualifier else ""
    # the vetoes, the roles: they bar some sectors only
    per_sector = " and ".join(b.limits for b in bars if b.per_sector)
    veto = f" once {per_sector} apply" if per_sector else ""
    raw = sum(contingents[n].troops for n in codes)
    first = (f"{label} needs {need:,} troops in phase {p}; the coalition offers {raw:,}"
             f"{what}{veto} ({force_text(contingents, codes)})")
    sentences = []
    in_units = phase.met(_allowed(used, p), in_units=True)
    rounding = not in_units and phase.met(_allowed(used, p), in_units=False)
    if offered < need:
        whole = f", {offered:,} of them in whole units" if offered < raw else ""
        sentences.append(f"{first}{whole}: short by {need - offered:,}.")
    elif rounding:
        sentences.append(f"{first}: enough troops, but not in whole units.")
    elif in_units:  # only the exact check fails: units that cannot be split, or observers
        alone = " and observers alone meet only an observation post's reduced need" \
            if phase.needs != [problem.requirements[k].troops for k in phase.keys] else ""
        sentences.append(f"{first}: enough in total, but not in whole units where they may "
                         f"go: a unit serves one sector{alone}.")
    elif per_sector:
        sentences.append(f"{first}: enough in total, but not where {per_sector} let them "
                         "go.")
    else:
        sentences.append(f"{first}: enough in total, but not where the rules let them go.")
    sentences += _unit_sentences(problem, p, codes, phase, rounding)
    if phase.off_ground:
        sentences.append(f"Units that hold no ground are in the force in phase {p} with all "
                         "their troops and put none in a sector: "
                         f"{force_text(contingents, sorted(phase.off_ground))}.")
    sentences += _usable_force(problem, p, codes, bars)
    sentences += task_quantities(p, problem.requirements, contingents, codes)
    return sentences


def never_deploying(contingents, unit_of, codes) -> list[str]:
    """A sentence naming the contingents among ``codes`` smaller than their troop unit, who
    can never deploy (none when there are none). ``unit_of(code)`` gives each one's unit."""
    never = [n for n in codes if 0 < contingents[n].troops < unit_of(n)]
    if not never:
        return []
    shown = ", ".join(f"{n} ({contingents[n].troops:,} troops, unit {unit_of(n):,})"
                      for n in never)
    whose = "its unit" if len(never) == 1 else "their units"
    return [f"Troops deploy in whole units: {shown} can never deploy (smaller than {whose})."]


def _unit_sentences(problem, p, codes, phase: _Phase, rounding: bool) -> list[str]:
    """What whole troop units cost in phase ``p``: contingents smaller than their unit, and
    needs rounded up to units."""
    out = never_deploying(problem.contingents, problem.unit_of, codes)
    unit = phase.common_unit()
    if rounding and unit is not None:
        rounded = sum(-(-n // unit) * unit for n in phase.needs)
        if rounded > sum(phase.needs):
            out.append(f"In units of {unit:,}, the {plural(len(phase.needs), 'sector')} of "
                       f"phase {p} take {rounded:,} troops, not {sum(phase.needs):,}: each "
                       "sector's need rounds up to whole units.")
    elif rounding:
        out.append(f"Each sector's need rounds up to whole units of the contingents that fill "
                   f"it; counted troop by troop, phase {p}'s needs could be met.")
    return out


def _usable_force(problem, p, codes, bars) -> list[str]:
    """When the rules named do not include every rule that keeps contingents out of the whole
    phase (mandate, availability), the part of the force those rules let deploy."""
    everywhere = [r for r, _ in _filters(problem) if not r.definition.bars.per_sector
                  and r.definition.bars not in bars]
    if not everywhere:
        return []
    key = (p, next(s for q, s in problem.requirements if q == p))
    usable = [n for n in codes if not any(r.bars(problem, key, n) for r in everywhere)]
    troops = sum(problem.contingents[n].troops for n in usable)
    if troops == sum(problem.contingents[n].troops for n in codes):
        return []
    who = " and ".join(r.definition.bars.who(problem, p) for r in everywhere)
    return [f"Of these, only {troops:,} troops ({force_text(problem.contingents, usable)}) "
            f"belong to contingents that {who}; the others may not deploy in phase {p}."]


def task_quantities(p, requirements, contingents, codes) -> list[str]:
    """For each task required in phase ``p``: troops of the sectors needing it against the
    troops of the contingents (among ``codes``) that accept it."""
    out = []
    tasks = sorted({t for (q, _), req in requirements.items() if q == p for t in req.tasks})
    for task in tasks:
        need = sum(least_need(req, contingents) for (q, _), req in requirements.items()
                   if q == p and task in req.tasks)
        able = [n for n in codes if task in contingents[n].tasks]
        offered = sum(contingents[n].troops for n in able)
        # skip what other sentences say: no taker at all, or every contingent takes it
        if able and len(able) < len(codes) and offered < need:
            out.append(f"Sectors that need {task} in phase {p} need {need:,} troops; contingents "
                       f"that accept {task} offer {offered:,} ({force_text(contingents, able)}).")
    return out


def obvious_impossibilities(problem) -> list[Reason]:
    """Every impossibility of ``problem`` that needs no solver."""
    return missing_tasks(problem) + troop_shortfall(problem)
