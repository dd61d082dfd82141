"""The briefing's entry points, for the app and the command line."""
from __future__ import annotations

import datetime as dt

from planner.briefing import maps
from planner.briefing.content import (Briefing, Progress, Steps, Subject, briefing_time,
                                      build_briefing, map_page, step_count)
from planner.briefing.html import briefing_document_html
from planner.briefing.mandates import SOLVE_LIMIT_S
from planner.briefing.typeset import typeset


def subject_of(scenario, plan, *, mandate: str | None = None, plan_name: str | None = None,
               revision=None, author: str | None = None, when: dt.datetime | None = None,
               table=None, report=None, revision_note: str | None = None) -> Subject:
    """What a briefing is about, with the sector table and the check report filled in.

    ``mandate`` defaults to the report's, else the scenario's first; ``when`` to
    ``$SOURCE_DATE_EPOCH`` or now.
    """
    from planner.domain.sectors import sector_table
    from planner.rules.check import check
    table = table if table is not None else sector_table(scenario)
    mandate = mandate or (report.mandate if report is not None else next(iter(scenario.mandates)))
    if mandate not in scenario.mandates:
        raise ValueError(f"`mandate` must be one of {', '.join(scenario.mandates)}; "
                         f"got {mandate!r}")
    if report is None or report.mandate != mandate:
        report = check(plan, scenario, mandate, table=table)
    return Subject(scenario, plan, mandate, table, report, plan_name or "unnamed", revision,
                   author, briefing_time(when), revision_note or "")


def _briefing(scenario, plan, *, mandate, compare=None, compare_name=None, progress=None,
              solve_limit_s=SOLVE_LIMIT_S, sweep=None, sweep_name=None,
              **about) -> tuple[Briefing, Steps]:
    subject = subject_of(scenario, plan, mandate=mandate, **about)
    steps = Steps(step_count(scenario, compare=compare is not None, sweep=sweep is not None),
                  progress)
    sections, images = [], {}
    if sweep is not None:
        from planner.briefing.sweep import sweep_sections
        more, svgs = sweep_sections(scenario, sweep, name=sweep_name)
        sections, images = sections + more, {**images, **svgs}
        steps("what-if sweep")
    if compare is not None:
        from planner.briefing.changes import compare_sections
        more, svgs = compare_sections(subject, compare, compare_name or "the other plan")
        sections, images = sections + more, {**images, **svgs}
        steps("comparison")
    return build_briefing(subject, extra=(sections, images), solve_limit_s=solve_limit_s,
                          steps=steps), steps


def briefing_pdf(scenario, plan, *, mandate: str, plan_name: str | None = None,
                 revision=None, author: str | None = None, compare=None,
                 compare_name: str | None = None, progress: Progress | None = None,
                 when: dt.datetime | None = None, table=None,
                 solve_limit_s: float = SOLVE_LIMIT_S, revision_note: str | None = None,
                 report=None, sweep=None, sweep_name: str | None = None) -> bytes:
    """The briefing of ``plan`` as PDF bytes.

    Parameters
    ----------
    scenario, plan
        The loaded scenario and the plan to brief.
    mandate
        Key of the scenario's mandate the plan is checked under; every other mandate gets a
        section saying whether a plan exists under it (a deterministic solve of
        ``solve_limit_s`` seconds of solver time each).
    plan_name, revision, author
        Shown on the cover and in every page's footer.
    revision_note
        A line on the cover about the revision (when it was saved, its message).
    compare, compare_name
        Another plan of the scenario (a :class:`planner.domain.plan.Plan`) and its name:
        adds what changed from it to ``plan``, with a map of the changed sectors.
    progress
        Called as ``progress(done, total, what)`` after each step (maps, tables, solves,
        typesetting).
    when
        The briefing's date (default ``$SOURCE_DATE_EPOCH``, else now): with the same
        inputs, the same ``when`` gives the same bytes.
    table, report
        The scenario's :class:`planner.domain.sectors.SectorTable` and the plan's check
        report under ``mandate``, when already at hand (built otherwise).
    sweep, sweep_name
        A what-if sweep's results (a results file's path, a results frame or a list of
        result rows) and how to name them: adds a section with the minimal coalitions per
        mandate, each contingent's criticality, what each veto costs and the sweep's charts
        (:mod:`planner.briefing.sweep`; results of another scenario raise ``InputError``).
    """
    briefing, steps = _briefing(scenario, plan, mandate=mandate, plan_name=plan_name,
                                revision=revision, author=author, compare=compare,
                                compare_name=compare_name, progress=progress, when=when,
                                table=table, solve_limit_s=solve_limit_s,
                                revision_note=revision_note, report=report, sweep=sweep,
                                sweep_name=sweep_name)
    pdf = typeset(briefing.doc, briefing.images, timestamp=briefing.timestamp)
    steps("typeset the PDF")
    return pdf


def briefing_html(scenario, plan, *, mandate: str, plan_name: str | None = None,
                  revision=None, author: str | None = None, compare=None,
                  compare_name: str | None = None, progress: Progress | None = None,
                  when: dt.datetime | None = None, table=None,
                  solve_limit_s: float = SOLVE_LIMIT_S, revision_note: str | None = None,
                  report=None, sweep=None, sweep_name: str | None = None) -> str:
    """The same briefing as :func:`briefing_pdf`, as one self-contained HTML document."""
    briefing, steps = _briefing(scenario, plan, mandate=mandate, plan_name=plan_name,
                                revision=revision, author=author, compare=compare,
                                compare_name=compare_name, progress=progress, when=when,
                                table=table, solve_limit_s=solve_limit_s,
                                revision_note=revision_note, report=report, sweep=sweep,
                                sweep_name=sweep_name)
    text = briefing_document_html(briefing.doc, briefing.images)
    steps("wrote the HTML")
    return text


def phase_map_png(scenario, plan, phase: int, *, report=None, table=None,
                  mandate: str | None = None, plan_name: str | None = None, revision=None,
                  author: str | None = None, when: dt.datetime | None = None,
                  ppi: float = 150.0) -> bytes:
    """The briefing's map page of ``phase`` (A4, with header, legend, scale, north arrow,
    coordinates, marking and disclaimer) as PNG bytes, at ``ppi`` pixels per inch."""
    if phase not in scenario.phase_numbers:
        raise ValueError(f"`phase` must be one of {scenario.phase_numbers}; got {phase}")
    subject = subject_of(scenario, plan, mandate=mandate, plan_name=plan_name,
                         revision=revision, author=author, when=when, table=table,
                         report=report)
    page = map_page(subject, phase)
    out = typeset(page.doc, page.images, timestamp=page.timestamp, fmt="png", ppi=ppi)
    return out[0] if isinstance(out, list) else out


def phase_map_svg(scenario, plan, phase: int, *, report=None, table=None,
                  box_in: tuple[float, float] = (7.0, 9.0)) -> bytes:
    """The bare vector map of ``phase`` (no legend) as SVG bytes, fitted in ``box_in``."""
    from planner.domain.derive import scenario_increments
    subject = subject_of(scenario, plan, table=table, report=report)
    fig = maps.phase_figure(scenario, plan, phase, table=subject.table,
                            increments=scenario_increments(scenario), report=subject.report,
                            box_in=box_in)
    return maps.figure_svg(fig)
