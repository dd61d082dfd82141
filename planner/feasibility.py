"""Obvious impossibilities, found before any solve, with the numbers behind them."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations



@dataclass(frozen=True)
class Reason:
    """One reason no plan exists: a minimal set of rules (``rule_id@phase``) and sentences."""

    rules: tuple[str, ...]
    sentences: tuple[str, ...]


def _fmt_force(contingents, codes):
    return ", ".join(f"{c} {contingents[c].troops:,}" for c in codes) or "none"


def missing_tasks(rules, table, requirements, contingents) -> list[Reason]:
    """Required tasks that no contingent in the force accepts at all."""
    tasks_rule = next((r for r in rules if r.kind.name == "tasks_required" and r.hard), None)
    if tasks_rule is None:
        return []
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


def _filters(rules, mandate, vetoes):
    """Rules that take contingents out of a phase's force, as (rule, keeps(contingent, phase))."""
    out = []
    for r in rules:
        if not r.hard:
            continue
        if r.kind.name == "mandate_accepted":
            out.append((r, lambda c, p: mandate.key in c.mandates))
        elif r.kind.name == "phase_available":
            out.append((r, lambda c, p: c.available_from <= p))
        elif r.kind.name == "veto":
            out.append((r, lambda c, p: not any(v.nation == c.code and v.sectors is None
                                                for v in vetoes)))
    return out


def troop_shortfall(rules, table, requirements, contingents, mandate, vetoes) -> list[Reason]:
    """Phases whose requirement exceeds every troop the force could field there."""
    kinds = {r.kind.name: r for r in rules if r.hard}
    if "troops_required" not in kinds or "capacity" not in kinds:
        return []
    filters = _filters(rules, mandate, vetoes)
    out = []
    for p in table.phases:
        need = sum(req.troops for (q, _), req in requirements.items() if q == p)
        for size in range(len(filters) + 1):
            found = _shortfall_with(filters, size, contingents, p, need)
            if found:
                used, codes = found
                out.append(_shortfall_reason(kinds, used, codes, contingents, p, need, mandate,
                                             table, requirements, vetoes))
                break
    return out


def _shortfall_with(filters, size, contingents, p, need):
    for used in combinations(filters, size):
        codes = [n for n, c in contingents.items() if all(keep(c, p) for _, keep in used)]
        if sum(contingents[n].troops for n in codes) < need:
            return used, codes
    return None


def _shortfall_reason(kinds, used, codes, contingents, p, need, mandate, table, requirements,
                      vetoes):
    offered = sum(contingents[n].troops for n in codes)
    conditions = [r.kind.name for r, _ in used]
    qualifier = []
    if "mandate_accepted" in conditions:
        qualifier.append(f"accept {mandate.label.split(':')[0]}")
    if "phase_available" in conditions:
        qualifier.append(f"are available in phase {p}")
    what = " that " + " and ".join(qualifier) if qualifier else ""
    veto = " once the vetoes apply" if "veto" in conditions else ""
    sentences = [f"{mandate.label.split(':')[0]} needs {need:,} troops in phase {p}; the "
                 f"coalition offers {offered:,}{what}{veto} ({_fmt_force(contingents, codes)}): "
                 f"short by {need - offered:,}."]
    sentences += task_quantities(p, requirements, contingents, codes)
    ids = (kinds["troops_required"].id, kinds["capacity"].id) + tuple(r.id for r, _ in used)
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


def obvious_impossibilities(rules, table, requirements, contingents, mandate, vetoes) -> list[Reason]:
    """Every impossibility that needs no solver."""
    return (missing_tasks(rules, table, requirements, contingents)
            + troop_shortfall(rules, table, requirements, contingents, mandate, vetoes))
