"""Actions: every way a planner changes the app's state, as plain functions.

Each takes the current :class:`~planner.ui.state.AppState` and the :class:`~planner.ui.state.Env`
and returns the next state; none touches Streamlit. An action that changes the working state
saves it as exactly one revision (its message names the action); a refused input, a view
change or an optimizer run writes nothing. A save based on a revision that is no longer the
latest is merged with what the other planner saved when they touched different things, and
otherwise becomes a :class:`~planner.ui.state.Conflict` the planner resolves: nothing is
applied without a choice.
"""
from __future__ import annotations

from dataclasses import replace

from geo.errors import InputError
from planner.domain.plan import Plan
from planner.domain.working import Working, default_settings, restricted
from planner.files.store import StaleRevision
from planner.ui.merge import (changed_units, describe_changes, describe_unit, describe_value,
                              merge)
from planner.ui.state import (UNDO_LIMIT, AppState, Conflict, ConflictItem, Env, Proposal,
                              Solved, sector_phase)

DEFAULT_PLAN = "main"
MERGE_ATTEMPTS = 5


# --- opening ------------------------------------------------------------------------------
def open_plan(env: Env, name: str | None = None, *, fallback: Plan | None = None) -> AppState:
    """The latest revision of plan ``name``, else of the plan of this scenario opened last,
    else a new plan ``main`` holding ``fallback`` (the scenario's example plan). Undo walks
    back through the plan's saved revisions."""
    store, scope = env.store, env.base.name
    name = name or store.last_opened(scope) or default_plan_name(store, scope)
    if name not in store.names():
        first = Working(fallback or Plan({}), default_settings(env.base))
        try:
            store.save(name, first, base=None, author=env.author, message="new plan",
                       scope=scope)
        except StaleRevision:
            pass  # another session created it a moment ago: open theirs
    store.remember_opened(name, scope)
    revisions = store.history(name, UNDO_LIMIT)
    states = [r.working(env.base) for r in revisions]
    return AppState(name=name, revision=revisions[-1].number, work=states[-1],
                    phase=env.base.phase_numbers[0], past=tuple(states[:-1]))


def default_plan_name(store, scope: str) -> str:
    """``main``, unless another scenario's plan has that name: then ``main-<scenario>``
    (plan names are the store's keys; each scenario opens its own plans only)."""
    import re
    if DEFAULT_PLAN not in store.names() or DEFAULT_PLAN in store.names(scope):
        return DEFAULT_PLAN
    slug = re.sub(r"[^a-z0-9]+", "-", scope.lower()).strip("-")[:40] or "scenario"
    return f"{DEFAULT_PLAN}-{slug}"


def refresh(state: AppState, env: Env) -> AppState:
    """Move to the latest revision when another planner saved one (the session holds no
    unsaved change, so nothing is lost); say who changed what. Unchanged when up to date."""
    latest = env.store.latest_number(state.name)
    if latest is None or latest == state.revision:
        return state
    revision = env.store.revision(state.name, latest)
    new = revision.working(env.base)
    changes = describe_changes(state.work, new)
    by = f" by {revision.author}" if revision.author else ""
    notice = (f"Revision {latest}{by} ({revision.message}): " + "; ".join(changes[:6])
              + (f"; and {len(changes) - 6} more" if len(changes) > 6 else ""))
    return _moved(state, latest, new, notice=notice)


def _moved(state, number, work, *, notice=None, **changes) -> AppState:
    """The session at revision ``number`` holding ``work``, the state before kept for undo."""
    return replace(state, revision=number, work=work,
                   past=(state.past + (state.work,))[-UNDO_LIMIT:], future=(),
                   epoch=state.epoch + 1, notice=notice, error=None, **changes)


# --- writing ------------------------------------------------------------------------------
def _touched(state: AppState, **changes) -> AppState:
    """The same working state, fresh widgets (after a refused input or a view change)."""
    return replace(state, epoch=state.epoch + 1, **changes)


def refused(state: AppState, message: str) -> AppState:
    """Nothing changes; the planner is told why."""
    return _touched(state, error=message, notice=None)


def write(state: AppState, env: Env, work: Working, message: str, *, undoing=None) -> AppState:
    """Save ``work`` as the next revision and move the session to it.

    ``undoing`` is ``"undo"`` or ``"redo"`` when the move walks the history (the stacks move
    instead of growing). A stale base is merged or becomes a conflict (see the module).
    """
    if work == state.work:
        return _touched(state, error=None)
    try:
        saved = env.store.save(state.name, work, base=state.revision, author=env.author,
                               message=message)
    except StaleRevision as stale:
        return _merged(state, env, work, message, stale)
    except InputError as exc:
        return refused(state, f"Not saved: {exc}")
    if undoing == "undo":
        past, future = state.past[:-1], (state.work,) + state.future
    elif undoing == "redo":
        past, future = state.past + (state.work,), state.future[1:]
    else:
        past, future = (state.past + (state.work,))[-UNDO_LIMIT:], ()
    # a pending conflict stays until the planner resolves or drops it
    return replace(state, revision=saved.number, work=work, past=past, future=future,
                   epoch=state.epoch + 1, error=None, notice=None)


def _merged(state, env, mine, message, stale, attempt=0) -> AppState:
    """Merge a refused save with what was saved since; a conflict if both changed one unit."""
    theirs = stale.latest.working(env.base)
    merged, conflicts = merge(state.work, mine, theirs)
    by = f" by {stale.latest.author}" if stale.latest.author else ""
    if conflicts:
        items = tuple(ConflictItem(u, describe_unit(u), describe_value(u, mine),
                                   describe_value(u, theirs)) for u in conflicts)
        conflict = Conflict(state.work, mine, stale.latest.number, stale.latest.author,
                            items, message, tuple(describe_changes(state.work, theirs)))
        return _moved(state, stale.latest.number, theirs, conflict=conflict)
    try:
        saved = env.store.save(state.name, merged, base=stale.latest.number, author=env.author,
                               message=f"{message} (merged with revision "
                                       f"{stale.latest.number}{by})")
    except StaleRevision as again:
        if attempt >= MERGE_ATTEMPTS:
            return refused(state, "Not saved: the plan keeps changing under you; reload it")
        moved = replace(state, revision=stale.latest.number, work=theirs)
        rebased, _ = merge(state.work, mine, theirs)
        return _merged(moved, env, rebased, message, again, attempt + 1)
    theirs_said = "; ".join(describe_changes(state.work, theirs)[:6])
    return replace(state, revision=saved.number, work=merged,
                   past=(state.past + (theirs,))[-UNDO_LIMIT:], future=(), epoch=state.epoch + 1,
                   error=None,
                   notice=f"Saved, merged with revision {stale.latest.number}"
                          f"{by or ' (saved meanwhile by someone else)'}, which changed: "
                          f"{theirs_said}")


def resolve_conflict(state: AppState, env: Env, choices: dict) -> AppState:
    """Save the refused change with the planner's choice (``{unit: "mine"|"theirs"}``) for
    every conflicting unit, merged with the working state shown now."""
    c = state.conflict
    if c is None:
        return _touched(state)
    resolved, left = merge(c.base, c.mine, state.work, choices)
    if left:
        return refused(state, "Choose mine or theirs for every conflict: "
                              + ", ".join(describe_unit(u) for u in left))
    after = write(replace(state, conflict=None), env, resolved,
                  f"{c.message} (conflict with revision {c.theirs_revision} resolved)")
    return after


def dismiss_conflict(state: AppState) -> AppState:
    """Drop the refused change: it is not applied."""
    return _touched(state, conflict=None, notice="Your refused change was dropped.")


# --- the view -----------------------------------------------------------------------------
def select(state: AppState, sector: str | None, *, by_its_box: bool = False) -> AppState:
    """Select a sector. From the sector box itself (``by_its_box``) no widget needs to be
    drawn anew (the box already shows the choice); from the map or a violation, all are."""
    if by_its_box:
        return replace(state, selected=sector, error=None)
    return _touched(state, selected=sector, error=None)


def set_phase(state: AppState, phase: int, *, by_its_box: bool = False) -> AppState:
    """Show another phase (see :func:`select` for ``by_its_box``); the map fits the
    territory again."""
    if by_its_box:
        return replace(state, phase=int(phase), error=None, focus=None)
    return _touched(state, phase=int(phase), error=None, focus=None)


def find(state: AppState, env: Env, name: str) -> AppState:
    """Zoom the map to a sector (and select it) or a place, found by its id or name."""
    scenario, table = env.scenario_for(state.work), env.table_for(state.work)
    open_ = table.open_in(state.phase)
    if name in open_:
        return _touched(state, selected=name, focus=("sector", name), error=None)
    places = set(scenario.layers.places["name"].astype(str))
    if name in places:
        return _touched(state, focus=("place", name), error=None)
    if name in table.ids:
        return refused(state, f"{name} is not open in phase {state.phase}: "
                              f"{table.when_open(name)}")
    return refused(state, f"No sector or place named {name!r}")


def carry_lead(state: AppState, env: Env, phase: int, sector: str) -> AppState:
    """Give ``sector`` its lead and troops of ``phase`` in every later phase where it is
    open and led otherwise (one revision; locked phases are kept)."""
    table = env.table_for(state.work)
    lead = state.plan.get(phase, sector).lead
    if lead is None:
        return refused(state, f"{sector_phase((phase, sector))} has no lead to carry")
    here = state.plan.get(phase, sector)
    plan, changed = state.plan, []
    for later in table.phases:
        if later <= phase or sector not in table.open_in(later):
            continue
        if state.locked(later, sector):
            continue
        if plan.get(later, sector).lead != lead:
            plan = plan.with_assignment(replace(here, phase=later))
            changed.append(later)
    if not changed:
        return _touched(state)
    phases = ", ".join(map(str, changed))
    return write(state, env, state.work.with_plan(plan),
                 f"carry {sector}'s lead {lead} and its troops into "
                 f"phase{'s' * (len(changed) > 1)} {phases}")


# --- edits --------------------------------------------------------------------------------
def _locked_refusal(state, phase, sector):
    if state.locked(phase, sector):
        return refused(state, f"{sector_phase((phase, sector))} is locked: unlock it to edit it")
    return None


def edit_lead(state: AppState, env: Env, phase: int, sector: str, lead: str | None) -> AppState:
    """Give the sector another lead nation in ``phase`` (None: no lead)."""
    if (no := _locked_refusal(state, phase, sector)) is not None:
        return no
    old = state.plan.get(phase, sector).lead
    plan = state.plan.with_lead(phase, sector, lead or None)
    return write(state, env, state.work.with_plan(plan),
                 f"edit {sector_phase((phase, sector))}: lead {old or 'none'} -> {lead or 'none'}")


def troop_refusal(env: Env, state: AppState, code: str, troops) -> str | None:
    """Why ``troops`` cannot be ``code``'s figure, or None."""
    scenario = env.scenario_for(state.work)
    unit = scenario.unit_of(code)
    if not isinstance(troops, int) or isinstance(troops, bool) or troops < 0:
        return f"{code} troops must be a whole number, 0 or more; got {troops!r}"
    if troops % unit:
        return (f"{code} troops move in units of {unit}: {troops:,} is not a multiple of "
                f"{unit} (try {troops // unit * unit:,} or {(troops // unit + 1) * unit:,})")
    return None


def edit_troops(state: AppState, env: Env, phase: int, sector: str, code: str,
                troops) -> AppState:
    """Set ``code``'s troops in the sector in ``phase`` (whole units of its troop unit)."""
    if (no := _locked_refusal(state, phase, sector)) is not None:
        return no
    if isinstance(troops, float) and troops.is_integer():
        troops = int(troops)
    why = troop_refusal(env, state, code, troops)
    if why:
        return refused(state, f"Not changed: {why}.")
    old = state.plan.get(phase, sector).troops.get(code, 0)
    plan = state.plan.with_troops(phase, sector, code, troops)
    return write(state, env, state.work.with_plan(plan),
                 f"edit {sector_phase((phase, sector))}: {code} troops {old:,} -> {troops:,}")


def edit_sectors(state: AppState, env: Env, phase: int, rows: dict[str, dict]) -> AppState:
    """Apply table edits: ``{sector: {"lead": code, CODE: troops, ...}}`` for ``phase``.

    Every cell is validated first (unknown nation, troops that are not whole units, locked
    sectors); on any problem nothing is applied and every problem is named.
    """
    scenario = env.scenario_for(state.work)
    codes = [c.code for c in scenario.contingents]
    problems, plan = [], state.plan
    for sector, cells in sorted(rows.items()):
        if state.locked(phase, sector):
            problems.append(f"{sector}: locked (unlock it to edit it)")
            continue
        current = plan.get(phase, sector)
        lead = cells.get("lead", current.lead)
        if lead is None or isinstance(lead, str):
            lead = (lead or "").strip() or None
        if lead is not None and lead not in codes:
            problems.append(f"{sector}: lead {lead!r} is not a contingent of the scenario")
        troops = dict(current.troops)
        for code in codes:
            if code not in cells:
                continue
            value = cells[code]
            value = 0 if value is None or value != value else value
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            why = troop_refusal(env, state, code, value)
            if why:
                problems.append(f"{sector}: {why}")
            else:
                troops[code] = value
        if not problems:
            plan = plan.with_assignment(replace(current, lead=lead, troops=troops))
    if problems:
        return refused(state, "The table was not applied: " + "; ".join(problems))
    shown = ", ".join(sorted(rows)[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
    return write(state, env, state.work.with_plan(plan), f"table edit (phase {phase}): {shown}")


def set_lock(state: AppState, env: Env, phase: int, sector: str, locked: bool) -> AppState:
    """Lock the sector's lead and troops in ``phase`` (the optimizer keeps them), or unlock."""
    plan = state.plan.with_pin(phase, sector) if locked else state.plan.without_pin(phase, sector)
    verb = "lock" if locked else "unlock"
    return write(state, env, state.work.with_plan(plan), f"{verb} {sector_phase((phase, sector))}")


def set_mandate(state: AppState, env: Env, mandate: str) -> AppState:
    scenario = env.scenario_for(state.work)
    if mandate not in scenario.mandates:
        return refused(state, f"Unknown mandate {mandate!r}")
    return write(state, env, state.work.with_settings(mandate=mandate), f"mandate: {mandate}")


def set_force(state: AppState, env: Env, codes) -> AppState:
    """The contingents in the force (a what-if), kept in scenario order."""
    every = [c.code for c in env.scenario_for(state.work).contingents]
    force = tuple(c for c in every if c in set(codes))
    out = sorted(set(state.settings.force) - set(force))
    back = sorted(set(force) - set(state.settings.force))
    words = ", ".join([f"without {c}" for c in out] + [f"with {c}" for c in back])
    return write(state, env, state.work.with_settings(force=force), f"force: {words or 'same'}")


def set_troop_figure(state: AppState, env: Env, code: str, troops: int | None) -> AppState:
    """A what-if troop figure for contingent ``code`` (None: back to what it pledged)."""
    scenario = env.scenario_for(state.work)
    pledged = {c.code: c.troops for c in scenario.contingents}
    if code not in pledged:
        return refused(state, f"Unknown contingent {code!r}")
    if troops is not None and (not isinstance(troops, int) or isinstance(troops, bool)
                               or troops < 0):
        return refused(state, f"{code}'s troop figure must be a whole number, 0 or more; "
                              f"got {troops!r}")
    figures = dict(state.settings.troops)
    if troops is None or troops == pledged[code]:
        figures.pop(code, None)
    else:
        figures[code] = troops
    words = f"{code} {troops:,} troops" if code in figures else f"{code} as pledged"
    return write(state, env, state.work.with_settings(troops=tuple(sorted(figures.items()))),
                 f"troop figure: {words}")


def set_vetoes(state: AppState, env: Env, on: bool) -> AppState:
    """Every stakeholder veto in force, or none (what a veto costs)."""
    vetoes = tuple(v.id for v in env.scenario_for(state.work).vetoes) if on else ()
    return write(state, env, state.work.with_settings(vetoes=vetoes),
                 "vetoes: on" if on else "vetoes: off")


def _moves(old: Working, new: Working) -> str:
    """What a move through the history changes, in a few words."""
    changes = describe_changes(old, new)
    return "; ".join(changes[:2]) + (f"; and {len(changes) - 2} more" if len(changes) > 2 else "")


def undo(state: AppState, env: Env) -> AppState:
    if not state.past:
        return _touched(state)
    return write(state, env, state.past[-1], f"undo: {_moves(state.work, state.past[-1])}",
                 undoing="undo")


def redo(state: AppState, env: Env) -> AppState:
    if not state.future:
        return _touched(state)
    return write(state, env, state.future[0], f"redo: {_moves(state.work, state.future[0])}",
                 undoing="redo")


def restore(state: AppState, env: Env, number: int) -> AppState:
    """Make an earlier revision the latest again (nothing is overwritten)."""
    old = env.store.revision(state.name, number).working(env.base)
    return write(state, env, old, f"restore revision {number}")


# --- files --------------------------------------------------------------------------------
def import_file(state: AppState, env: Env, name: str, data: bytes) -> AppState:
    """Replace the plan with an uploaded plan file (GeoJSON or CSV); a GeoJSON's settings
    members (mandate, force, vetoes) come with it. Nothing changes on any problem."""
    from planner.domain.working import settings_from
    from planner.ui.uploads import import_plan
    table = env.table_for(state.work)
    scenario = env.scenario_for(state.work)
    import warnings

    from planner.files.planfile import ScenarioChanged
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ScenarioChanged)
            plan, members = import_plan(name, data, table,
                                        [c.code for c in scenario.contingents])
    except InputError as exc:
        return refused(state, f"Nothing was imported:\n\n{exc}")
    work = state.work.with_plan(plan)
    if isinstance(members.get("settings"), dict):
        work = replace(work, settings=settings_from(members["settings"], scenario,
                                                    state.work.settings))
    after = write(state, env, work, f"import {name}")
    if after.error or after.conflict:
        return after
    said = [str(w.message) for w in caught if issubclass(w.category, ScenarioChanged)]
    return replace(after, notice=" ".join([f"Imported {name}."] + said))


def recut(state: AppState, env: Env, phase: int, count: int, balance: str,
          seed: int | None = None) -> AppState:
    """Cut ``phase``'s ground into ``count`` new sectors; their assignments are cleared."""
    from geo.partition import PartitionError
    from planner.domain.derive import sectors_for_phase
    from planner.files.cuts import cut_to_text
    scenario = env.scenario_for(state.work)
    table = env.table_for(state.work)
    seed = scenario.sectoring.seed if seed is None else seed
    from geo.zones import solid_parts
    if not len(solid_parts(scenario.zones.opened[phase])):
        return refused(state, f"Phase {phase} opens no new ground to the force (a steady "
                              "state): it has no sectors of its own to re-cut")
    try:
        fresh = sectors_for_phase(scenario, phase, int(count), balance=balance, seed=seed)
    except (InputError, PartitionError) as exc:
        return refused(state, f"Phase {phase} was not re-cut: {exc}")
    gone = set(table.sectors.loc[table.sectors["phase"] == phase, "sector_id"].astype(str))
    fresh["sector_id"] = recut_ids(gone, phase, len(fresh))
    digest = env.store.put_cut(cut_to_text(fresh, phase))
    plan = state.plan
    kept = Plan({k: a for k, a in plan.assignments.items() if k[1] not in gone},
                {k: p for k, p in plan.pins.items() if k[1] not in gone})
    work = replace(state.work, plan=kept, cuts={**state.work.cuts, phase: digest})
    after = write(state, env, work, f"re-cut phase {phase} into {count} sectors")
    notes = " ".join(n[0].upper() + n[1:] + "." for n in fresh.attrs.get("notes", []))
    if after.error:
        return after
    return replace(after, selected=None, notice=notes or after.notice)


def recut_ids(replaced: set[str], phase: int, count: int) -> list[str]:
    """Ids of a phase's re-cut sectors, ``P2-R1-S01`` ...: never those of the sectors they
    replace (a re-cut sector is other ground, so a comparison must not take it for the
    sector that had its id); the ``R`` number counts the phase's cuts."""
    import re
    cuts = [int(m.group(1)) for s in replaced if (m := re.search(r"-R(\d+)-", s))]
    k = max(cuts, default=0) + 1
    return [f"P{phase}-R{k}-S{i + 1:02d}" for i in range(count)]


def replace_layer(state: AppState, env: Env, layer: str, name: str, data: bytes) -> AppState:
    """Replace one scenario layer with an uploaded file: the whole scenario is validated again
    and the copy is kept in the workspace (so a reload finds it). Assignments of sectors that
    no longer exist are dropped; re-cut phases are dropped when the ground changed."""
    import tempfile

    from planner.files.workspace import keep_scenario_copy
    from planner.ui.uploads import scenario_with_layer
    scenario = env.scenario_for(state.work)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            new = scenario_with_layer(scenario, layer, name, data, tmp)
        except InputError as exc:
            return refused(state, f"Nothing was replaced:\n\n{exc}")
        digest = keep_scenario_copy(env.store, new.root)
    cuts = {} if layer in ("territory", "held", "sectors") else dict(state.work.cuts)
    work = replace(state.work, source=digest, cuts=cuts)
    table = env.table_for(work)
    work = work.with_plan(restricted(work.plan, table.keys))
    return write(state, env, work, f"replace the {layer} layer with {name}")


def save_as(state: AppState, env: Env, name: str) -> AppState:
    """The working state saved as a new plan ``name`` (refused if the name is taken)."""
    try:
        saved = env.store.save(name, state.work, base=None, author=env.author,
                               message=f"saved as a copy of '{state.name}' revision "
                                       f"{state.revision}", scope=env.base.name)
    except StaleRevision:
        return refused(state, f"Not saved: a plan named '{name}' exists; choose another name")
    except InputError as exc:
        return refused(state, f"Not saved: {exc}")
    env.store.remember_opened(saved.plan_name, env.base.name)
    return replace(state, name=saved.plan_name, revision=saved.number, past=(), future=(),
                   epoch=state.epoch + 1, conflict=None, error=None, proposal=None, solved=None,
                   notice=f"Saved as '{saved.plan_name}'.")


def open_named(state: AppState, env: Env, name: str) -> AppState:
    """Switch to another saved plan (its latest revision)."""
    if name not in env.store.names(env.base.name):
        return refused(state, f"No plan named '{name}'")
    fresh = open_plan(env, name)
    return replace(fresh, phase=state.phase, epoch=state.epoch + 1)


# --- the optimizer ------------------------------------------------------------------------
def optimize(state: AppState, env: Env, *, least_change: bool = True, best_effort: bool = False,
             progress=None) -> AppState:
    """Run the optimizer on the working state (locks kept; by default the least change from
    the plan): the result waits as a proposal; nothing is written until it is applied.
    ``best_effort`` asks for the least-bad plan when no plan keeps every hard rule. The time
    limit is counted in the solver's deterministic time, so the same plan and settings give
    the same proposal however busy the server is."""
    from planner.solver.optimize import solve
    scenario = env.scenario_for(state.work)
    table = env.table_for(state.work)
    s = state.settings
    force, vetoes = s.contingents(scenario), s.vetoes_in_force(scenario)
    plan = state.plan
    try:
        result = solve(scenario, s.mandate, pins=dict(plan.pins), table=table,
                       time_limit_s=env.solve_seconds, reference=plan if least_change else None,
                       contingents=force, vetoes=vetoes, progress=progress,
                       best_effort=best_effort, deterministic=True)
    except InputError as exc:  # a lock the optimizer cannot keep (troops not in whole units)
        return refused(state, "Optimize did not run: " + "; ".join(
            f"{p.feature}: {p.message} (unlock it or set whole units)" for p in exc.problems))
    return _touched(state, proposal=Proposal(result, state.revision, s, least_change,
                                             best_effort), error=None, notice=None)


def apply_proposal(state: AppState, env: Env) -> AppState:
    """Make the optimizer's plan the next revision."""
    p = state.proposal
    if p is None or p.result.plan is None:
        return refused(state, "There is no optimizer plan to apply")
    if not state.current(p):
        return refused(state, "The optimizer's plan is out of date (the plan or its settings "
                              "changed since): optimize again")
    if p.best_effort and p.result.report is not None and not p.result.report.ok:
        what = (f"optimize: least-bad plan ({p.settings.mandate}), "
                f"{len(p.result.report.hard)} hard conditions still broken")
    else:
        what = f"optimize: {p.result.status} ({p.settings.mandate})"
    after = write(state, env, state.work.with_plan(p.result.plan), what)
    if after.error or after.conflict:
        return after
    return replace(after, proposal=None,
                   solved=Solved(p.result, after.revision, p.settings, p.best_effort))


def discard_proposal(state: AppState) -> AppState:
    return _touched(state, proposal=None, notice="The optimizer's plan was discarded.")


def apply_variant(state: AppState, env: Env, work: Working, label: str) -> AppState:
    """Make a what-if result (``work``: its plan and settings, see
    :mod:`planner.ui.compare_view`) the next revision of the working plan."""
    if work == state.work:
        return _touched(state, error=None, notice=f"The working plan already is {label}.")
    after = write(state, env, work, f"apply what-if {label}")
    if after.error or after.conflict:
        return after
    return replace(after, notice=f"Applied {label} as revision {after.revision}.")


__all__ = ["apply_proposal", "carry_lead", "changed_units", "discard_proposal", "dismiss_conflict",
           "edit_lead", "edit_sectors", "edit_troops", "find", "import_file", "open_named",
           "open_plan", "optimize", "recut", "redo", "refresh", "refused", "replace_layer",
           "resolve_conflict", "restore", "save_as", "select", "set_force", "set_lock",
           "set_mandate", "set_phase", "set_troop_figure", "set_vetoes", "undo", "write"]
