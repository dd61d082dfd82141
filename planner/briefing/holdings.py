"""Who holds what at each phase, as the briefing shows it.

Every holder of ground (:meth:`geo.zones.PhaseZones.holdings`: each withdrawing party, the
force, each authority the force hands ground over to) keeps one colour on every map of a
briefing; this module gives those colours, the "Who holds what" tables and the lines a
phase's page says about handovers and steady states.
"""
from __future__ import annotations

from geo.zones import ARMY
from planner.domain import holdings as holder_colours
from planner.domain.holdings import HELD_COLOUR, lighter
from planner.briefing.blocks import heading, paragraph, section, table

HELD = HELD_COLOUR  # held ground of the one army (a held layer that names no party)
KIND_WORDS = {"party": "withdrawing party", "force": "force (its sectors)",
              "authority": "authority (handed over)"}
LISTED = 12  # sector ids named in one line before "and N more"


def authority_colours(scenario) -> dict[str, str]:
    """A muted fill for each authority: a lighter shade of its colour on the app's map
    (:func:`planner.domain.holdings.authority_colours`), hatched in a darker one."""
    return {n: lighter(c) for n, c in holder_colours.authority_colours(scenario).items()}


def party_colours(scenario) -> dict[str, str]:
    """Each party's colour on the app's map (:func:`planner.domain.holdings.party_colours`)
    and ``HELD`` grey for held ground it names no party of (:data:`geo.zones.ARMY`)."""
    return {ARMY: HELD, **holder_colours.party_colours(scenario)}


def hatch_colour(fill: str, darker: float = 0.55) -> str:
    """``fill`` (``#rrggbb``) darkened to ``darker`` of each channel: its hatch's ink."""
    return "#" + "".join(f"{int(int(fill[i:i + 2], 16) * darker):02x}" for i in (1, 3, 5))


def holder_name(holder: str, kind: str) -> str:
    """How a holder is named in the briefing: a party or authority by its name, the force
    as "The force", a party the held layer does not name as "Army"."""
    if kind == "force":
        return "The force"
    return "Army" if kind == "party" and holder == ARMY else holder


def holdings_rows(scenario, phase: int) -> tuple[list[list[str]], list[str]]:
    """One row per holder at ``phase`` (name, kind, km², share of the territory) and a
    total row for the territory; the row tones."""
    frame = scenario.zones.holdings_frame
    here = frame[frame["phase"] == phase]
    land_km2 = scenario.zones.land.area / 1e6
    rows = [[holder_name(h, k), KIND_WORDS[k], f"{km2:,.1f}", f"{km2 / land_km2:.1%}"]
            for h, k, km2 in zip(here["holder"], here["kind"], here["km2"])]
    rows.append(["Territory", "", f"{land_km2:,.1f}", "100.0%"])
    return rows, [""] * (len(rows) - 1) + ["total"]


def holdings_section(scenario) -> dict:
    """The "Who holds what" section: a table per phase."""
    blocks = [paragraph("Who holds the ground at each phase: each withdrawing party (the area "
                        "it still holds), the force (the ground vacated and not handed over: "
                        "its sectors) and each authority ground has been handed over to; "
                        "area in km² and share of the territory.")]
    for p in scenario.phases:
        rows, tones = holdings_rows(scenario, p.phase)
        blocks += [heading(p.label), table(["Holder", "Kind", "Area km²", "Share"], rows,
                                           align="llrr", widths=[3, 2.4, 1, 1], tones=tones)]
    return section("Who holds what", blocks)


def handed_over_in(table, phase: int) -> dict[str, list[str]]:
    """The sectors handed over at ``phase``, by authority (sorted by name)."""
    out: dict[str, list[str]] = {}
    for sid, info in table.info.items():
        if info.handed_over == phase:
            out.setdefault(info.authority, []).append(sid)
    return dict(sorted(out.items()))


def is_steady_state(scenario, table, phase: int) -> bool:
    """Whether ``phase`` gives the force no new ground (the army stays put, or all it leaves
    is handed over at once): nothing opened, no sector opening in it."""
    return (scenario.zones.opened[phase].is_empty
            and not any(i.phase == phase for i in table.info.values()))


def holding_facts(scenario, table, phase: int) -> list[str]:
    """What a phase's page says about who holds what: a steady state, and each authority's
    sectors handed over in the phase (``P1-S03 handed over to Civil Administration.``)."""
    lines = []
    if is_steady_state(scenario, table, phase):
        lines.append(f"{scenario.phase_label(phase)} opens no new ground to the force: a "
                     "steady state; the sectors already open carry on.")
    for authority, ids in handed_over_in(table, phase).items():
        shown = ", ".join(ids[:LISTED]) + (f" and {len(ids) - LISTED:,} more"
                                           if len(ids) > LISTED else "")
        lines.append(f"{shown} handed over to {authority}.")
    return lines
