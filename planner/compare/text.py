"""A comparison as text that reads well in a terminal and in a CI log."""
from __future__ import annotations

from itertools import groupby

from planner.compare.comparison import Comparison


def _lead(code) -> str:
    return code or "(none)"


def _troops(troops) -> str:
    return ", ".join(f"{n} {t:,}" for n, t in troops.items()) or "no troops"


def _pin(pin) -> str:
    if pin is None:
        return "unlocked"
    return f"locked (lead {_lead(pin.lead)}" + ("" if pin.troops is None else
                                                 f"; {_troops(pin.troops)}") + ")"


def _phase_changes(c: Comparison, phase: int) -> list[str]:
    d = c.diff.only([phase])
    lines = []
    if d.lead_changes:
        lines += [f"  Leads changed ({len(d.lead_changes)}):"]
        lines += [f"    {x.sector_id:<12} {_lead(x.before)} -> {_lead(x.after)}"
                  for x in d.lead_changes]
    if d.troop_changes:
        by_sector = [(s, list(g)) for s, g in groupby(d.troop_changes, key=lambda x: x.sector_id)]
        lines += [f"  Troops changed ({len(by_sector)} sector{'s' * (len(by_sector) != 1)}):"]
        lines += [f"    {s:<12} " + "; ".join(f"{x.nation} {x.before:,} -> {x.after:,}" for x in g)
                  for s, g in by_sector]
    for title, entries in (("Sectors added", d.sectors_added),
                           ("Sectors removed", d.sectors_removed)):
        if entries:
            lines += [f"  {title} ({len(entries)}):"]
            lines += [f"    {e.sector_id:<12} lead {_lead(e.lead)}; {_troops(e.troops)}"
                      for e in entries]
    if d.pin_changes:
        lines += [f"  Locks changed ({len(d.pin_changes)}):"]
        lines += [f"    {x.sector_id:<12} {_pin(x.before)} -> {_pin(x.after)}"
                  for x in d.pin_changes]
    return lines


def _contingents(c: Comparison, phase: int) -> list[str]:
    rows = [r for r in c.contingents if r.phase == phase]
    if not rows:
        return []
    entered = [r.nation for r in rows if r.status == "entered"]
    left = [r.nation for r in rows if r.status == "left"]
    moves = "; ".join(x for x in (f"entered {', '.join(entered)}" if entered else "",
                                  f"left {', '.join(left)}" if left else "") if x)
    lines = [f"  Contingents{': ' + moves if moves else ''}",
             f"    {'nation':<8} {'troops A':>9} {'troops B':>9} {'change':>8} "
             f"{'share A':>8} {'share B':>8} {'led A':>6} {'led B':>6}"]
    for r in rows:
        change = r.b.troops - r.a.troops
        lines.append(f"    {r.nation:<8} {r.a.troops:>9,} {r.b.troops:>9,} "
                     f"{change:>+8,} {r.a.share:>8.1%} {r.b.share:>8.1%} "
                     f"{r.a.sectors_led:>6} {r.b.sectors_led:>6}")
    return lines


def _where(v) -> str:
    return " ".join(x for x in (f"phase {v.phase}" if v.phase is not None else "",
                                v.sector or "", v.nation or "") if x)


def _violations(c: Comparison) -> list[str]:
    fixed, introduced = c.violations_fixed, c.violations_introduced
    lines = [f"Violations: {len(fixed)} fixed, {len(introduced)} introduced "
             f"(A: {c.a.hard} hard, {c.a.soft} soft; B: {c.b.hard} hard, {c.b.soft} soft)"]
    for word, group in (("fixed", fixed), ("introduced", introduced)):
        lines += [f"  {word:<10}  {v.severity.upper():<4}  {v.rule_id:<14} {_where(v):<24} "
                  f"{v.message}" for v in group]
    changed = [r for r in c.rules if r.fixed or r.introduced]
    if changed:
        lines += [f"  {'by rule':<16} {'A':>5} {'B':>5} {'fixed':>6} {'introduced':>11}"]
        lines += [f"    {r.rule_id:<14} {r.a:>5} {r.b:>5} {r.fixed:>6} {r.introduced:>11}"
                  for r in changed]
    return lines


def _side(side) -> str:
    what_if = side.settings_text()
    return side.label + (f" ({what_if})" if what_if else "")


def comparison_text(c: Comparison) -> str:
    """Per phase the changes and the contingents side by side, then violations fixed and
    introduced, the soft penalties, the change measure and a one-line verdict."""
    mandates = c.a.mandate_label if c.a.mandate == c.b.mandate else \
        f"{c.a.mandate_label} (A), {c.b.mandate_label} (B)"
    lines = [f"Comparing plans of {c.scenario} under {mandates}:",
             f"  A: {_side(c.a)}", f"  B: {_side(c.b)}"]
    for p in c.phases:
        changes = _phase_changes(c, p)
        lines += ["", f"Phase {p}" + ("" if changes else ": no change")]
        if changes:
            lines += changes + _contingents(c, p)
    lines += [""] + _violations(c)
    delta = c.b.soft_penalty - c.a.soft_penalty
    m = c.change
    lines += [f"Soft penalty: A {c.a.soft_penalty:,.1f}, B {c.b.soft_penalty:,.1f} ({delta:+,.1f})",
              f"Change measure (A -> B): {m.leads_changed} leads changed + {m.units_moved:,} "
              f"troop units {m.units_words()} moved = {m.total:,}", "", _verdict(c)]
    return "\n".join(lines)


def _verdict(c: Comparison) -> str:
    if c.same:
        return "SAME: the plans do not differ."
    d = c.diff
    counts = [(d.lead_changes, "lead change", "lead changes"),
              (d.troop_changes, "troop change", "troop changes"),
              (d.sectors_added, "sector added", "sectors added"),
              (d.sectors_removed, "sector removed", "sectors removed"),
              (d.pin_changes, "lock change", "lock changes")]
    said = ", ".join(f"{len(x)} {one if len(x) == 1 else many}" for x, one, many in counts if x)
    phases = d.phases()
    return f"DIFFERENT: {said} (phase{'s' * (len(phases) != 1)} {', '.join(map(str, phases))})."
