"""Obvious impossibilities, found before any solve, with the numbers behind them.

Each function reads a :class:`planner.solver.problem.PlanProblem`: its bound hard rules say
who may be where (``Rule.bars``), the same rules the optimizer encodes.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow


@dataclass(frozen=True)
class Reason:
    """One reason no plan exists: a minimal set of rules (``rule_id@phase``) and sentences."""

    rules: tuple[str, ...]
    sentences: tuple[str, ...]


def _fmt_force(contingents, codes):
    return ", ".join(f"{c} {contingents[c].troops:,}" for c in codes) or "none"


def missing_tasks(problem) -> list[Reason]:
    """Required tasks that no contingent in the force accepts at all."""
    tasks_rule = next((r for r in problem.rules if r.kind == "tasks_required" and r.hard), None)
    if tasks_rule is None:
        return []
    contingents, requirements = problem.contingents, problem.requirements
    accepted = set().union(*(c.tasks for c in contingents.values())) if contingents else set()
    out = []
    for task in sorted({t for req in requirements.values() for t in req.tasks} - accepted):
        where = [k for k, req in requirements.items() if task in req.tasks]
        phases = sorted({p for p, _ in where})
        sectors = sorted({s for _, s in where})
        shown = ", ".join(sectors[:6]) + (f" and {len(sectors) - 6} more" if len(sectors) > 6 else "")
        out.append(Reason((tasks_rule.id,), (
            f"No contingent in the force accepts {task}, which {len(sectors)} sector"
            f"{'s' * (len(sectors) != 1)} need{'s' * (len(sectors) == 1)} in phase"
            f"{'s' * (len(phases) != 1)} {', '.join(map(str, phases))} ({shown}).",)))
    return out


def _filters(problem):
    """Hard rules that keep a contingent out of a sector: (rule, allowed(contingent, p, s)),
    as each rule says it (leading aside: troops may still go there)."""
    return [(r, lambda c, p, s, r=r: r.bars(problem, (p, s), c.code) is None)
            for r in problem.rules
            if r.hard and r.definition.bars is not None and not r.definition.bars.lead_only]


def _units_needed(troops, unit):
    return -(-troops // unit)


def _max_flow(contingents, sectors, needs, allowed, unit) -> int:
    """Troop units that can reach the sectors: contingents -> allowed sectors -> needs."""
    codes = list(contingents)
    n_c, n_s = len(codes), len(sectors)
    source, sink = 0, 1 + n_c + n_s
    rows, cols, caps = [], [], []
    for i, code in enumerate(codes):
        rows.append(source), cols.append(1 + i), caps.append(contingents[code].troops // unit)
        for j, s in enumerate(sectors):
            if allowed(contingents[code], s):
                rows.append(1 + i), cols.append(1 + n_c + j), caps.append(needs[j])
    for j in range(n_s):
        rows.append(1 + n_c + j), cols.append(sink), caps.append(needs[j])
    graph = sp.csr_matrix((np.asarray(caps, dtype=np.int32), (rows, cols)),
                          shape=(sink + 1, sink + 1))
    return int(maximum_flow(graph, source, sink).flow_value)


def troop_shortfall(problem) -> list[Reason]:
    """Phases where no assignment of whole troop units meets every requirement.

    Exact for troops_required with capacity and the rules that keep contingents out of
    sectors (mandate, availability, vetoes): a transportation problem solved as a max flow.
    Filter sets are tried smallest first, so the reported rule set is minimal.
    """
    kinds = {r.kind: r for r in problem.rules if r.hard}
    if "troops_required" not in kinds:
        return []
    filters = _filters(problem)
    out = []
    for p in problem.phases:
        keys = [(q, s) for (q, s) in problem.requirements if q == p]
        sectors = [s for _, s in keys]
        needs = [_units_needed(problem.requirements[k].troops, problem.unit) for k in keys]
        found = _first_failing(filters, problem.contingents, p, sectors, needs, problem.unit,
                               with_capacity="capacity" in kinds)
        if found:
            used, empty, codes = found
            out.append(_shortfall_reason(kinds, used, empty, codes, problem, p, keys))
    return out


def _first_failing(filters, contingents, p, sectors, needs, unit, with_capacity):
    for size in range(len(filters) + 1):
        for used in combinations(filters, size):
            allowed = lambda c, s, used=used: all(ok(c, p, s) for _, ok in used)
            empty = [s for s, need in zip(sectors, needs)
                     if need > 0 and not any(allowed(c, s) for c in contingents.values())]
            if empty:
                return used, empty, []
        for used in combinations(filters, size) if with_capacity else ():
            allowed = lambda c, s, used=used: all(ok(c, p, s) for _, ok in used)
            if _max_flow(contingents, sectors, needs, allowed, unit) < sum(needs):
                codes = [n for n, c in contingents.items() if any(allowed(c, s) for s in sectors)]
                return used, [], codes
    return None


def _shortfall_reason(kinds, used, empty, codes, problem, p, keys):
    bars = [r.definition.bars for r, _ in used]
    contingents, requirements = problem.contingents, problem.requirements
    name = problem.mandate.label.split(":")[0]
    ids = (kinds["troops_required"].id,) + (() if empty else (kinds["capacity"].id,)) + \
        tuple(r.id for r, _ in used)
    if empty:
        said = " and ".join(b.who(problem, p) for b in bars) or "exist"
        shown = ", ".join(empty[:6]) + (f" and {len(empty) - 6} more" if len(empty) > 6 else "")
        return Reason(tuple(f"{i}@{p}" for i in ids), (
            f"In phase {p}, no contingent that may deploy can reach {shown}: troops are needed "
            f"there, but no contingent in the force would {said}.",))
    need = sum(requirements[k].troops for k in keys)
    offered = sum(contingents[n].troops for n in codes)
    qualifier = [b.who(problem, p) for b in bars if not b.per_sector]
    what = " that " + " and ".join(qualifier) if qualifier else ""
    where = any(b.per_sector for b in bars)  # the vetoes: they bar some sectors only
    veto = " once the vetoes apply" if where else ""
    gap = f"short by {need - offered:,}" if offered < need else \
        "enough in total, but not where the vetoes let them go"
    sentences = [f"{name} needs {need:,} troops in phase {p}; the coalition offers "
                 f"{offered:,}{what}{veto} ({_fmt_force(contingents, codes)}): {gap}."]
    sentences += task_quantities(p, requirements, contingents, codes)
    return Reason(tuple(f"{i}@{p}" for i in ids), tuple(sentences))


def task_quantities(p, requirements, contingents, codes) -> list[str]:
    """For each task required in phase ``p``: troops of the sectors needing it against the
    troops of the contingents (among ``codes``) that accept it."""
    out = []
    tasks = sorted({t for (q, _), req in requirements.items() if q == p for t in req.tasks})
    for task in tasks:
        need = sum(req.troops for (q, _), req in requirements.items() if q == p and task in req.tasks)
        able = [n for n in codes if task in contingents[n].tasks]
        offered = sum(contingents[n].troops for n in able)
        # skip what other sentences say: no taker at all, or every contingent takes it
        if able and len(able) < len(codes) and offered < need:
            out.append(f"Sectors that need {task} in phase {p} need {need:,} troops; contingents "
                       f"that accept {task} offer {offered:,} ({_fmt_force(contingents, able)}).")
    return out


def obvious_impossibilities(problem) -> list[Reason]:
    """Every impossibility of ``problem`` that needs no solver."""
    return missing_tasks(problem) + troop_shortfall(problem)
