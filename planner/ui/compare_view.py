"""The Compare page's logic: two plans side by side, their maps, and what-if variants.

No Streamlit here (``app_pages/compare.py`` is the wiring); every function is plain and tested
(``tests/planner/ui/test_compare_view.py``).

- **Choosing A and B.** A side is a *choice*, a small tuple the page keeps and the Plan page
  sends in ``st.session_state.compare_request``:

  ``("working",)``
      the working plan (the app state's :attr:`~planner.ui.state.AppState.work`);
  ``("revision", name, number)``
      a saved revision (``number`` None: the plan's latest), of the working plan or of
      another saved plan of the scenario;
  ``("variant", name)``
      the latest revision of a what-if result (a plan named ``<working plan>~...``);
  ``("file", file_name)``
      an uploaded plan file (GeoJSON or CSV), validated like an import; nothing is written;
  ``("proposal",)``
      the optimizer's proposal waiting on the Plan page.

  :func:`resolve` turns a choice into a :class:`Chosen` (a label and a whole
  :class:`~planner.domain.working.Working` state), :func:`side_of` into a
  :class:`planner.compare.Side` with that state's own mandate, force (what-if troop figures
  included), vetoes and sector table (re-cut phases), and :func:`comparison_of` compares two.
- **Tables.** :func:`change_rows`, :func:`contingent_table`, :func:`rule_rows`,
  :func:`violation_lines` and :func:`summary_lines` give what the page shows.
- **Maps.** :func:`compare_map_html` builds one self-contained HTML document with two Leaflet
  maps kept in step by the Leaflet.Sync plugin, or one map with the changed sectors hatched;
  Leaflet and the plugin come from the app's ``static/leaflet/``, nothing from elsewhere.
- **What-if variants.** A :class:`Variant` is the working plan's settings with changes;
  :func:`solve_variant` runs the optimizer on it (least change from the working plan) into a
  named plan ``<working plan>~<what changed>`` in the plan store, never into the working plan;
  :func:`planner.ui.actions.apply_variant` makes it a revision of the working plan on request.
"""
from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

import shapely

from geo.errors import InputError
from planner.domain.plan import Key
from planner.domain.working import Settings, Working, settings_from
from planner.files.store import StaleRevision
from planner.ui.mapview import NO_LEAD, STATIC, display_features, display_frame, lead_colours

KINDS = {
    "working": "The working plan",
    "revision": "A revision of the working plan",
    "saved": "Another saved plan",
    "variant": "A what-if result",
    "file": "An imported file (GeoJSON or CSV)",
    "proposal": "The optimizer's proposal",
}
VARIANT_MARK = "~"        # a what-if result of plan ``main`` is named ``main~...``
REVISIONS_LISTED = 50     # revisions offered in a revision box, newest first
SAVE_ATTEMPTS = 3         # a variant's save retried when another session saved it meanwhile
MAP_HEIGHT = 520          # pixels, each map
SYNC_JS = f"{STATIC}/L.Map.Sync.js"   # Leaflet.Sync 0.2.4 (BSD-3-Clause), vendored
CHANGED_OUTLINE = "#e7298a"
SELECTED_OUTLINE = "#000000"
HATCH_STROKE = "#222222"


class SideError(Exception):
    """A side cannot be compared (no such revision, a bad file, no proposal): the message
    says why in plain words, naming the file, feature, field and value where there are."""


@dataclass(frozen=True)
class Chosen:
    """One side resolved: the choice, how it is named, the whole working state it is.

    ``note`` says what the reader should know (an out-of-date proposal, a file checked under
    the working plan's settings); ``revision`` is the saved revision's number.
    """

    choice: tuple
    label: str
    work: Working
    note: str = ""
    revision: int | None = None   # the store's revision number, for a saved side


@dataclass(frozen=True)
class CompareState:
    """What the Compare page shows: the two choices, the phase, the sector selected in both
    maps, one map or two. ``n`` grows whenever the choices change other than by their own
    boxes (a request, a swap, a variant solved), so the boxes are drawn anew."""

    a: tuple
    b: tuple
    phase: int | None = None
    sector: str | None = None
    one_map: bool = False
    n: int = 0


# --- choosing -----------------------------------------------------------------------------
def variant_names(state, env) -> list[str]:
    """The what-if results of the working plan (``<name>~...``) saved for this scenario."""
    prefix = state.name + VARIANT_MARK
    return [n for n in env.store.names(env.base.name) if n.startswith(prefix)]


def saved_names(state, env) -> list[str]:
    """The other saved plans of this scenario (not the working plan, not its what-ifs)."""
    variants = set(variant_names(state, env))
    return [n for n in env.store.names(env.base.name) if n != state.name and n not in variants]


def revision_options(env, name: str, *, latest: bool = False) -> list[tuple[int | None, str]]:
    """``(number, label)`` of a plan's latest revisions, newest first (``latest``: a first
    option ``(None, "latest ...")`` that follows new revisions)."""
    revisions = list(reversed(env.store.history(name, REVISIONS_LISTED)))
    out = [(r.number, f"{r.number}: {r.message or '(no message)'} ({r.time}"
                      f"{', ' + r.author if r.author else ''})") for r in revisions]
    if latest and revisions:
        out.insert(0, (None, f"latest (now {revisions[0].number})"))
    return out


def kinds_available(state, env) -> list[str]:
    """The kinds of plan a side can be now, in :data:`KINDS` order."""
    have = {"working": True, "revision": state.revision > 1,
            "saved": bool(saved_names(state, env)), "variant": bool(variant_names(state, env)),
            "file": True, "proposal": state.proposal is not None}
    return [k for k in KINDS if have[k]]


def kind_of(choice: tuple, state) -> str:
    """The :data:`KINDS` key of a choice (a revision of another plan is ``saved``)."""
    if choice[0] == "revision":
        return "revision" if choice[1] == state.name and choice[2] is not None else "saved"
    return choice[0]


def default_choice(kind: str, state, env) -> tuple:
    """The choice a side takes when the planner picks ``kind`` (before choosing details)."""
    if kind == "revision":
        return ("revision", state.name, max(state.revision - 1, 1))
    if kind == "saved":
        names = saved_names(state, env)
        return ("revision", names[0], None) if names else ("working",)
    if kind == "variant":
        names = variant_names(state, env)
        return ("variant", names[-1]) if names else ("working",)
    if kind == "file":
        return ("file", None)
    if kind == "proposal":
        return ("proposal",) if state.proposal is not None else ("working",)
    return ("working",)


def initial(state) -> CompareState:
    """What the page shows first: the optimizer's proposal against the working plan when one
    waits, else the revision before against the working plan."""
    if state.proposal is not None and state.current(state.proposal) \
            and state.proposal.result.plan is not None:
        return CompareState(("working",), ("proposal",))
    if state.revision > 1:
        return CompareState(("revision", state.name, state.revision - 1), ("working",))
    return CompareState(("working",), ("working",))


def valid_choice(choice) -> bool:
    """Whether ``choice`` has one of the shapes the module docstring lists."""
    if not isinstance(choice, tuple) or not choice:
        return False
    kind, rest = choice[0], choice[1:]
    if kind in ("working", "proposal"):
        return not rest
    if kind == "revision":
        return (len(rest) == 2 and isinstance(rest[0], str)
                and (rest[1] is None or (isinstance(rest[1], int)
                                         and not isinstance(rest[1], bool))))
    if kind in ("variant", "file"):
        return len(rest) == 1 and (rest[0] is None or isinstance(rest[0], str))
    return False


def requested(current: CompareState, request) -> CompareState:
    """The page's state after a request from another page (``{"a": choice, "b": choice}``);
    unchanged when the request is not one."""
    if not isinstance(request, Mapping):
        return current
    a, b = (tuple(request.get(k) or ()) for k in ("a", "b"))
    if not (valid_choice(a) and valid_choice(b)):
        return current
    return replace(current, a=a, b=b, sector=None, n=current.n + 1)


def swapped(current: CompareState) -> CompareState:
    return replace(current, a=current.b, b=current.a, n=current.n + 1)


def resolve(choice: tuple, state, env, files: Mapping[str, bytes] | None = None) -> Chosen:
    """The side ``choice`` names (see the module docstring).

    Parameters
    ----------
    choice
        A choice tuple.
    state, env
        The app state and :class:`~planner.ui.state.Env`.
    files
        ``{file name: bytes}`` of the files uploaded on the page.

    Raises
    ------
    SideError
        When the side cannot be compared; nothing is written in any case.
    """
    if not valid_choice(choice):
        raise SideError(f"Unknown plan choice {choice!r}")
    kind = choice[0]
    if kind == "working":
        return Chosen(choice, f"working plan '{state.name}' (revision {state.revision})",
                      state.work, revision=state.revision)
    if kind in ("revision", "variant"):
        name, number = choice[1], (choice[2] if kind == "revision" else None)
        try:
            revision = env.store.revision(name, number)
            work = revision.working(env.base)
        except InputError as exc:
            raise SideError(f"'{name}' cannot be opened: {exc}") from None
        what = "what-if" if kind == "variant" else "plan"
        at = f"{'latest, ' if number is None else ''}revision {revision.number}"
        return Chosen(choice, f"{what} '{name}' ({at}: {revision.message or 'no message'})",
                      work, revision=revision.number)
    if kind == "file":
        return _from_file(choice, state, env, files or {})
    return _from_proposal(choice, state, env)


def _from_file(choice, state, env, files) -> Chosen:
    from planner.ui.uploads import import_plan
    name = choice[1]
    if name is None or name not in files:
        raise SideError("Upload a plan file (GeoJSON or CSV) for this side.")
    scenario, table = env.scenario_for(state.work), env.table_for(state.work)
    try:
        plan, members = import_plan(name, files[name], table,
                                    [c.code for c in scenario.contingents])
    except InputError as exc:
        raise SideError(f"{name} cannot be compared (nothing was written):\n\n{exc}") from None
    said = members.get("settings")
    if isinstance(said, dict) and {"force", "vetoes"} <= set(said):
        return Chosen(choice, f"file {name}", Working(plan, settings_from(
            said, scenario), state.work.cuts, state.work.source))
    if isinstance(said, dict):  # a CSV file: its mandate only
        return Chosen(choice, f"file {name}", Working(
            plan, settings_from(said, scenario, state.work.settings), state.work.cuts,
            state.work.source), note=f"{name} names only its mandate: it is checked under "
                                     "the working plan's other settings.")
    return Chosen(choice, f"file {name}", state.work.with_plan(plan),
                  note=f"{name} names no settings: it is checked under the working plan's.")


def _from_proposal(choice, state, env) -> Chosen:
    p = state.proposal
    if p is None:
        raise SideError("There is no optimizer proposal: run Optimize on the Plan page.")
    if p.result.plan is None:
        raise SideError(f"The optimizer found no plan ({p.result.status}).")
    note = ""
    base = state.work
    if not state.current(p):
        note = (f"Out of date: the proposal was computed for revision {p.revision} and its "
                f"settings; the plan or its settings changed since.")
        try:
            base = env.store.revision(state.name, p.revision).working(env.base)
        except InputError:
            pass
    work = replace(base, plan=p.result.plan, settings=p.settings)
    return Chosen(choice, f"optimizer's proposal ({p.result.status}, for revision "
                          f"{p.revision})", work, note)


def side_of(chosen: Chosen, env):
    """The :class:`planner.compare.Side` of a resolved side: its own mandate, force (with
    what-if troop figures), vetoes and sector table."""
    from planner.compare import Side
    scenario = env.scenario_for(chosen.work)
    s = chosen.work.settings
    return Side(chosen.work.plan, chosen.label, s.mandate, tuple(s.contingents(scenario)),
                tuple(s.vetoes_in_force(scenario)), env.table_for(chosen.work))


def comparison_of(a: Chosen, b: Chosen, env):
    """A against B (:class:`planner.compare.Comparison`), the rules of A's scenario."""
    from planner.compare import compare
    return compare(side_of(a, env), side_of(b, env), env.scenario_for(a.work),
                   table=env.table_for(a.work))


# --- tables -------------------------------------------------------------------------------
def _troop_words(changes) -> str:
    return ", ".join(f"{t.nation} {t.before:,} → {t.after:,}" for t in changes)


def _sector_changes(env, a: Chosen, b: Chosen, c, phase: int) -> dict[str, tuple[list, list]]:
    """``{sector: (what changed, troop changes)}`` in ``phase``, from the comparison's diff.

    The diff lists a sector one plan leaves empty (no lead, no troops) as added or removed,
    as it lists re-cut sectors: here a sector is *only in A* or *only in B* when only that
    plan's sector table has it open, and otherwise its lead and troops changed from or to
    nothing.
    """
    from planner.compare import TroopChange
    open_a = set(env.table_for(a.work).open_in(phase))
    open_b = set(env.table_for(b.work).open_in(phase))
    d = c.diff.only([phase])
    out: dict[str, tuple[list, list]] = {}

    def note(sid, word=None, troops=()):
        what, moved = out.setdefault(sid, ([], []))
        if word and word not in what:
            what.append(word)
        moved += troops
        if troops and "troops" not in what:
            what.append("troops")
    for ch in d.lead_changes:
        note(ch.sector_id, "lead")
    for ch in d.troop_changes:
        note(ch.sector_id, troops=[ch])
    for entries, other, sign in ((d.sectors_added, open_a, 1), (d.sectors_removed, open_b, -1)):
        for e in entries:
            if e.sector_id not in other:
                note(e.sector_id, f"only in {'B' if sign > 0 else 'A'} (re-cut)")
                continue
            if e.lead:
                note(e.sector_id, "lead")
            note(e.sector_id, troops=[TroopChange(phase, e.sector_id, n, *((0, t) if sign > 0
                                                                          else (t, 0)))
                                      for n, t in e.troops.items()])
    for ch in d.pin_changes:
        note(ch.sector_id, "locked" if ch.before is None else "unlocked" if ch.after is None
             else "lock changed")
    return {sid: out[sid] for sid in sorted(out)}


def change_rows(env, a: Chosen, b: Chosen, c, phase: int) -> list[dict]:
    """One row per sector that differs in ``phase``: what changed, the lead and troops in A
    and in B, and each contingent's troops that moved (``IDN 600 → 300``)."""
    rows = []
    for sid, (what, moved) in _sector_changes(env, a, b, c, phase).items():
        x, y = a.work.plan.get(phase, sid), b.work.plan.get(phase, sid)
        rows.append({"sector": sid, "change": ", ".join(what),
                     "lead A": x.lead or "", "lead B": y.lead or "",
                     "troops A": x.total, "troops B": y.total,
                     "troops by contingent": _troop_words(moved)})
    return rows


def contingent_table(c, phase: int) -> list[dict]:
    """Per contingent deployed in ``phase`` in either plan: troops, share of the phase's
    troops and sectors led in A and in B, and whether it entered or left."""
    rows = []
    for r in c.contingents:
        if r.phase != phase:
            continue
        rows.append({"nation": r.nation, "status": r.status,
                     "troops A": r.a.troops, "troops B": r.b.troops,
                     "change": r.b.troops - r.a.troops,
                     "share A": f"{r.a.share:.1%}", "share B": f"{r.b.share:.1%}",
                     "led A": r.a.sectors_led, "led B": r.b.sectors_led})
    return rows


def _in_phase(v, phase) -> bool:
    return v.phase == phase or v.phase is None


def rule_rows(c, phase: int | None = None) -> list[dict]:
    """Per rule broken in either plan: violations in A and B, fixed and introduced by B;
    in ``phase`` (with the force-wide ones that belong to no phase), or in every phase."""
    from collections import Counter
    keep = (lambda v: True) if phase is None else (lambda v: _in_phase(v, phase))
    count = lambda vs: Counter(v.rule_id for v in vs if keep(v))
    ca, cb = count(c.violations_a), count(c.violations_b)
    cf, ci = count(c.violations_fixed), count(c.violations_introduced)
    severity = {v.rule_id: v.severity for v in (*c.violations_a, *c.violations_b)}
    order = [r.rule_id for r in c.rules]
    return [{"rule": r, "severity": severity[r], "in A": ca[r], "in B": cb[r],
             "fixed": cf[r], "introduced": ci[r]} for r in order if ca[r] or cb[r]]


def _violation_words(v) -> str:
    where = " ".join(x for x in (v.sector or "", v.nation or "") if x)
    return f"{v.rule_id} ({v.severity}){' ' + where if where else ''}: {v.message}"


def violation_lines(c, phase: int) -> tuple[list[str], list[str]]:
    """``(fixed, introduced)``: B's violations fixed and introduced in ``phase`` (and the
    force-wide ones), each in plain words."""
    return ([_violation_words(v) for v in c.violations_fixed if _in_phase(v, phase)],
            [_violation_words(v) for v in c.violations_introduced if _in_phase(v, phase)])


def summary_lines(env, a: Chosen, b: Chosen, c) -> list[str]:
    """The comparison in a few sentences: the verdict, the change measure, violations and
    soft penalties."""
    m = c.change
    if c.same:
        verdict = "The plans are the same."
    else:
        counts = {"lead": 0, "troop": 0, "only in A": 0, "only in B": 0, "lock": 0}
        for phase in c.phases:
            for what, moved in _sector_changes(env, a, b, c, phase).values():
                counts["lead"] += "lead" in what
                counts["troop"] += len(moved)
                counts["only in A"] += "only in A (re-cut)" in what
                counts["only in B"] += "only in B (re-cut)" in what
                counts["lock"] += any(w.startswith(("lock", "unlock")) for w in what)
        plural = lambda n, word: f"{n} {word}{'s' * (n != 1)}"
        parts = [plural(counts["lead"], "lead change"), plural(counts["troop"], "troop change")]
        if counts["only in A"] or counts["only in B"]:
            parts.append(f"{counts['only in B']} sector-phases only in B, "
                         f"{counts['only in A']} only in A (re-cut)")
        if counts["lock"]:
            parts.append(plural(counts["lock"], "lock") + " changed")
        verdict = "B differs from A: " + ", ".join(parts) + "."
    return [
        verdict,
        f"Change measure (what the optimizer's least change counts): {m.leads_changed} leads "
        f"changed + {m.units_moved} troop units moved ({m.units_words()}) = {m.total}.",
        f"B fixes {len(c.violations_fixed)} violations and introduces "
        f"{len(c.violations_introduced)}.",
        f"Hard violations: A {c.a.hard}, B {c.b.hard}. Soft penalty: A {c.a.soft_penalty:g}, "
        f"B {c.b.soft_penalty:g}.",
    ]


def side_words(summary) -> str:
    """A side's mandate and what-if settings in words (``Chapter VI; without IDN``)."""
    extra = summary.settings_text()
    return summary.mandate_label + (f"; {extra}" if extra else "")


def sector_at(rows: list[dict], selected_rows: Iterable[int]) -> str | None:
    """The sector of the first selected row of a :func:`change_rows` table (None: none)."""
    for i in selected_rows:
        if 0 <= int(i) < len(rows):
            return rows[int(i)]["sector"]
    return None


# --- maps ---------------------------------------------------------------------------------
def _open_sectors(table, phase: int):
    frame = table.sectors
    return frame[frame["sector_id"].astype(str).isin(table.open_in(phase))]


def _tip(sid, plan, other, phase, change: str, side: str) -> str:
    """A sector's tooltip as HTML, every value escaped."""
    a, o = plan.get(phase, sid), other.get(phase, sid)
    lines = [f"<b>{html.escape(sid)}</b> ({side})",
             f"lead: {html.escape(a.lead or 'none')}",
             f"troops: {a.total:,}"]
    if change:
        lines.append(f"changed: {html.escape(change)}")
        if o.lead != a.lead:
            lines.append(f"lead in the other plan: {html.escape(o.lead or 'none')}")
    return "<br>".join(lines)


def _sector_items(table, phase, plan, other, changes, colours, shapes, seen, side,
                  hatches=None) -> list[dict]:
    frame = _open_sectors(table, phase)
    ids = frame["sector_id"].astype(str).tolist()
    geometry = display_features(frame[["sector_id", frame.geometry.name]])["features"]
    items = []
    for sid, wkb, feature in zip(ids, shapely.to_wkb(frame.geometry.values), geometry):
        if wkb not in seen:
            seen[wkb] = len(shapes)
            shapes.append(feature["geometry"])
        lead = plan.get(phase, sid).lead
        colour = colours.get(lead, NO_LEAD)
        item = {"sector_id": sid, "shape": seen[wkb], "colour": colour,
                "changed": sid in changes,
                "tip": _tip(sid, plan, other, phase, changes.get(sid, ""), side)}
        if hatches is not None and sid in changes:
            item["hatch"] = hatches.setdefault(colour, f"hatch-{len(hatches)}")
        items.append(item)
    return items


def _layer_features(frame, *columns) -> dict:
    """A background layer for display with only ``columns`` of its properties (those it
    has) and a ``layer`` property, so no other field of the scenario reaches the page."""
    keep = [c for c in columns if c in frame.columns]
    return display_features(frame[keep + [frame.geometry.name]].assign(layer="background"))


def _script_json(data) -> str:
    """JSON safe inside a <script> element: no ``<``, ``>`` or ``&`` left to end it."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def map_data(env, a: Chosen, b: Chosen, c, phase: int, *, one_map: bool = False,
             selected: str | None = None) -> dict:
    """What the compare map document draws (see :func:`compare_map_html`), as plain data:
    sector shapes (each distinct geometry once), each pane's sectors with colour, change
    and tooltip, the territory, the phase's held area, borders, bounds and legend."""
    scenario = env.scenario_for(a.work)
    colours = lead_colours(c.code for c in scenario.contingents)
    plan_a, plan_b = a.work.plan, b.work.plan
    changes = {r["sector"]: r["change"] for r in change_rows(env, a, b, c, phase)}
    shapes, seen = [], {}
    table_a, table_b = env.table_for(a.work), env.table_for(b.work)
    if one_map:
        hatches: dict[str, str] = {}
        panes = [{"title": f"B: {b.label}, over A: {a.label} (changed sectors hatched)",
                  "hatch": True,
                  "sectors": _sector_items(table_b, phase, plan_b, plan_a, changes, colours,
                                           shapes, seen, "B", hatches)}]
        hatch_list = [{"id": i, "colour": col} for col, i in hatches.items()]
    else:
        panes = [{"title": f"A: {a.label}", "hatch": False,
                  "sectors": _sector_items(table_a, phase, plan_a, plan_b, changes, colours,
                                           shapes, seen, "A")},
                 {"title": f"B: {b.label}", "hatch": False,
                  "sectors": _sector_items(table_b, phase, plan_b, plan_a, changes, colours,
                                           shapes, seen, "B")}]
        hatch_list = []
    layers = scenario.layers
    minx, miny, maxx, maxy = display_frame(layers.territory).total_bounds
    held = layers.held[layers.held["phase"] == phase]
    leads = {x.lead for plan in (plan_a, plan_b) for x in plan.phase(phase) if x.lead}
    legend = [{"code": x.code, "name": x.name, "colour": colours[x.code]}
              for x in scenario.contingents if x.code in leads]
    return {"shapes": shapes, "panes": panes, "hatches": hatch_list,
            "territory": _layer_features(layers.territory),
            "held": _layer_features(held) if len(held) else None,
            "borders": _layer_features(layers.borders, "kind"),
            "bounds": [[float(miny), float(minx)], [float(maxy), float(maxx)]],
            "selected": selected, "legend": legend,
            "view_key": f"{scenario.name}|{phase}",
            "styles": {"changed": CHANGED_OUTLINE, "selected": SELECTED_OUTLINE,
                       "hatch_stroke": HATCH_STROKE, "no_lead": NO_LEAD}}


def compare_map_html(env, a: Chosen, b: Chosen, c, phase: int, *, one_map: bool = False,
                     selected: str | None = None, height: int = MAP_HEIGHT) -> str:
    """One self-contained HTML document: two Leaflet maps of ``phase``, A left and B right,
    whose pan and zoom move together (Leaflet.Sync), sectors coloured by lead, changed
    sectors outlined, ``selected`` highlighted in both; or (``one_map``) B's map alone with
    the changed sectors hatched (an SVG pattern over the lead's colour).

    Leaflet and the plugin load from ``/app/static/leaflet/`` (the app's static folder);
    nothing is fetched from anywhere else. Every name is HTML-escaped. The maps are on the
    document's ``window.compareMaps`` (for tests); the view is kept in the tab's
    ``sessionStorage`` per scenario and phase, so a redrawn document (another sector
    selected) opens where the planner left it; the first one fits the territory.
    """
    data = map_data(env, a, b, c, phase, one_map=one_map, selected=selected)
    panes = "".join(
        f'<div class="col"><div class="title" title="{html.escape(p["title"])}">'
        f'{html.escape(p["title"])}</div><div class="map" id="map{i}"></div></div>'
        for i, p in enumerate(data["panes"]))
    legend = " ".join(
        f'<span class="sw" style="background:{x["colour"]}"></span>{html.escape(x["code"])} '
        f'({html.escape(x["name"])})' for x in data["legend"])
    legend += (f' <span class="sw" style="background:{NO_LEAD}"></span>no lead'
               f' <span class="sw out" style="border-color:{CHANGED_OUTLINE}"></span>changed'
               f' <span class="sw out" style="border-color:{SELECTED_OUTLINE}"></span>selected')
    if one_map:
        legend += ' <span class="sw hatch"></span>changed (hatched)'
    return (_TEMPLATE.replace("__STATIC__", STATIC).replace("__SYNC__", SYNC_JS)
            .replace("__HEIGHT__", str(int(height))).replace("__PANES__", panes)
            .replace("__LEGEND__", legend).replace("__DATA__", _script_json(data)))


_TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="__STATIC__/leaflet.css">
<script src="__STATIC__/leaflet.js"></script>
<script src="__SYNC__"></script>
<style>
html, body { margin: 0; padding: 0; font-family: "Source Sans Pro", sans-serif; font-size: 13px; }
.row { display: flex; gap: 10px; }
.col { flex: 1; min-width: 0; }
.title { font-weight: 600; margin: 0 0 4px 0; white-space: nowrap; overflow: hidden;
         text-overflow: ellipsis; }
.map { height: __HEIGHT__px; border: 1px solid #bbb; background: #eef3f7; }
.legend { margin-top: 6px; line-height: 20px; }
.sw { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 10px;
      vertical-align: middle; border: 1px solid #555; }
.sw.out { background: #fff; border-width: 3px; width: 8px; height: 8px; }
.sw.hatch { background: repeating-linear-gradient(45deg, #999 0 3px, #222 3px 5px); }
</style></head><body>
<div class="row">__PANES__</div>
<div class="legend">__LEGEND__</div>
<script>
(function () {
  var D = __DATA__;
  var S = D.styles;
  var NS = "http://www.w3.org/2000/svg";
  function collection(items) {
    return {type: "FeatureCollection", features: items.map(function (p) {
      return {type: "Feature", properties: p, geometry: D.shapes[p.shape]}; })};
  }
  function addHatches(map) {
    var svg = map.getPanes().overlayPane.querySelector("svg");
    if (!svg || !D.hatches.length) return;
    var defs = document.createElementNS(NS, "defs");
    D.hatches.forEach(function (h) {
      var p = document.createElementNS(NS, "pattern");
      p.setAttribute("id", h.id);
      p.setAttribute("patternUnits", "userSpaceOnUse");
      p.setAttribute("width", "8"); p.setAttribute("height", "8");
      p.setAttribute("patternTransform", "rotate(45)");
      var r = document.createElementNS(NS, "rect");
      r.setAttribute("width", "8"); r.setAttribute("height", "8");
      r.setAttribute("fill", h.colour);
      var l = document.createElementNS(NS, "line");
      l.setAttribute("x1", "0"); l.setAttribute("y1", "0");
      l.setAttribute("x2", "0"); l.setAttribute("y2", "8");
      l.setAttribute("stroke", S.hatch_stroke); l.setAttribute("stroke-width", "3");
      p.appendChild(r); p.appendChild(l); defs.appendChild(p);
    });
    svg.insertBefore(defs, svg.firstChild);
  }
  function style(p, hatch) {
    var selected = p.sector_id === D.selected;
    var fill = (hatch && p.hatch) ? "url(#" + p.hatch + ")" : p.colour;
    return {fillColor: fill, fillOpacity: (hatch && p.hatch) ? 0.9 : 0.7,
            color: selected ? S.selected : (p.changed ? S.changed : "#333333"),
            weight: selected ? 5 : (p.changed ? 3 : 1)};
  }
  var maps = [], chosen = [];
  D.panes.forEach(function (pane, i) {
    var map = L.map("map" + i, {zoomSnap: 0.25, attributionControl: false});
    map.fitBounds(D.bounds);
    L.geoJSON(D.territory, {interactive: false, style: {color: "#555555", weight: 1,
      fillColor: "#f5f1e6", fillOpacity: 0.6}}).addTo(map);
    if (pane.hatch) addHatches(map);
    if (D.held) L.geoJSON(D.held, {interactive: false, style: {color: "#7f7f7f", weight: 1,
      fillColor: "#7f7f7f", fillOpacity: 0.45, dashArray: "4"}}).addTo(map);
    L.geoJSON(collection(pane.sectors), {
      style: function (f) { return style(f.properties, pane.hatch); },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(f.properties.tip, {sticky: true});
        if (f.properties.sector_id === D.selected) chosen.push([map, layer]);
      }}).addTo(map);
    L.geoJSON(D.borders, {interactive: false, style: function (f) {
      var coast = f.properties && f.properties.kind === "coast";
      return {color: coast ? "#3182bd" : "#000000", weight: coast ? 3 : 2}; }}).addTo(map);
    L.control.scale({imperial: false}).addTo(map);
    maps.push(map);
  });
  var key = "planner-compare-view|" + D.view_key, saved = null;
  try { saved = JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (e) {}
  if (saved) maps[0].setView(saved.center, saved.zoom, {animate: false});
  if (maps.length === 2) { maps[0].sync(maps[1]); maps[1].sync(maps[0]); }
  chosen.forEach(function (ml) {
    ml[1].bringToFront();
    if (!ml[0].getBounds().intersects(ml[1].getBounds()))
      ml[0].panTo(ml[1].getBounds().getCenter(), {animate: false});
  });
  maps[0].on("moveend", function () {
    var c = maps[0].getCenter();
    try { window.sessionStorage.setItem(key, JSON.stringify(
      {center: [c.lat, c.lng], zoom: maps[0].getZoom()})); } catch (e) {}
  });
  window.compareMaps = maps;
  window.compareSelected = D.selected;
})();
</script></body></html>
"""


# --- what-if variants ---------------------------------------------------------------------
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


__all__ = ["CHANGED_OUTLINE", "Chosen", "CompareState", "KINDS", "SideError", "Variant",
           "VariantOutcome", "change_rows", "compare_map_html", "comparison_of",
           "contingent_table", "default_choice", "explanation_lines", "initial", "kind_of",
           "kinds_available", "map_data", "requested", "resolve", "revision_options",
           "rule_rows", "save_variant", "saved_names", "sector_at", "side_of", "side_words",
           "solve_variant", "summary_lines", "swapped", "valid_choice", "variant_label",
           "variant_name", "variant_names", "variant_problems", "variant_settings",
           "variant_working", "violation_lines"]
