"""What the page's panels show: map clicks, violation lists and pages, the assignment table.

No Streamlit here; ``app.py`` renders these, and tests call them directly.
"""
from __future__ import annotations

import re
from pathlib import Path

from geo.errors import InputError
from planner.domain.plan import Plan
from planner.domain.roles import sector_need
from planner.files.planfile import read_plan

CLICK_OBJECTS = ["last_object_clicked", "last_object_clicked_tooltip", "last_active_drawing"]


def clicked_sector(map_state, open_sectors) -> str | None:
    """The open sector last clicked on the map, or None.

    ``map_state`` is what ``st_folium`` returns. A click on a GeoJSON path fills
    ``last_object_clicked_tooltip`` (the sector tooltip names its id); some builds also give
    the clicked feature in ``last_active_drawing``. A click elsewhere (territory, crossing,
    background) names no open sector and gives None.
    """
    state = map_state or {}
    open_ = set(open_sectors)
    feature = state.get("last_active_drawing") or {}
    sector = (feature.get("properties") or {}).get("sector_id")
    if sector in open_:
        return sector
    words = re.findall(r"[^\s:;,]+", state.get("last_object_clicked_tooltip") or "")
    return next((w for w in words if w in open_), None)


def violation_groups(report, phase: int) -> dict[str, list]:
    """The phase's violations (and phase-less ones) by severity, hard first."""
    groups = {"hard": [], "soft": []}
    for v in report.violations:
        if v.phase in (None, phase):
            groups[v.severity].append(v)
    return groups


VIOLATIONS_PER_PAGE = 25
TABLE_ROWS_PER_PAGE = 100


def page_of(items: list, page: int, per_page: int):
    """One page of a long list (violations, table rows), and the number of pages (>= 1).

    A plan far from done can break thousands of conditions, and a phase can hold a thousand
    sectors; a page keeps the browser readable and fast. ``page`` counts from 1 and is
    clamped to the pages there are.
    """
    pages = max(1, -(-len(items) // per_page))
    page = min(max(1, int(page)), pages)
    return items[(page - 1) * per_page: page * per_page], pages


def violation_summary(items: list) -> list[tuple[str, str, int]]:
    """``(rule id, rule kind, count)`` for the violations, most frequent first."""
    counts: dict[tuple[str, str], int] = {}
    for v in items:
        counts[v.rule_id, v.kind] = counts.get((v.rule_id, v.kind), 0) + 1
    return sorted(((r, k, n) for (r, k), n in counts.items()), key=lambda x: (-x[2], x[0]))


def starting_plan(scenario, table) -> Plan:
    """The scenario's ``example-plan.geojson`` when it ships one, else an empty plan."""
    path = Path(scenario.root) / "example-plan.geojson"
    if not path.is_file():
        return Plan({})
    try:
        return read_plan(path, table, [c.code for c in scenario.contingents])
    except InputError:
        return Plan({})


def phase_rows(plan: Plan, phase: int, sectors, codes, requirements,
               contingents=None) -> list[dict]:
    """One editable row per open sector of ``phase``: troops required (as the plan holds
    the sector: observers alone need fewer, when ``contingents`` in play are given), lead,
    troops of each contingent."""
    rows = []
    for s in sectors:
        a = plan.get(phase, s)
        need = sector_need(requirements[(phase, s)], a, contingents or {})
        row = {"sector": s, "required": need, "lead": a.lead or "",
               "locked": (phase, s) in plan.pins}
        row.update({c: int(a.troops.get(c, 0)) for c in codes})
        rows.append(row)
    return rows


def lock_rows(plan: Plan, phase: int, sectors, report) -> dict[str, dict]:
    """``{sector: {"status": "2 hard, 1 soft" | "ok", "locked": bool}}`` for the table."""
    from planner.ui.mapview import status_words, violation_counts
    counts = violation_counts(report)
    return {s: {"status": status_words(*counts.get((phase, s), (0, 0))),
                "locked": (phase, s) in plan.pins} for s in sectors}


def force_rows(view, phase: int) -> list[dict]:
    """The force at a glance in ``phase``: per contingent of the scenario, its role, troops
    offered (with what-if figures), deployed and left, its share of the force's troops, the
    sectors it leads, whether it is in the force and may deploy in this phase, and its tasks.
    Units that hold no ground count as deployed with their troops in the force
    (:meth:`~planner.ui.view.View.nation_troops`)."""
    plan, scenario = view.plan, view.scenario
    force = {c.code: c for c in view.force}
    deployed = view.nation_troops(phase)
    total = sum(deployed.values())
    led: dict[str, int] = {}
    for s in view.open_in(phase):
        lead = plan.get(phase, s).lead
        if lead:
            led[lead] = led.get(lead, 0) + 1
    rows = []
    for c in scenario.contingents:
        offered = force[c.code].troops if c.code in force else 0
        used = deployed.get(c.code, 0)
        rows.append({"contingent": c.code, "name": c.name, "role": c.role,
                     "in force": c.code in force, "available": _available(c, phase),
                     "offered": offered, "deployed": used, "left": offered - used,
                     "share": round(used / total, 3) if total else 0.0,
                     "sectors led": led.get(c.code, 0), "tasks": ", ".join(sorted(c.tasks))})
    return rows


def _available(contingent, phase: int) -> bool:
    until = getattr(contingent, "available_until", None)
    return contingent.available_from <= phase and (until is None or phase <= until)


def phase_totals(view, phase: int) -> dict:
    """Troops required against troops deployed and offered in ``phase`` (the force's):
    each sector's need as the plan holds it (observers alone need the mandate's
    ``observer_troops``), the force's troops (``off_ground``: those of the units that hold
    no ground, in no sector) and the troops the contingents available then offer."""
    force = {c.code: c for c in view.force}
    required = sum(sector_need(view.requirements[(phase, s)], view.plan.get(phase, s), force)
                   for s in view.open_in(phase))
    deployed = sum(view.nation_troops(phase).values())
    offered = sum(c.troops for c in view.force if _available(c, phase))
    return {"phase": phase, "sectors": len(view.open_in(phase)), "required": required,
            "deployed": deployed, "off_ground": sum(view.off_ground(phase).values()),
            "offered": offered}


def optimizer_words(result, mandate_label: str, seconds_allowed: float, *,
                    best_effort: bool = False) -> str:
    """The optimizer's answer in plain words for a staff planner (no solver jargon)."""
    tiers = "; ".join(f"{name} {value:,}" for name, value in result.penalties.items())
    took = f"{result.seconds:.1f} s"
    broken = len(result.report.hard) if result.report is not None else 0
    if best_effort and result.plan is not None and broken:
        proven = "; as few as possible (proven)" if result.status == "OPTIMAL" else \
            f"; the fewest found within the {seconds_allowed:g} s allowed"
        return (f"A least-bad plan under {mandate_label}: no plan keeps every hard rule, and "
                f"this one breaks {broken:,} hard condition{'s' * (broken != 1)}{proven} "
                f"({took}). Its hard violations are listed below once it is applied.")
    if result.status == "OPTIMAL":
        return (f"A plan that breaks no hard rule under {mandate_label}: the best possible, "
                f"proven ({took}). "
                + (f"It scores, in order of priority: {tiers}." if tiers else ""))
    if result.status == "FEASIBLE" and result.plan is not None:
        return (f"A plan that breaks no hard rule under {mandate_label}; not proven the best "
                f"within the {seconds_allowed:g} s allowed. " +
                (f"It scores, in order of priority: {tiers}." if tiers else ""))
    if result.status == "INFEASIBLE":
        when = took if result.explanation is None or result.explanation.solved else \
            "found before solving"
        return f"No plan can keep every hard rule under {mandate_label} ({when}). Why:"
    return (f"No plan was found within the {seconds_allowed:g} s allowed (the solver "
            "ran out of time, which does not mean none exists).")


def later_leads_to_carry(plan: Plan, open_by_phase: dict[int, list[str]], phase: int,
                         sector: str) -> list[int]:
    """Later phases where ``sector`` is still open and has a lead other than its lead in
    ``phase`` (an edit offers to carry the lead into them)."""
    lead = plan.get(phase, sector).lead
    if lead is None:
        return []
    return [p for p, open_ in sorted(open_by_phase.items())
            if p > phase and sector in open_ and plan.get(p, sector).lead != lead]


def recut_losses(plan: Plan, sectors_of_phase: list[str]) -> dict:
    """What re-cutting a phase clears: its sectors and, over every phase, their assignments
    and locks."""
    gone = set(sectors_of_phase)
    rows = [k for k, a in plan.assignments.items() if k[1] in gone and (a.lead or a.troops)]
    locks = [k for k in plan.pins if k[1] in gone]
    return {"sectors": sorted(gone), "assignments": len(rows), "locks": len(locks)}


LEGEND = [
    ("outline", "#d62728", "a hard rule is broken in this sector"),
    ("outline-dashed", "#333333", "locked: the optimizer keeps it"),
    ("outline", "#111111", "thick: the selected sector (red when it breaks a hard rule)"),
    ("outline-dashed", "#6a3d9a", "context zones"),
    ("outline", "#2b8cbe", "vacated increments (switch them on in the layer button)"),
    ("dot", "#ffd92f", "crossing"),
    ("dot", "#ffffff", "place (town, city)"),
    ("line", "#000000", "land border"),
    ("line", "#3182bd", "coast"),
]


def _present(scenario) -> set[str]:
    """The words of the :data:`LEGEND` entries whose symbols the scenario's map has."""
    layers = scenario.layers
    borders = set(layers.borders["kind"].astype(str).str.strip())
    crossings = len(layers.crossings)
    shown = {words for _, _, words in LEGEND[:3]} | {LEGEND[4][2]}  # sectors, increments
    if layers.zones is not None and not layers.zones.empty:
        shown.add("context zones")
    if "land" in borders:
        shown.add("land border")
    if "coast" in borders:
        shown.add("coast")
    if crossings:
        shown.add("crossing")
    if len(layers.places) > crossings:
        shown.add("place (town, city)")
    return shown


def legend_items(scenario, phase: int) -> list[tuple[str, str, str]]:
    """Every symbol of the map at ``phase`` but the lead colours, as (kind, colour, words):
    the :data:`LEGEND` entries whose symbols the scenario has (no coast, crossings or
    context zones where it has none), with who holds ground besides the force (the army or
    each party, each authority holding ground then) and each named line before the context
    symbols. A named line's kind is ``"dash <pattern>"``: its dash in line widths
    (:func:`planner.domain.holdings.line_styles`)."""
    from planner.ui.mapview import holdings_legend
    present = _present(scenario)
    keep = lambda items: [item for item in items if item[2] in present]
    return keep(LEGEND[:4]) + holdings_legend(scenario, phase) + keep(LEGEND[4:])


def explanation_words(explanation, rule_kinds: dict[str, str]) -> list[str]:
    """Why no plan exists, in paragraphs: the rules that cannot all hold (by name, with the
    phases they are bound in), then the figures behind them."""
    out = []
    for reason in explanation.reasons:
        names: dict[str, list[str]] = {}
        for item in reason.rules:
            rule, _, phase = item.partition("@")
            names.setdefault(rule, [])
            if phase:
                names[rule].append(phase)
        listed = "; ".join(
            f"{rule} ({rule_kinds.get(rule, 'rule').replace('_', ' ')})"
            + (f" in phase{'s' * (len(p) > 1)} {', '.join(p)}" if p else "")
            for rule, p in names.items())
        out.append(f"These rules cannot all hold together: {listed}.")
        out += list(reason.sentences)
    return out
