"""Briefings: a plan on paper (PDF) or in one HTML file, and a phase map as a PNG page.

- :func:`briefing_pdf` / :func:`briefing_html`: cover, one map page per phase, force and
  sector tables, rule compliance, every violation, the other mandates and, with
  ``compare``, what changed from another plan.
- :func:`phase_map_png`: the map page of one phase, rendered by the same code.
- :func:`phase_map_svg`: the bare vector map of one phase.

Typeset with Typst (PyPI ``typst``), offline; the same inputs and ``SOURCE_DATE_EPOCH``
give the same PDF bytes. No Streamlit here: the app and ``planner report`` call these.
"""
from planner.briefing.api import (briefing_html, briefing_pdf, phase_map_png, phase_map_svg,
                                  subject_of)
from planner.briefing.typeset import BriefingError

__all__ = ["BriefingError", "briefing_html", "briefing_pdf", "phase_map_png", "phase_map_svg",
           "subject_of"]
