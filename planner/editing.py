"""Editing a plan in the app: history (undo/redo), map clicks, violation lists, exports.

No Streamlit here; ``app.py`` wires these to widgets, and tests call them directly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from geo.errors import InputError
from planner.plan import Plan
from planner.planfile import plan_csv, plan_geojson, read_plan

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class History:
    """Plans behind, the plan now, and plans undone (redo). Plans are immutable, so a step
    back costs nothing."""

    present: Plan
    past: tuple[Plan, ...] = ()
    future: tuple[Plan, ...] = ()

    def push(self, plan: Plan) -> "History":
        """A new edit: the present goes behind, redo is forgotten."""
        if plan == self.present:
            return self
        return History(plan, (self.past + (self.present,))[-HISTORY_LIMIT:], ())

    def undo(self) -> "History":
        if not self.past:
            return self
        return History(self.past[-1], self.past[:-1], (self.present,) + self.future)

    def redo(self) -> "History":
        if not self.future:
            return self
        return History(self.future[0], self.past + (self.present,), self.future[1:])


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


def edit_sector(plan: Plan, phase: int, sector: str, lead: str | None,
                troops: dict[str, int]) -> Plan:
    """The plan with one sector's lead and troops replaced in one phase."""
    if any(t < 0 for t in troops.values()):
        bad = {n: t for n, t in troops.items() if t < 0}
        raise ValueError(f"`troops` must be 0 or more; got {bad}")
    current = plan.get(phase, sector)
    return plan.with_assignment(replace(current, lead=lead or None, troops=troops))


def starting_plan(scenario, table) -> Plan:
    """The scenario's ``example-plan.geojson`` when it ships one, else an empty plan."""
    path = Path(scenario.root) / "example-plan.geojson"
    if not path.is_file():
        return Plan({})
    try:
        return read_plan(path, table, [c.code for c in scenario.contingents])
    except InputError:
        return Plan({})


def export_geojson(plan, table, report, requirements, mandate, codes) -> bytes:
    """The plan as RFC 7946 GeoJSON with per-sector status, for download."""
    return plan_geojson(plan, table, report=report, requirements=requirements,
                        mandate=mandate, nations=codes).encode("utf-8")


def export_csv(plan, table) -> bytes:
    """CSV assignments, for download."""
    return plan_csv(plan, table).encode("utf-8")
