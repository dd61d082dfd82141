"""What the page's panels show: map clicks, violation lists and pages, the assignment table.

No Streamlit here; ``app.py`` renders these, and tests call them directly.
"""
from __future__ import annotations

import re
from pathlib import Path

from geo.errors import InputError
from planner.domain.plan import Plan
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


def phase_rows(plan: Plan, phase: int, sectors, codes, requirements) -> list[dict]:
    """One editable row per open sector of ``phase``: lead, troops of each contingent."""
    rows = []
    for s in sectors:
        a = plan.get(phase, s)
        row = {"sector": s, "required": requirements[(phase, s)].troops, "lead": a.lead or "",
               "locked": (phase, s) in plan.pins}
        row.update({c: int(a.troops.get(c, 0)) for c in codes})
        rows.append(row)
    return rows
