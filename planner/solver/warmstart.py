"""A starting plan for the optimizer that already keeps the soft rules planners weigh most.

Leads are laid out as regions. A sector keeps its lead from the phase before
(``continuity``); sectors a contingent prefers go to it (``preference``), decided over all
phases at once so that its preferred area stays connected as it grows; every other new
sector is reached by growing regions outward one sector per nation in turn, from the sectors
each nation already leads and from seeds spread far apart, so each nation's area stays
connected (``contiguous_area``) and areas stay alike in size. Troops then fill each sector's
requirement (:func:`fill_troops`), the lead first.

Who may lead where comes from the problem's own bound rules
(:class:`planner.solver.eligibility.Eligibility`), so the hint keeps the rules being solved.

Only the optimizer reads this plan, as its hint: CP-SAT starts from it and repairs whatever
other rules it breaks. On the 300-sector benchmark it turns a search that ended with a soft
penalty in the thousands into one that starts at or near zero.
"""
from __future__ import annotations

from collections import deque

from planner.domain.plan import Assignment, Plan
from planner.rules.force import off_ground
from planner.rules.spatial import components


def fill_troops(need: int, ranked: list[str], left: dict[str, int], unit,
                troops: dict[str, int] | None = None) -> dict[str, int]:
    """Add troops from ``ranked`` contingents in order, each in whole units of its own
    (``unit(code)``, or one ``unit`` for all), until ``need`` is met.

    ``troops`` are those already in the sector; ``left`` (troops each contingent has not
    yet deployed) is reduced in place.
    """
    unit_of = unit if callable(unit) else (lambda code: unit)
    troops = dict(troops or {})
    need = need - sum(troops.values())
    for code in ranked:
        size = unit_of(code)
        take = min(-(-need // size) * size, left[code] // size * size)
        if take > 0:
            troops[code] = troops.get(code, 0) + take
            left[code] -= take
            need -= take
        if need <= 0:
            break
    return troops


def sector_troops(problem, key, ranked: list[str], left: dict[str, int], *,
                  lead: str | None = None, need: int | None = None,
                  troops: dict[str, int] | None = None) -> dict[str, int]:
    """Troops for the sector at ``key`` from ``ranked`` contingents (:func:`fill_troops`,
    ``left`` reduced in place), on top of ``troops``.

    When its ``lead`` (default: the first ranked) is an observers contingent and observers
    alone may hold the sector with fewer troops
    (:meth:`~planner.domain.sectors.Requirement.need`), only observers fill it, if they have
    enough left; otherwise ``need`` (default: the requirement's troops) is filled from every
    ranked contingent.
    """
    req, contingents = problem.requirements[key], problem.contingents
    lead = lead if lead is not None else next(iter(ranked), None)
    if lead in contingents and contingents[lead].role == "observers" \
            and req.need(True) < req.troops:
        observers = [n for n in ranked if contingents[n].role == "observers"]
        trial = dict(left)
        alone = fill_troops(req.need(True), observers, trial, problem.unit_of, troops)
        if sum(alone.values()) >= req.need(True) \
                and all(contingents[n].role == "observers" for n in alone):
            left.update(trial)
            return alone
    return fill_troops(req.troops if need is None else need, ranked, left, problem.unit_of,
                       troops)


def _distances(sources, allowed, neighbours) -> dict[str, int]:
    """Breadth-first hops from ``sources`` to every reachable sector of ``allowed``."""
    dist = {s: 0 for s in sources}
    queue = deque(sorted(sources))
    while queue:
        s = queue.popleft()
        for t in sorted(neighbours.get(s, ())):
            if t in allowed and t not in dist:
                dist[t] = dist[s] + 1
                queue.append(t)
    return dist


def _farthest(candidates, assigned, open_, neighbours) -> str | None:
    """The sector of ``candidates`` farthest (in hops) from every assigned one."""
    if not candidates:
        return None
    dist = _distances(assigned, open_, neighbours)
    return max(sorted(candidates), key=lambda s: dist.get(s, 1 << 30))


def _grow(leads, open_, able, neighbours, fresh, room) -> dict[str, str]:
    """Fill ``leads`` over ``open_``: seeds, then round-robin region growth.

    ``able[s]`` lists the nations that may lead ``s``; ``fresh`` (in order of preference)
    the nations not yet leading, each of which gets a seed far from the regions so far.
    Regions then grow one sector at a time, the smallest first, only into sectors their
    nation may lead, and no further than ``room[n]`` sectors (a lead puts at least one
    troop unit in each sector it leads). A sector no region can reach becomes the seed of the smallest region
    that may lead it (its area is then split: the optimizer repairs that if it can).
    """
    leads, inside = dict(leads), set(open_)
    unassigned = {s for s in open_ if s not in leads and able[s]}
    for n in fresh:
        s = _farthest([t for t in unassigned if n in able[t]], list(leads), inside, neighbours)
        if s is not None:
            leads[s] = n
            unassigned.discard(s)
    members: dict[str, list[str]] = {}
    for s, n in sorted(leads.items()):
        members.setdefault(n, []).append(s)

    def take(s, n):
        leads[s] = n
        unassigned.discard(s)
        members.setdefault(n, []).append(s)

    while unassigned:
        grown = False
        for n in sorted(members, key=lambda n: (len(members[n]), n)):
            if len(members[n]) >= room.get(n, 0):
                continue
            frontier = {t for s in members[n] for t in neighbours.get(s, ())
                        if t in unassigned and n in able[t]}
            if frontier:
                take(min(frontier), n)
                grown = True
        if not grown:
            s = min(unassigned)
            take(s, min(able[s], key=lambda m: (len(members.get(m, ())) >= room.get(m, 0),
                                                len(members.get(m, ())), m)))
    return leads


def _linking_path(part, area, allowed, neighbours) -> list[str] | None:
    """The fewest ``allowed`` sectors that join ``part`` to ``area`` (breadth-first), or None."""
    came = {s: None for s in part}
    queue = deque(sorted(part))
    while queue:
        s = queue.popleft()
        for t in sorted(neighbours.get(s, ())):
            if t in area:
                path = []
                while s is not None and s not in part:
                    path.append(s)
                    s = came[s]
                return path
            if t in allowed and t not in came:
                came[t] = s
                queue.append(t)
    return None


def _preferred_areas(problem, phases, prefers) -> dict[str, str]:
    """Who leads each preferred sector, decided over all phases at once (look-ahead).

    Preferred sectors that touch form parts; each part goes to a nation that prefers it and
    has none yet, else to the one whose parts the fewest other sectors join it to, and those
    joining sectors go to that nation too. So a nation's preferred area stays one area as
    later phases open more of it, instead of being cut apart by what earlier phases gave away.
    """
    table, eligibility = problem.table, problem.eligibility
    opens = {}
    for p in phases:
        for s in table.open_in(p):
            opens.setdefault(s, p)
    able = {s: {c.code for c in eligibility.able(p, s)} for s, p in opens.items()}
    want = {s: {n for n in prefers if n in able[s] and prefers[n] & table.tags(p, s)}
            for s, p in opens.items()}
    want = {s: w for s, w in want.items() if w}
    linked = {s: frozenset(t for t in table.neighbours.get(s, ()) if t in want and want[t] & w)
              for s, w in want.items()}
    parts = sorted(components(set(want), linked), key=lambda g: (min(opens[s] for s in g), g))
    owner: dict[str, str] = {}
    areas: dict[str, set[str]] = {}
    for part in parts:
        takers = sorted(set.intersection(*(want[s] for s in part)) or want[part[0]])
        choice, joining = next(((n, []) for n in takers if not areas.get(n)), (None, None))
        if choice is None:
            for n in takers:
                allowed = {t for t in opens if t not in owner and n in able[t]}
                path = _linking_path(set(part), areas[n], allowed, table.neighbours)
                if path is not None and (joining is None or len(path) < len(joining)):
                    choice, joining = n, path
        if choice is None:
            choice, joining = takers[0], []
        for s in list(part) + joining:
            owner[s] = choice
            areas.setdefault(choice, set()).add(s)
    return owner


def allowance(problem, p) -> dict[str, int]:
    """Troops each contingent may deploy in phase ``p``: what it has in whole units of its
    own, capped by the hard share caps of the phase's requirement and the troops of the
    units that hold no ground (they are part of the force)."""
    need = sum(problem.requirements[p, s].troops for s in problem.table.open_in(p))
    cap = problem.eligibility.share_cap(need + sum(off_ground(problem, p).values()))
    out = {}
    for c in problem.eligibility.force:
        unit = problem.unit_of(c.code)
        out[c.code] = min(c.troops, cap) // unit * unit
    return out


def _troops(problem, p, leads, allowance) -> list[Assignment]:
    """Each lead puts one unit in each sector it leads; then requirements are filled, those
    with tasks their lead does not accept first (they need particular contingents), largest
    first, from the contingents that accept the missing tasks. No contingent exceeds the
    troops ``allowance`` gives it."""
    unit_of, eligibility, req = problem.unit_of, problem.eligibility, problem.requirements
    open_ = problem.table.open_in(p)
    left = dict(allowance)
    first = {}
    for s, n in sorted(leads.items()):
        if left[n] >= unit_of(n):
            first[s] = {n: unit_of(n)}
            left[n] -= unit_of(n)
    missing = {}
    for s in open_:
        lead = eligibility.contingent(leads.get(s))
        missing[s] = req[p, s].tasks - (lead.tasks if lead else frozenset())
    rows = []
    for s in sorted(open_, key=lambda s: (not missing[s], -req[p, s].troops, s)):
        ranked = eligibility.ranked(p, s, req[p, s], left, lead=leads.get(s))
        # with tasks missing, room for a contingent that accepts them beside the lead's unit
        need = max(req[p, s].troops, 2 * unit_of(leads[s])) if missing[s] and s in first \
            else None
        troops = sector_troops(problem, (p, s), ranked, left, lead=leads.get(s), need=need,
                               troops=first.get(s))
        rows.append(Assignment(p, s, leads.get(s) or next(iter(troops), None), troops))
    return rows


def region_plan(problem) -> Plan:
    """A plan of ``problem`` (a :class:`planner.solver.problem.PlanProblem`) whose leads form
    lasting, connected regions (see the module docstring); deterministic."""
    table, eligibility = problem.table, problem.eligibility
    prefers = {c.code: set(c.prefers) for c in eligibility.force if c.prefers}
    phases = list(problem.phases)
    owner = _preferred_areas(problem, phases, prefers)
    rows, before = [], {}
    for p in phases:
        open_ = table.open_in(p)
        able = {s: [c.code for c in eligibility.able(p, s)] for s in open_}
        leads = {s: before[s] for s in open_ if before.get(s) in able[s]}
        leads.update({s: owner[s] for s in open_
                      if s not in leads and owner.get(s) in able[s]})
        taken = set(leads.values()) | set(owner.values())  # preferring nations wait for theirs
        fresh = [c.code for c in eligibility.force
                 if c.code not in taken and any(c.code in a for a in able.values())]
        troops = allowance(problem, p)
        room = {n: t // problem.unit_of(n) for n, t in troops.items()}
        leads = _grow(leads, open_, able, table.neighbours, fresh, room)
        rows += _troops(problem, p, leads, troops)
        before = {s: leads[s] for s in leads}
    return Plan.from_assignments(rows)
