"""The legend of a phase map: lead nations in the app's colours, then the map's symbols."""
from __future__ import annotations

from collections import Counter

from planner.briefing import maps
from planner.briefing.blocks import count
from planner.ui.mapview import HARD_OUTLINE, NO_LEAD, legend_entries


def entry(swatch: str, colour: str, label: str) -> dict:
    """One legend line: ``swatch`` is fill, outline, hatch, line, dash or point."""
    return {"swatch": swatch, "colour": colour, "label": label}


def map_legend(scenario, plan, phase: int, table, report=None) -> list[dict]:
    """Lead nations on the map (with their sector counts), then the symbols the map uses."""
    open_ = table.open_in(phase)
    leads = Counter(plan.get(phase, s).lead for s in open_)
    out = [entry("fill", colour, f"{code} {name}: leads {count(leads[code], 'sector')}")
           for code, name, colour in legend_entries(scenario, [c for c in leads if c])]
    if leads.get(None):
        out.append(entry("fill", NO_LEAD, f"no lead: {count(leads[None], 'sector')}"))
    out += [entry("fill", maps.HELD, f"held area in phase {phase}"),
            entry("dash", maps.INCREMENT, "increments vacated so far")]
    if report is not None and report.hard_keys() & {(phase, s) for s in open_}:
        out.append(entry("outline", HARD_OUTLINE, "sector breaking a hard rule"))
    if any((phase, s) in plan.pins for s in open_):
        out.append(entry("hatch", "#000000", "locked sector"))
    borders = set(scenario.layers.borders["kind"].astype(str))
    if "land" in borders:
        out.append(entry("line", maps.LAND_BORDER, "land border"))
    if "coast" in borders:
        out.append(entry("line", maps.COAST, "coast"))
    kinds = scenario.layers.places["kind"].astype(str)
    if (kinds == "crossing").any():
        out.append(entry("point", maps.CROSSING, "crossing"))
    if (kinds != "crossing").any():
        out.append(entry("point", maps.PLACE, "place"))
    return out
