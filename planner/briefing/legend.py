"""The legend of a phase map: lead nations in the app's colours, then who holds the rest
of the ground, then the map's symbols (only those on the map)."""
from __future__ import annotations

from collections import Counter

from geo.zones import ARMY
from planner.briefing import ground, maps
from planner.briefing.blocks import count
from planner.briefing.holdings import authority_colours, hatch_colour, party_colours
from planner.domain.holdings import line_styles
from planner.ui.mapview import HARD_OUTLINE, NO_LEAD, legend_entries


def entry(swatch: str, colour: str, label: str, ink: str = "") -> dict:
    """One legend line: ``swatch`` is fill, outline, hatch, handover (``colour`` hatched in
    ``ink``), line, dash or point."""
    out = {"swatch": swatch, "colour": colour, "label": label}
    return {**out, "ink": ink} if ink else out


def holder_entries(scenario, phase: int) -> list[dict]:
    """The ground held at ``phase`` (one grey, or each party's tone) and each authority's
    ground handed over by then: only the holders on the map."""
    zones = scenario.zones
    held = zones.held_by_party[phase]
    colours = party_colours(scenario)
    out = [entry("fill", ground.held_as_drawn(colours[n]),
                 f"held area in phase {phase}" if n == ARMY else
                 f"held by {n} in phase {phase}") for n in colours if n in held]
    colours = authority_colours(scenario)
    out += [entry("handover", colours[n], f"handed over to {n}", hatch_colour(colours[n]))
            for n in colours if n in zones.handed[phase]]
    return out


def line_entries(scenario) -> list[dict]:
    """Each named agreed line, in the layer's order, in its colour and ``dash`` (line widths,
    :func:`planner.domain.holdings.line_styles`)."""
    return [{**entry("dash", look.colour, f"{n} (agreed line)"), "dash": look.dash}
            for n, look in line_styles(scenario).items()]


def map_legend(scenario, plan, phase: int, table, report=None) -> list[dict]:
    """Lead nations on the map (with their sector counts), then the symbols the map uses."""
    open_ = table.open_in(phase)
    leads = Counter(plan.get(phase, s).lead for s in open_)
    out = [entry("fill", colour, f"{code} {name}: leads {count(leads[code], 'sector')}")
           for code, name, colour in legend_entries(scenario, [c for c in leads if c])]
    if leads.get(None):
        out.append(entry("fill", NO_LEAD, f"no lead: {count(leads[None], 'sector')}"))
    out += holder_entries(scenario, phase)
    out.append(entry("dash", maps.INCREMENT, "increments vacated so far"))
    out += line_entries(scenario)
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
