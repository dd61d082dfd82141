"""What changed from another plan (``--compare``): ``planner diff``'s tables and a map.

The comparison itself is :func:`planner.compare.compare` (plan A = the other plan, plan B =
the plan briefed); this module only lays it out.
"""
from __future__ import annotations

from itertools import groupby

from planner.briefing import maps
from planner.briefing.blocks import (count, heading, paragraph, section, table, troops_text)
from planner.briefing.legend import entry

# Change kinds, strongest first: a sector's colour on the map of changes.
CHANGE_COLOURS = {"lead": "#d6604d", "troops": "#f4a582", "sector": "#b2abd2",
                  "lock": "#92c5de", "none": "#f0f0f0"}
CHANGE_WORDS = {"lead": "lead changed", "troops": "troops changed (same lead)",
                "sector": "sector added or removed", "lock": "lock set or lifted",
                "none": "unchanged"}


def change_kinds(comparison) -> dict[str, str]:
    """The strongest change of each sector over all phases (``lead`` > ``troops`` >
    ``sector`` > ``lock``)."""
    d = comparison.diff
    out: dict[str, str] = {}
    for kind, group in (("lock", d.pin_changes), ("sector", d.sectors_added + d.sectors_removed),
                        ("troops", d.troop_changes), ("lead", d.lead_changes)):
        out.update({c.sector_id: kind for c in group})
    return out


def _lead(code) -> str:
    return code or "(none)"


def _pin(pin) -> str:
    if pin is None:
        return "unlocked"
    return "locked" + (f" ({troops_text(pin.troops)})" if pin.troops else "")


def phase_tables(comparison, phase: int) -> list[dict]:
    """Leads, troops, sectors and locks changed in ``phase``, then the contingents."""
    d = comparison.diff.only([phase])
    blocks = []
    if d.lead_changes:
        blocks.append(table(["Sector", "Lead before", "Lead now"],
                            [[c.sector_id, _lead(c.before), _lead(c.after)]
                             for c in d.lead_changes], align="lll", widths=[1, 1, 1],
                            caption=f"Leads changed: {len(d.lead_changes):,}"))
    if d.troop_changes:
        rows = [[s, "; ".join(f"{c.nation} {c.before:,} → {c.after:,}" for c in group)]
                for s, group in groupby(d.troop_changes, key=lambda c: c.sector_id)]
        blocks.append(table(["Sector", "Troops: before → now"], rows, align="ll", widths=[1, 4],
                            caption=f"Troops changed: {count(len(rows), 'sector')}"))
    for title, entries in (("Sectors added", d.sectors_added),
                           ("Sectors removed", d.sectors_removed)):
        if entries:
            blocks.append(table(["Sector", "Lead", "Troops"],
                                [[e.sector_id, _lead(e.lead), troops_text(e.troops)]
                                 for e in entries], align="lll", widths=[1, 1, 3],
                                caption=f"{title}: {len(entries):,}"))
    if d.pin_changes:
        blocks.append(table(["Sector", "Before", "Now"],
                            [[c.sector_id, _pin(c.before), _pin(c.after)] for c in d.pin_changes],
                            align="lll", widths=[1, 2, 2],
                            caption=f"Locks changed: {len(d.pin_changes):,}"))
    return blocks + contingent_table(comparison, phase)


def contingent_table(comparison, phase: int) -> list[dict]:
    rows = [r for r in comparison.contingents if r.phase == phase]
    if not rows:
        return []
    return [table(["Contingent", "Troops before", "Troops now", "Change", "Share before",
                   "Share now", "Led before", "Led now", "Status"],
                  [[r.nation, f"{r.a.troops:,}", f"{r.b.troops:,}",
                    f"{r.b.troops - r.a.troops:+,}", f"{r.a.share:.1%}", f"{r.b.share:.1%}",
                    f"{r.a.sectors_led:,}", f"{r.b.sectors_led:,}", r.status] for r in rows],
                  align="lrrrrrrrl", widths=[1, 1, 1, 0.9, 0.9, 0.9, 0.8, 0.8, 0.9],
                  caption="Contingents")]


def violation_tables(comparison) -> list[dict]:
    c = comparison
    blocks = [paragraph(f"Violations: {len(c.violations_fixed):,} fixed, "
                        f"{len(c.violations_introduced):,} introduced (before: {c.a.hard:,} "
                        f"hard, {c.a.soft:,} soft; now: {c.b.hard:,} hard, {c.b.soft:,} soft). "
                        f"Soft penalty before {c.a.soft_penalty:,.1f}, now "
                        f"{c.b.soft_penalty:,.1f}.")]
    rows = [[word, v.severity, v.rule_id, "" if v.phase is None else str(v.phase),
             v.sector or "", v.nation or "", v.message]
            for word, group in (("fixed", c.violations_fixed),
                                ("introduced", c.violations_introduced)) for v in group]
    if rows:
        blocks.append(table(["Change", "Severity", "Rule", "Phase", "Sector", "Nation",
                             "What"], rows, align="lllrlll",
                            widths=[0.9, 0.7, 1.2, 0.5, 1.0, 0.7, 5.0],
                            tones=["" if r[0] == "fixed" else r[1] for r in rows]))
    changed = [r for r in c.rules if r.fixed or r.introduced]
    if changed:
        blocks.append(table(["Rule", "Severity", "Before", "Now", "Fixed", "Introduced"],
                            [[r.rule_id, r.severity, f"{r.a:,}", f"{r.b:,}", f"{r.fixed:,}",
                              f"{r.introduced:,}"] for r in changed], align="llrrrr",
                            widths=[1.5, 1, 1, 1, 1, 1], caption="By rule"))
    return blocks


def summary(comparison, other_name: str) -> str:
    d, m = comparison.diff, comparison.change
    a, b = comparison.a, comparison.b
    under = "" if a.mandate == b.mandate else (
        f" {other_name} was made under {a.mandate_label} and is checked under it; this plan "
        f"under {b.mandate_label}.")
    if comparison.same:
        return f"This plan is the same as {other_name}.{under}"
    said = ", ".join(count(len(x), one) for x, one in (
        (d.lead_changes, "lead change"), (d.troop_changes, "troop change"),
        (d.sectors_added, "sector added"), (d.sectors_removed, "sector removed"),
        (d.pin_changes, "lock change")) if x)
    return (f"From {other_name} to this plan: {said} in phase"
            f"{'s' * (len(d.phases()) != 1)} {', '.join(map(str, d.phases()))}. Change measure "
            f"(what the optimizer minimises with --from): {m.leads_changed:,} leads changed + "
            f"{m.units_moved:,} troop units {m.units_words()} moved = {m.total:,}.{under}")


def changes_map(subject, comparison, other_name: str) -> tuple[dict, bytes]:
    """The map page of changed sectors: each sector coloured by its strongest change."""
    from planner.briefing.content import map_layout
    from planner.domain.derive import scenario_increments
    scenario, table_ = subject.scenario, subject.table
    kinds = change_kinds(comparison)
    ids = table_.sectors["sector_id"].astype(str).tolist()
    tally = {k: sum(kinds.get(s, "none") == k for s in ids) for k in CHANGE_COLOURS}
    legend = [entry("fill", colour, f"{CHANGE_WORDS[k]}: {count(tally[k], 'sector')}")
              for k, colour in CHANGE_COLOURS.items() if tally[k]]
    layout, room = map_layout(scenario, len(legend))
    fig = maps.changes_figure(scenario, table_, {s: CHANGE_COLOURS[kinds.get(s, "none")]
                                                  for s in ids}, set(kinds),
                              increments=scenario_increments(scenario), box_in=room)
    width, height = fig.get_size_inches()
    doc = {"title": f"Map: changes from {other_name}", "kind": "map", "layout": layout,
           "image": "map-changes.svg", "width-in": round(float(width), 4),
           "height-in": round(float(height), 4), "legend": legend,
           "facts": [summary(comparison, other_name),
                     "Each sector takes the strongest change it has in any phase; changed "
                     "sectors are labelled."],
           "caption": f"{scenario.name}. Plan: {subject.plan_label}, against {other_name}, "
                      f"{subject.when_text}. {scenario.disclaimer.strip()}"}
    return doc, maps.figure_svg(fig)


def compare_sections(subject, other_plan, other_name: str) -> tuple[list[dict], dict]:
    """The map of changes and the change tables, and the map's SVG by file name.

    ``other_plan`` is a plan (checked under the briefing's mandate) or a
    :class:`planner.compare.Side` (under what it says: the mandate it was made under)."""
    from dataclasses import replace

    from planner.compare import Side, compare
    other = replace(other_plan, label=other_name) if isinstance(other_plan, Side) \
        else Side(other_plan, other_name)
    comparison = compare(other, Side(subject.plan, subject.plan_label),
                         subject.scenario, subject.mandate, table=subject.table)
    map_doc, svg = changes_map(subject, comparison, other_name)
    blocks = [paragraph(summary(comparison, other_name))]
    for p in comparison.phases:
        changes = phase_tables(comparison, p) if comparison.diff.only([p]).phases() else []
        label = next((x.label for x in subject.scenario.phases if x.phase == p), f"Phase {p}")
        blocks += [heading(label + ("" if changes else ": no change")), *changes]
    blocks += [heading("Violations fixed and introduced"), *violation_tables(comparison)]
    return [map_doc, section(f"Changes from {other_name}", blocks)], {map_doc["image"]: svg}
