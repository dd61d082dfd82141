"""What a briefing says: the cover, one map page per phase and the tables, as plain data.

:func:`build_briefing` gathers everything once; :mod:`planner.briefing.typeset` turns it
into PDF (or a PNG page) with Typst and :mod:`planner.briefing.html` into HTML, so both
say the same thing.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Callable

from planner.briefing import maps
from planner.briefing.blocks import count
from planner.briefing.holdings import holding_facts, holdings_section
from planner.briefing.legend import map_legend
from planner.briefing.mandates import SOLVE_LIMIT_S, other_mandates_section
from planner.briefing.tables import (compliance_section, force_section, sectors_section,
                                     violations_section)
from planner.domain.roles import off_ground_troops, sector_need

# Room for a map on an A4 page (inches, the frame's labels included), by layout: the legend
# beside the map on a portrait or landscape page, or below it on a portrait page (less the
# legend's own height, see map_layout).
MAP_BOX_IN = {"side": (4.9, 8.5), "landscape": (8.3, 5.4), "below": (7.05, 8.9)}
LEGEND_LINE_IN = 0.165

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Briefing:
    """A briefing ready to render: the document (JSON-ready) and the map images it names."""

    doc: dict
    images: dict[str, bytes] = field(default_factory=dict)
    timestamp: int = 0  # seconds since 1970 (UTC): the document's date


def briefing_time(when: dt.datetime | None = None) -> dt.datetime:
    """``when``, else ``$SOURCE_DATE_EPOCH`` (reproducible builds), else now; UTC, whole
    seconds."""
    if when is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        when = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit()
                else dt.datetime.now(dt.timezone.utc))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).replace(microsecond=0)


class Steps:
    """Counts the briefing's steps and tells ``progress(done, total, what)`` of each."""

    def __init__(self, total: int, progress: Progress | None):
        self.total, self.done, self.progress = total, 0, progress

    def __call__(self, what: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total, what)


@dataclass(frozen=True)
class Subject:
    """What is briefed: the plan, who made it, when, and everything measured of it."""

    scenario: object
    plan: object
    mandate: str
    table: object
    report: object
    plan_name: str = "unnamed"
    revision: object = None
    author: str | None = None
    when: dt.datetime = field(default_factory=briefing_time)
    revision_note: str = ""

    @property
    def plan_label(self) -> str:
        rev = f", revision {self.revision}" if self.revision not in (None, "") else ""
        return f"{self.plan_name}{rev}"

    @property
    def when_text(self) -> str:
        return self.when.strftime("%Y-%m-%d %H:%M UTC")


def map_layout(scenario, legend_lines: int,
               fact_lines: int = 4) -> tuple[str, tuple[float, float]]:
    """The layout showing the map at the largest scale, and the map's room (inches).

    Below the map the legend runs in three columns with the phase's facts (``fact_lines``).
    """
    xmin, ymin, xmax, ymax = maps.map_extent(scenario)
    rooms = dict(MAP_BOX_IN)
    width, height = rooms["below"]
    below = -(-legend_lines // 3) + fact_lines + 1
    rooms["below"] = (width, height - LEGEND_LINE_IN * below - 0.3)
    scale = {name: min(w / (xmax - xmin), h / (ymax - ymin)) for name, (w, h) in rooms.items()}
    best = max(scale, key=lambda name: (scale[name], name == "side"))
    return best, rooms[best]


def phase_facts(subject: Subject, phase: int, requirements) -> list[str]:
    """Short lines beside a phase map: sectors, troops, violations, then a steady state and
    the sectors handed over in the phase. Troops are those in the phase's sectors, and
    those of units that hold no ground besides when any serve, so that their sum is the
    force table's total (:func:`planner.briefing.tables.force_rows`)."""
    plan, table = subject.plan, subject.table
    open_ = table.open_in(phase)
    led = sum(1 for s in open_ if plan.get(phase, s).lead)
    deployed = sum(plan.get(phase, s).total for s in open_)
    scenario = subject.scenario
    off = sum(off_ground_troops(scenario.contingents, scenario.vetoes, subject.mandate, phase,
                                scenario.unit_of).values())
    force = {c.code: c for c in scenario.contingents}
    needed = sum(sector_need(requirements[(phase, s)], plan.get(phase, s), force) for s in open_)
    found = [v for v in subject.report.violations if v.phase == phase]
    hard = sorted({v.sector for v in found if v.severity == "hard" and v.sector})
    lines = [f"{count(len(open_), 'sector')} open, {led:,} with a lead.",
             f"Troops: {deployed:,} in sectors, {needed:,} required"
             + (f"; {off:,} more in units that hold no ground ({deployed + off:,} in the "
                "force)." if off else "."),
             f"Violations in this phase: {sum(v.severity == 'hard' for v in found):,} hard, "
             f"{sum(v.severity != 'hard' for v in found):,} soft."]
    if hard:
        shown = ", ".join(hard[:12]) + (f" and {len(hard) - 12:,} more" if len(hard) > 12 else "")
        lines.append(f"Hard rules broken in: {shown} (outlined in red).")
    return lines + holding_facts(subject.scenario, table, phase)


def map_section(subject: Subject, phase: int, increments, requirements) -> tuple[dict, bytes]:
    """The map page of one phase and its SVG."""
    scenario = subject.scenario
    legend = map_legend(scenario, subject.plan, phase, subject.table, subject.report)
    facts = phase_facts(subject, phase, requirements)
    layout, room = map_layout(scenario, len(legend), len(facts))
    fig = maps.phase_figure(scenario, subject.plan, phase, table=subject.table,
                            increments=increments, report=subject.report, box_in=room)
    width, height = fig.get_size_inches()
    svg = maps.figure_svg(fig)
    mandate = scenario.mandates[subject.mandate]
    label = next(p.label for p in scenario.phases if p.phase == phase)
    doc = {"title": f"Map: {label}", "kind": "map", "layout": layout,
           "image": f"map-{phase}.svg", "width-in": round(float(width), 4),
           "height-in": round(float(height), 4), "legend": legend,
           "facts": facts,
           "caption": f"{scenario.name}. Plan: {subject.plan_label}, under {mandate.label}, "
                      f"{subject.when_text}. {scenario.disclaimer.strip()}"}
    return doc, svg


def cover(subject: Subject, sections: list[dict]) -> dict:
    scenario, report = subject.scenario, subject.report
    mandate = scenario.mandates[subject.mandate]
    facts = [("Mandate", mandate.label), ("Plan", subject.plan_name),
             ("Revision", " ".join(x for x in ("-" if subject.revision in (None, "") else
                                               str(subject.revision), subject.revision_note)
                                   if x)),
             ("Author", subject.author or "-"), ("Date and time", subject.when_text),
             ("Phases", ", ".join(p.label for p in scenario.phases)),
             ("Sectors", f"{len(subject.table.ids):,}"),
             ("Contingents", ", ".join(f"{c.code} {c.name}" for c in scenario.contingents))]
    verdict = ((f"The plan keeps every hard rule under {mandate.label}" if report.ok else
                f"The plan breaks hard rules under {mandate.label}: "
                f"{count(len(report.hard), 'hard violation')}")
               + f"; {count(len(report.soft), 'soft violation')}.")
    return {"kicker": "Briefing on plan", "title": subject.plan_label,
            "scenario": scenario.name, "description": scenario.description.strip(),
            "facts": [[k, v] for k, v in facts], "verdict": verdict,
            "verdict-tone": "ok" if report.ok else "hard",
            "others": [f"Under {label}: {verdict}." for s in sections
                       for label, verdict in s.get("verdicts", [])],
            "disclaimer": scenario.disclaimer.strip() or "The scenario states no disclaimer."}


def step_count(scenario, *, compare: bool = False, sweep: bool = False) -> int:
    """Steps of a whole briefing: a map per phase, the tables, a solve per other mandate,
    the sweep, the comparison, and typesetting."""
    return (len(scenario.phases) + 1 + (len(scenario.mandates) - 1) + int(sweep)
            + int(compare) + 1)


def build_briefing(subject: Subject, *, extra: tuple[list[dict], dict] = ([], {}),
                   solve_limit_s: float = SOLVE_LIMIT_S, steps: Steps | None = None) -> Briefing:
    """Everything a briefing shows, gathered once (maps drawn, other mandates solved).

    ``extra`` is sections to add at the end and the images they name (the comparison).
    """
    from planner.domain.derive import scenario_increments
    scenario = subject.scenario
    steps = steps or Steps(step_count(scenario), None)
    increments = scenario_increments(scenario)
    requirements = subject.table.requirements(scenario.mandates[subject.mandate])
    sections, images = [], {}
    for p in scenario.phase_numbers:
        doc, svg = map_section(subject, p, increments, requirements)
        sections.append(doc)
        images[doc["image"]] = svg
        steps(f"map of phase {p}")
    sections += tables(subject, requirements)
    steps("tables")
    other = other_mandates_section(scenario, subject.plan, subject.mandate, subject.table,
                                   limit_s=solve_limit_s, progress=steps)
    sections += ([other] if other is not None else []) + list(extra[0])
    images.update(extra[1])
    return Briefing(document(subject, sections), images, int(subject.when.timestamp()))


def map_page(subject: Subject, phase: int) -> Briefing:
    """A one-page briefing: the map page of ``phase`` alone (the app's PNG export)."""
    from planner.domain.derive import scenario_increments
    requirements = subject.table.requirements(subject.scenario.mandates[subject.mandate])
    doc, svg = map_section(subject, phase, scenario_increments(subject.scenario), requirements)
    return Briefing(document(subject, [doc], cover_page=False), {doc["image"]: svg},
                    int(subject.when.timestamp()))


def tables(subject: Subject, requirements) -> list[dict]:
    scenario, mandate = subject.scenario, subject.scenario.mandates[subject.mandate]
    return [holdings_section(scenario), force_section(scenario, subject.plan, mandate),
            sectors_section(scenario, subject.plan, subject.table, requirements,
                            subject.report, mandate),
            compliance_section(scenario, subject.report, mandate),
            violations_section(subject.report)]


def document(subject: Subject, sections: list[dict], cover_page: bool = True) -> dict:
    scenario = subject.scenario
    return {"title": f"Briefing: {scenario.name}, plan {subject.plan_label}",
            "marking": scenario.marking,
            "scenario": scenario.name,
            "plan-label": f"Plan: {subject.plan_label} · {subject.when_text}",
            "cover": cover(subject, sections) if cover_page else None,
            "sections": sections}
