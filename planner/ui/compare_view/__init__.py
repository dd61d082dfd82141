"""The Compare page's logic: two plans side by side, their maps, and what-if variants.

No Streamlit here (``app_pages/compare.py`` is the wiring); every function is plain and tested
(``tests/planner/ui/test_compare_view.py``).

- **Choosing A and B.** A side is a *choice*, a small tuple the page keeps and the Plan page
  sends in ``st.session_state.compare_request``:

  ``("working",)``
      the working plan (the app state's :attr:`~planner.ui.state.AppState.work`);
  ``("revision", name, number)``
      a saved revision (``number`` None: the plan's latest), of the working plan or of
      another saved plan of the scenario;
  ``("variant", name)``
      the latest revision of a what-if result (a plan named ``<working plan>~...``);
  ``("file", file_name)``
      an uploaded plan file (GeoJSON or CSV), validated like an import; nothing is written;
  ``("proposal",)``
      the optimizer's proposal waiting on the Plan page.

  :func:`resolve` turns a choice into a :class:`Chosen` (a label and a whole
  :class:`~planner.domain.working.Working` state), :func:`side_of` into a
  :class:`planner.compare.Side` with that state's own mandate, force (what-if troop figures
  included), vetoes and sector table (re-cut phases), and :func:`comparison_of` compares two.
- **Tables.** :func:`change_rows`, :func:`contingent_table`, :func:`rule_rows`,
  :func:`violation_lines` and :func:`summary_lines` give what the page shows.
- **Maps.** :func:`compare_map_html` builds one self-contained HTML document with two Leaflet
  maps kept in step by the Leaflet.Sync plugin, or one map with the changed sectors hatched;
  Leaflet and the plugin come from the app's ``static/leaflet/``, nothing from elsewhere.
- **What-if variants.** A :class:`Variant` is the working plan's settings with changes;
  :func:`solve_variant` runs the optimizer on it (least change from the working plan) into a
  named plan ``<working plan>~<what changed>`` in the plan store, never into the working plan;
  :func:`planner.ui.actions.apply_variant` makes it a revision of the working plan on request.

Modules: ``sides`` (choosing A and B), ``tables`` (what changed, in rows and words),
``maps`` (the map document), ``variants`` (what-if variants).
"""
from planner.ui.compare_view.sides import (
    Chosen, CompareState, KINDS, REVISIONS_LISTED, SAVE_ATTEMPTS, SideError, VARIANT_MARK,
    comparison_of, default_choice, initial, kind_of, kinds_available, requested, resolve,
    revision_options, saved_names, side_of, swapped, valid_choice, variant_names)
from planner.ui.compare_view.tables import (
    change_rows, contingent_table, rule_rows, sector_at, side_words, summary_lines,
    violation_lines)
from planner.ui.compare_view.maps import (
    CHANGED_OUTLINE, HATCH_STROKE, MAP_HEIGHT, SELECTED_OUTLINE, SYNC_JS, compare_map_html,
    map_data)
from planner.ui.compare_view.variants import (
    Variant, VariantOutcome, explanation_lines, save_variant, solve_variant, variant_label,
    variant_name, variant_problems, variant_settings, variant_working)


__all__ = ["CHANGED_OUTLINE", "Chosen", "CompareState", "HATCH_STROKE", "KINDS", "MAP_HEIGHT",
           "REVISIONS_LISTED", "SAVE_ATTEMPTS", "SELECTED_OUTLINE", "SYNC_JS", "SideError",
           "VARIANT_MARK", "Variant", "VariantOutcome", "change_rows", "compare_map_html",
           "comparison_of", "contingent_table", "default_choice", "explanation_lines", "initial",
           "kind_of", "kinds_available", "map_data", "requested", "resolve", "revision_options",
           "rule_rows", "save_variant", "saved_names", "sector_at", "side_of", "side_words",
           "solve_variant", "summary_lines", "swapped", "valid_choice", "variant_label",
           "variant_name", "variant_names", "variant_problems", "variant_settings",
           "variant_working", "violation_lines"]
