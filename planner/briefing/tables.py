"""The briefing's tables: force by phase, sectors by phase, rule compliance, violations."""
from __future__ import annotations

from collections import Counter

from planner.briefing.blocks import (count, heading, paragraph, section, table, task_list,
                                     troops_text)
from planner.domain.roles import (force_troops, off_ground_troops, sector_need,
                                  vetoed_everywhere)
from planner.rules import REGISTRY


def _offered(contingent, phase: int, mandate, vetoes=()) -> tuple[int, str]:
    """Troops a contingent offers in ``phase`` under ``mandate``, and why none when none (a
    veto that bars it from every sector in the phase counts as none)."""
    barred = vetoed_everywhere(vetoes, contingent.code, phase)
    if barred is not None:
        return 0, f"0 (vetoed by {barred.by})"
    if not contingent.serves_in(phase):
        until = contingent.available_until
        when = f"from phase {contingent.available_from}" if contingent.available_from > phase \
            else f"until phase {until}"
        return 0, f"0 ({when})"
    if mandate.key not in contingent.mandates:
        return 0, f"0 (not under {mandate.label})"
    return contingent.troops, f"{contingent.troops:,}"


def force_rows(scenario, plan, phase: int, mandate) -> tuple[list[list[str]], list[str]]:
    """One row per contingent (offered, deployed, share, sectors led, tasks) and a total.
    Units that hold no ground (their role follows the name) count with their troops in the
    force (:func:`planner.domain.roles.force_troops`)."""
    off = off_ground_troops(scenario.contingents, scenario.vetoes, mandate.key, phase,
                            scenario.unit_of)
    deployed = force_troops(plan.troops_by_nation(phase), off)
    total = sum(deployed.values())
    led = Counter(a.lead for a in plan.phase(phase) if a.lead)
    rows, offered_sum = [], 0
    for c in scenario.contingents:
        offered, offered_text = _offered(c, phase, mandate, scenario.vetoes)
        offered_sum += offered
        troops = deployed.get(c.code, 0)
        role = "" if c.role == "ground" else f" ({c.role})"
        rows.append([f"{c.code} {c.name}{role}", offered_text, f"{troops:,}",
                     f"{troops / total:.1%}" if total else "-", f"{led[c.code]:,}",
                     task_list(c.tasks)])
    rows.append(["Total", f"{offered_sum:,}", f"{total:,}", "100.0%" if total else "-",
                 f"{sum(led.values()):,}", ""])
    return rows, [""] * (len(rows) - 1) + ["total"]


def force_section(scenario, plan, mandate) -> dict:
    blocks = [paragraph("Troops each contingent offers in the phase under "
                        f"{mandate.label} (none before it is available or when it does not "
                        "accept the mandate), troops deployed in the plan, its share of all "
                        "troops deployed, the sectors it leads and the tasks it accepts. "
                        "Logistics, staff and naval units hold no ground: their troops count "
                        "towards the force without a sector.")]
    for p in scenario.phases:
        rows, tones = force_rows(scenario, plan, p.phase, mandate)
        blocks += [heading(p.label), table(
            ["Contingent", "Offered", "Deployed", "Share", "Sectors led", "Tasks accepted"],
            rows, align="lrrrrl", widths=[2.2, 1.4, 1, 0.8, 0.8, 3], tones=tones)]
    return section("Force by phase", blocks)


def sector_rows(plan, phase: int, table_, requirements, report,
                contingents=None) -> tuple[list, list]:
    """One row per sector open in ``phase`` and a total row; a sector observers alone hold
    needs what :func:`planner.domain.roles.sector_need` says (``contingents``: in play)."""
    rows, tones = [], []
    area = people = needed = deployed = 0
    statuses = _statuses(report, phase)
    for sid in table_.open_in(phase):
        info, need, a = table_.info[sid], requirements[(phase, sid)], plan.get(phase, sid)
        troops_needed = sector_need(need, a, contingents or {})
        status, tone = statuses.get(sid, ("ok", ""))
        locked = " (locked)" if (phase, sid) in plan.pins else ""
        troops = f"{a.total:,}" + (f" ({troops_text(a.troops)})" if len(a.troops) > 1 else "")
        rows.append([sid + locked, f"{info.area_km2:,.1f}", f"{info.population:,}",
                     f"{troops_needed:,}; {task_list(need.tasks)}", a.lead or "-", troops,
                     status])
        tones.append(tone)
        area, people = area + info.area_km2, people + info.population
        needed, deployed = needed + troops_needed, deployed + a.total
    rows.append(["Total", f"{area:,.1f}", f"{people:,}", f"{needed:,}", "", f"{deployed:,}", ""])
    return rows, tones + ["total"]


def _status_of(found) -> tuple[str, str]:
    """``HARD R-VETO; soft R-CONTINUITY`` or ``ok``, and the row's tone."""
    hard = list(dict.fromkeys(v.rule_id for v in found if v.severity == "hard"))
    soft = list(dict.fromkeys(v.rule_id for v in found if v.severity != "hard"))
    parts = ([f"HARD {', '.join(hard)}"] if hard else []) + \
        ([f"soft {', '.join(soft)}"] if soft else [])
    return ("; ".join(parts) or "ok"), ("hard" if hard else "soft" if soft else "")


def _statuses(report, phase: int) -> dict[str, tuple[str, str]]:
    """Status text and tone of every sector with a violation in ``phase`` (one pass)."""
    by_sector: dict[str, list] = {}
    for v in report.violations:
        if v.phase == phase and v.sector:
            by_sector.setdefault(v.sector, []).append(v)
    return {s: _status_of(found) for s, found in by_sector.items()}


def sectors_section(scenario, plan, table_, requirements, report, mandate) -> dict:
    blocks = [paragraph(f"Every sector open in the phase: area (km²), residents, what it needs "
                        f"under {mandate.label} (troops; tasks), its lead, troops deployed "
                        "(by contingent where more than one) and the rules it breaks.")]
    for p in scenario.phases:
        rows, tones = sector_rows(plan, p.phase, table_, requirements, report,
                                  {c.code: c for c in scenario.contingents})
        blocks += [heading(f"{p.label}: {count(len(rows) - 1, 'sector')}"), table(
            ["Sector", "Area km²", "Residents", "Needs", "Lead", "Troops", "Status"],
            rows, align="lrrllll", widths=[1.3, 0.9, 1.1, 2.6, 0.7, 1.8, 1.8],
            tones=tones)]
    return section("Sectors by phase", blocks)


def compliance_rows(scenario, report) -> tuple[list[list[str]], list[str]]:
    """Each rule: id, kind, severity, satisfied or how often broken, what it asks."""
    counts = Counter(v.rule_id for v in report.violations)
    rows, tones = [], []
    for rule in scenario.rules:  # validated when the scenario was loaded
        n, hard = counts.get(rule.id, 0), rule.severity == "hard"
        rows.append([rule.id, rule.kind, rule.severity, "satisfied" if n == 0 else
                     count(n, "violation"), REGISTRY[rule.kind].doc])
        tones.append("" if n == 0 else ("hard" if hard else "soft"))
    for rule_id in sorted(set(counts) - {r.id for r in scenario.rules}):  # added (pins)
        rows.append([rule_id, "", "", count(counts[rule_id], "violation"), ""])
        tones.append("hard")
    return rows, tones


def compliance_section(scenario, report, mandate) -> dict:
    rows, tones = compliance_rows(scenario, report)
    hard, soft = len(report.hard), len(report.soft)
    verdict = (f"The plan keeps every hard rule under {mandate.label}" if report.ok else
               f"The plan breaks hard rules under {mandate.label}: "
               f"{count(hard, 'hard violation')}") + f"; {count(soft, 'soft violation')}."
    return section("Rule compliance", [
        paragraph(verdict, tone="ok" if report.ok else "hard"),
        table(["Rule", "Kind", "Severity", "Result", "What it asks"], rows, align="lllll",
              widths=[1.3, 1.6, 0.7, 1.2, 4.2], tones=tones)])


def violation_rows(report) -> tuple[list[list[str]], list[str]]:
    rows = [[f"{i:,}", v.severity, v.rule_id, "" if v.phase is None else str(v.phase),
             v.sector or "", v.nation or "", v.message]
            for i, v in enumerate(report.violations, start=1)]
    return rows, [v.severity for v in report.violations]


def violations_section(report) -> dict:
    if not report.violations:
        return section("Violations", [paragraph("The plan breaks no rule.", tone="ok")])
    rows, tones = violation_rows(report)
    intro = (f"{count(len(report.violations), 'violation')} in the checker's order: hard "
             "first, then by phase, sector, rule and nation. Each says what was measured "
             "against what limit.")
    return section("Violations", [paragraph(intro), table(
        ["#", "Severity", "Rule", "Phase", "Sector", "Nation", "What is wrong"], rows,
        align="rllrlll", widths=[0.5, 0.7, 1.3, 0.5, 1.0, 0.7, 5.3], tones=tones)])
