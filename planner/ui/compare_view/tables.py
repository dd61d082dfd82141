"""The Compare page: the change table, the contingents side by side, violations fixed and
introduced, in plain words.
"""
from __future__ import annotations

from typing import Iterable

from planner.ui.compare_view.sides import Chosen


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
