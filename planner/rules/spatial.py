"""Rule kinds about where nations sit relative to each other and across phases."""
from __future__ import annotations

from planner.rules.base import REGISTRY, Param, RuleKind, register


def components(sectors: set[str], neighbours: dict[str, frozenset[str]]) -> list[list[str]]:
    """Connected groups of ``sectors`` under ``neighbours``, each sorted, in a stable order."""
    left, out = set(sectors), []
    while left:
        start = min(left)
        group, stack = {start}, [start]
        while stack:
            for nb in neighbours.get(stack.pop(), ()):
                if nb in left and nb not in group:
                    group.add(nb)
                    stack.append(nb)
        left -= group
        out.append(sorted(group))
    return out


# --- contiguous_area -----------------------------------------------------------------------
def check_contiguous(rule, sit):
    for phase in sit.phases:
        leads: dict[str, set[str]] = {}
        for a in sit.plan.phase(phase):
            if a.lead:
                leads.setdefault(a.lead, set()).add(a.sector_id)
        for n, led in sorted(leads.items()):
            parts = components(led, sit.table.neighbours)
            if len(parts) > 1:
                shown = "; ".join(", ".join(p) for p in parts)
                yield rule.violation(phase=phase, nation=n, measured=len(parts), limit=1,
                                     message=f"{n}'s sectors in phase {phase} form "
                                             f"{len(parts)} separate areas ({shown})")


def encode_contiguous(rule, m):
    """A spanning forest over each phase's sectors whose trees never cross a change of lead.

    Every open sector is a root or picks one adjacent parent with the same lead; depths
    rise along parent links, so there are no cycles. Each separate area of a nation needs a
    root of its own, and one root per area suffices: the fewest roots equal the number of
    areas. Hard: at most one root per nation; soft: each root beyond a nation's first costs.
    Nation-independent variables keep the model small (arcs x phases, not x nations).
    """
    for p in m.phases:
        open_ = m.open_in(p)
        inside = set(open_)
        depth_max = len(open_)
        root = {s: m.cp.NewBoolVar(f"root_{p}_{s}") for s in open_}
        depth = {s: m.cp.NewIntVar(0, depth_max, f"depth_{p}_{s}") for s in open_}
        parent = {}
        for s in open_:
            parents = []
            for t in sorted(m.table.neighbours[s]):
                if t not in inside:
                    continue
                par = parent[s, t] = m.cp.NewBoolVar(f"parent_{p}_{s}_{t}")
                parents.append(par)
                m.cp.Add(depth[s] >= depth[t] + 1).OnlyEnforceIf(par)
                m.cp.Add(m.lead_index(p, s) == m.lead_index(p, t)).OnlyEnforceIf(par)
            m.cp.Add(root[s] + sum(parents) == 1)
        leading = []
        for n in m.nations:
            any_lead = m.cp.NewBoolVar(f"leads_{p}_{n}")
            m.cp.AddMaxEquality(any_lead, [m.lead[p, s, n] for s in open_])
            leading.append(any_lead)
            if rule.hard:
                both = []
                for s in open_:
                    b = m.cp.NewBoolVar(f"rootof_{p}_{n}_{s}")
                    m.cp.Add(b >= root[s] + m.lead[p, s, n] - 1)
                    both.append(b)
                m.enforce(rule, sum(both) <= 1, p)
        m.hinters.append(_forest_hint(m, p, root, parent, depth))
        if not rule.hard:
            extra = m.cp.NewIntVar(0, depth_max, f"extra_areas_{p}")
            m.cp.Add(extra >= sum(root.values()) - sum(leading))
            m.penalize(rule, extra)


def _forest_hint(m, p, root, parent, depth):
    """Hints for :func:`encode_contiguous`'s forest in phase ``p`` from a plan: a
    breadth-first tree over each area of one lead (sectors without a lead likewise)."""
    def hint(plan):
        lead = {s: plan.get(p, s).lead for s in root}
        level, arcs = {}, set()
        for start in sorted(lead):
            if start in level:
                continue
            level[start], queue = 0, [start]
            for s in queue:
                for t in sorted(m.table.neighbours[s]):
                    if t in lead and t not in level and lead[t] == lead[s]:
                        level[t] = level[s] + 1
                        arcs.add((t, s))
                        queue.append(t)
        for s in root:
            yield root[s], int(level[s] == 0)
            yield depth[s], level[s]
        for arc, var in parent.items():
            yield var, int(arc in arcs)
    return hint


register(RuleKind("contiguous_area",
                  "A nation's led sectors form one connected area in each phase.", {},
                  check_contiguous, encode_contiguous))


# --- adjacency_exclusion -------------------------------------------------------------------
def _near(table, sector, same_sector):
    """Sectors adjacent to ``sector`` (and itself when ``same_sector``)."""
    out = set(table.neighbours.get(sector, ()))
    if same_sector:
        out.add(sector)
    return sorted(out)


def check_adjacency(rule, sit):
    a, b = rule.params["nations"]
    for p in sit.phases:
        open_ = set(sit.table.open_in(p))
        for s in sorted(open_):
            if a not in sit.plan.get(p, s).nations:
                continue
            for t in _near(sit.table, s, rule.params["same_sector"]):
                if t in open_ and b in sit.plan.get(p, t).nations:
                    yield rule.violation(phase=p, sector=s, nation=a, measured=f"{b} in {t}",
                                         limit=f"{a} and {b} apart",
                                         message=f"{a} in {s} and {b} in {t} (phase {p}) "
                                                 "must not be in adjacent sectors")


def encode_adjacency(rule, m):
    a, b = rule.params["nations"]
    if a not in m.nations or b not in m.nations:
        return
    for p in m.phases:
        open_ = set(m.open_in(p))
        for s in sorted(open_):
            for t in _near(m.table, s, rule.params["same_sector"]):
                if t in open_:
                    m.enforce(rule, m.deployed(p, s, a) + m.deployed(p, t, b) <= 1, p)


register(RuleKind(
    "adjacency_exclusion", "Two nations are never deployed in adjacent sectors.",
    {"nations": Param("str_list", doc="the two contingent codes",
                      check=lambda v: None if len(v) == 2 and v[0] != v[1]
                      else "must name exactly two different nations"),
     "same_sector": Param("bool", True, "also keep them out of the same sector")},
    check_adjacency, encode_adjacency))


# --- continuity ----------------------------------------------------------------------------
def held_on(table, before: int, after: int) -> list[str]:
    """Sectors the force holds in both phases (a sector handed over in ``after`` has no lead
    to keep)."""
    return [s for s in table.open_in(before) if table.is_open(after, s)]


def check_continuity(rule, sit):
    phases = list(sit.phases)
    for before, after in zip(phases, phases[1:]):
        for s in held_on(sit.table, before, after):
            old, new = sit.plan.get(before, s).lead, sit.plan.get(after, s).lead
            if old and new and old != new:
                yield rule.violation(phase=after, sector=s, nation=new, measured=new, limit=old,
                                     message=f"{s} changes lead from {old} to {new} in "
                                             f"phase {after}")


def encode_continuity(rule, m):
    """Leads equal across consecutive phases; where one of the two phases is not planned
    (``--phase N``), against the reference plan's lead there (``m.context``)."""
    phases = list(m.table.phases)
    for before, after in zip(phases, phases[1:]):
        if before not in m.phases and after not in m.phases:
            continue
        for s in held_on(m.table, before, after):
            if before in m.phases and after in m.phases:
                lits = m.relax(rule, after)
                for n in m.nations:
                    m.cp.Add(m.lead[before, s, n] == m.lead[after, s, n]).OnlyEnforceIf(lits)
                continue
            planned = before if before in m.phases else after
            kept = m.context.get((after if planned == before else before, s))
            if kept is None:
                continue  # no lead there: nothing to keep
            lits = m.relax(rule, after)
            if kept in m.nations:
                m.cp.Add(m.lead[planned, s, kept] == 1).OnlyEnforceIf(lits)
            else:  # the lead to keep is not in play: the condition cannot hold
                m.cp.AddBoolOr([]).OnlyEnforceIf(lits)


register(RuleKind("continuity", "A lead nation keeps its sector in later phases.", {},
                  check_continuity, encode_continuity))


# --- preference ----------------------------------------------------------------------------
def preferring(context) -> dict[tuple[int, str], list[str]]:
    """For each open (phase, sector) with takers: contingents that prefer one of its tags and
    could deploy there, as every deployment kind (mandate, availability, veto) says, whether
    or not the rule set holds it: a preference is for what a nation could take."""
    ready = [(n, c) for n, c in sorted(context.contingents.items()) if c.prefers]
    if not ready:
        return {}
    bars = [k.bars for k in REGISTRY.values() if k.bars and not k.bars.lead_only]
    anywhere = [b for b in bars if not b.per_sector]
    here = [b for b in bars if b.per_sector]
    by_tags: dict[tuple[int, frozenset], list[str]] = {}
    out = {}
    for key in context.keys:
        tags = context.table.tags(*key)
        if (key[0], tags) not in by_tags:  # the same for every sector of these tags
            by_tags[key[0], tags] = [n for n, c in ready if set(c.prefers) & tags and
                                     not any(b.reason(None, context, key, n) for b in anywhere)]
        want = [n for n in by_tags[key[0], tags]
                if not any(b.reason(None, context, key, n) for b in here)]
        if want:
            out[key] = want
    return out


def check_preference(rule, sit):
    for (p, s), want in preferring(sit).items():
        lead = sit.plan.get(p, s).lead
        if lead not in want:
            yield rule.violation(phase=p, sector=s, nation=lead, measured=lead,
                                 limit=", ".join(want),
                                 message=f"{s} (phase {p}) is preferred by {', '.join(want)} "
                                         f"but led by {lead or 'nobody'}")


def encode_preference(rule, m):
    for (p, s), want in preferring(m).items():
        able = [n for n in want if n in m.nations]
        if able:
            m.enforce(rule, sum(m.lead[p, s, n] for n in able) >= 1, p)


register(RuleKind("preference", "Contingents lead the sectors they prefer (by sector attribute).",
                  {}, check_preference, encode_preference))
