"""The What-if sweeps page's logic: small sweeps of the plan in use, their analyses, and any
case opened as a what-if result in the Compare view.

No Streamlit here (``app_pages/what_if.py`` is the wiring); every function is plain and tested
(``tests/planner/ui/test_whatif_view.py``). The sweep itself is :mod:`planner.sweep`.

- **The base.** A sweep in the page starts from the working plan's settings
  (:func:`sweep_base`): its coalitions are drawn from the working force, the veto setting
  ``on`` means the vetoes in force there (``off`` none, ``each`` one case per veto in force
  lifted), troop figures are its what-if figures (scaled by each troop scale), and its sectors
  are those it is made over (re-cut phases and replaced layers included). The base's digest
  names all of that, so a results file resumes only for the same base; with the scenario's
  own settings it is the scenario folder's digest, the one ``planner sweep`` records.
- **Cases.** A :class:`SweepSpec` (mandates, drop one / drop two / every coalition of at least
  N, veto settings, troop scales, time limit) is counted before anything is built
  (:func:`case_count`); more than :data:`MAX_PAGE_CASES` is refused (:func:`refusal`), with
  the command line that runs it instead.
- **Running.** :func:`run_page_sweep` decides the cases in this process, writing each to the
  results file in the workspace (``<workspace>/sweeps/``, :func:`results_path`) as it
  finishes; rerunning the same sweep skips the cases already there.
- **Results.** :func:`results_files` lists the workspace's, :func:`read_upload` reads an
  uploaded one, :func:`analysis_tables` gives every analysis as table rows.
- **Opening a case.** :func:`open_case` re-solves a results row (the same seed and time limit
  the sweep used, so the same plan) and saves it as a named plan ``<plan>~sweep-...`` with the
  case's settings; :func:`compare_request` is what the Compare page reads to show it against
  the working plan. The working plan is never written.

Modules: ``spec`` (the base and the sweep asked for), ``run`` (running and results files),
``tables`` (analyses and charts), ``cases`` (opening a case).
"""
from planner.ui.whatif_view.spec import (
    CASE_MARK, COALITIONS, GROUP_COLUMN, MAX_NAME, MAX_PAGE_CASES, SWEEPS_FOLDER, SweepBase,
    SweepSpec, VETO_SETTINGS, base_digest, base_words, case_count, coalition_count, command_line,
    parse_scales, refusal, spec_problems, sweep_base, sweep_cases)
from planner.ui.whatif_view.run import (
    Meter, cases_recorded, read_upload, results_files, results_note, results_path, run_page_sweep)
from planner.ui.whatif_view.tables import (
    analysis_tables, case_choices, criticality_chart, groups, no_plan, of_group, outcome_chart,
    row_of)
from planner.ui.whatif_view.cases import (
    CaseOutcome, case_label, case_name, case_problems, case_settings, case_working,
    compare_request, open_case)


__all__ = ["CASE_MARK", "COALITIONS", "CaseOutcome", "GROUP_COLUMN", "MAX_NAME", "MAX_PAGE_CASES",
           "Meter", "SWEEPS_FOLDER", "SweepBase", "SweepSpec", "VETO_SETTINGS", "analysis_tables",
           "base_digest", "base_words", "case_choices", "case_count", "case_label", "case_name",
           "case_problems", "case_settings", "case_working", "cases_recorded", "coalition_count",
           "command_line", "compare_request", "criticality_chart", "groups", "no_plan", "of_group",
           "open_case", "outcome_chart", "parse_scales", "read_upload", "refusal", "results_files",
           "results_note", "results_path", "row_of", "run_page_sweep", "spec_problems",
           "sweep_base", "sweep_cases"]
