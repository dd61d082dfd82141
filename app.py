"""The Withdrawal-Zone Planner in the browser: widgets wired to geo/planner calls.

Run with ``make run``. Logic lives in ``planner`` (tested there); this file only reads
widgets, calls those functions and renders what they return.
"""
from __future__ import annotations

import html
import os
import tempfile

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import InputError
from planner.rules.check import check
from planner.domain.derive import scenario_increments
from planner.ui.editing import (CLICK_OBJECTS, History, clicked_sector, edit_sector, export_csv,
                             export_geojson, export_gpkg, export_png, import_plan,
                             phase_rows, plan_from_rows, plan_without_sectors,
                             regenerate_sectors, scenario_with_layer, starting_plan,
                             TABLE_ROWS_PER_PAGE, VIOLATIONS_PER_PAGE, page_of,
                             violation_groups, violation_summary)
from geo.partition import PartitionError
from planner.ui.mapview import (build_map, layer_switcher, legend_entries, sector_display,
                             sector_group)
from planner.solver.optimize import solve
from planner.domain.sectors import sector_table
from planner.files.scenario_file import load_scenario
from planner.files.store import PlanStore, StaleRevision
from planner.ui.session import commit, open_session, reload, save_as

st.set_page_config(page_title="Withdrawal-Zone Planner", layout="wide")


@st.cache_resource(show_spinner="Loading scenario ...")
def cached_scenario(path: str | None):
    scenario = load_scenario(path)
    return scenario, sector_table(scenario), scenario_increments(scenario)


@st.cache_resource
def plan_store(folder: str | None):
    return PlanStore(folder)


@st.cache_resource(show_spinner="Measuring the new sectors ...")
def recut_table(key: str, _scenario, _sectors):
    return sector_table(_scenario, _sectors)


try:
    scenario, table, increments = cached_scenario(os.environ.get("PLANNER_SCENARIO") or None)
except InputError as exc:
    st.error(f"The scenario cannot be loaded:\n\n{exc}")
    st.stop()

try:
    store = plan_store(os.environ.get("PLANNER_WORKSPACE") or None)
except InputError as exc:
    st.error(f"The plan store cannot be opened:\n\n{exc}")
    st.stop()
state = st.session_state
if "session" not in state:  # a new tab, or after a restart: the latest revision of the last plan
    state.session = open_session(store, scenario.name, starting_plan(scenario, table))
    state.conflict = None
    state.selected, state.last_click, state.solved = None, None, None
    state.sectors, state.sectors_key, state.recut_error = None, "", None
    state.custom = None
if state.custom is not None:  # this session replaced a layer
    scenario, table, increments = state.custom
if state.sectors is not None:
    table = recut_table(state.sectors_key, scenario, state.sectors)


def save(history, message):
    """Autosave: the new present becomes a revision, unless someone saved since ours."""
    try:
        state.session = commit(store, state.session, history, author=state.get("author", ""),
                               message=message)
        state.conflict = None
    except StaleRevision as exc:
        state.conflict = str(exc)
    except InputError as exc:
        state.conflict = f"Not saved: {exc}"
    forget_panel_widgets()


def forget_panel_widgets():
    """Let the side panel show the plan again, not the choice that was not saved."""
    for key in [k for k in state if str(k).startswith(("lead|", "troops|", "lock|"))]:
        del state[key]


def push(plan, message="edit"):
    save(state.session.history.push(plan), message)


def paged(items, per_page, what, key):
    """The page of ``items`` chosen in a page box (shown only when there is more than one)."""
    pages = page_of(items, 1, per_page)[1]
    page = st.number_input(f"Page of {what} (of {pages})", min_value=1, max_value=pages,
                           key=key) if pages > 1 else 1
    return page_of(items, page, per_page)[0]


def switch(session):
    state.session, state.conflict, state.solved = session, None, None
    forget_panel_widgets()


def apply_edit(phase, sector, codes):
    lead = state[f"lead|{phase}|{sector}"]
    troops = {c: int(state[f"troops|{phase}|{sector}|{c}"]) for c in codes}
    push(edit_sector(state.session.history.present, phase, sector,
                     None if lead == "(none)" else lead, troops), f"edit {sector} (phase {phase})")


def toggle_lock(phase, sector):
    plan = state.session.history.present
    locked = state[f"lock|{phase}|{sector}"]
    push(plan.with_pin(phase, sector) if locked else plan.without_pin(phase, sector))


def select(sector):
    state.selected = sector


def recut(phase, sectors, count, balance):
    """Cut the phase's sectors again; their old assignments go, the history starts anew."""
    old = sectors[sectors["phase"] == phase]["sector_id"].tolist()
    try:
        state.sectors = regenerate_sectors(scenario, sectors, phase, int(count), balance=balance)
    except (InputError, PartitionError) as exc:
        state.recut_error = str(exc)
        return
    state.recut_error = None
    state.sectors_key += f"|{phase}:{count}:{balance}"
    save(History(plan_without_sectors(state.session.history.present, old)),
         f"re-cut phase {phase} into {count} sectors")
    state.selected = None


def optimize(mandate, force, vetoes, least_change):
    plan = state.session.history.present
    with st.spinner("Optimizing ..."):
        result = solve(scenario, mandate, pins=dict(plan.pins), table=table, time_limit_s=10,
                       reference=plan if least_change else None, contingents=force, vetoes=vetoes)
    state.solved = result
    if result.plan is not None:
        push(result.plan, f"optimized ({result.status})")


st.title("Withdrawal-Zone Planner")
st.caption(scenario.name)

codes = [c.code for c in scenario.contingents]
with st.sidebar:
    phase = st.selectbox("Phase", scenario.phase_numbers, key="phase",
                         format_func=lambda p: next(x.label for x in scenario.phases if x.phase == p))
    mandate = st.radio("Mandate", list(scenario.mandates), key="mandate",
                       format_func=lambda k: scenario.mandates[k].label)
    in_force = st.multiselect("Contingents in the force (what-if)", codes, default=codes,
                              key="in_force")
    vetoes_on = st.checkbox("Stakeholder vetoes apply", value=True, key="vetoes_on")
    with st.expander("Sectors"):
        shown_count = int((table.sectors["phase"] == phase).sum())
        count = st.number_input("Sectors in this phase", min_value=1, value=shown_count,
                                key=f"count|{phase}|{state.sectors_key}")
        balance = st.radio("Balance by", ["population", "area"], horizontal=True, key="balance")
        st.button("Re-cut this phase's sectors", on_click=recut,
                  args=(phase, table.sectors, count, balance))
        st.caption("Assignments in the re-cut sectors are cleared; undo history restarts.")
        if state.recut_error:
            st.error(state.recut_error)
    left, right = st.columns(2)
    history = state.session.history
    left.button("Undo", on_click=save, args=(history.undo(), "undo"),
                disabled=not history.past, width="stretch")
    right.button("Redo", on_click=save, args=(history.redo(), "redo"),
                 disabled=not history.future, width="stretch")
    with st.expander(f"Plan '{state.session.name}', revision {state.session.revision}"):
        st.text_input("Your name (shown in the history)", key="author")
        names = store.names(scenario.name)
        st.selectbox("Open a saved plan", names, index=names.index(state.session.name)
                              if state.session.name in names else 0, key="open_name")
        st.button("Open", on_click=lambda: switch(open_session(
            store, scenario.name, state.session.history.present, name=state.open_name)))
        new_name = st.text_input("Save as a new plan named", key="save_as_name")
        if st.button("Save as") and new_name:
            try:
                switch(save_as(store, state.session, new_name, scenario.name,
                               state.get("author", "")))
                st.rerun()
            except (StaleRevision, InputError) as exc:
                st.error(f"Not saved: a plan named '{new_name}' exists or the name is not "
                         f"allowed ({exc})")
        st.caption("Every change is saved as a revision. Restore any of the latest:")
        for r in reversed(store.history(state.session.name, 10)):
            st.button(f"{r.number}: {r.message} ({r.time}{', ' + r.author if r.author else ''})",
                      key=f"restore|{r.number}", disabled=r.number == state.session.revision,
                      on_click=push, args=(r.plan, f"restored revision {r.number}"))

force = [c for c in scenario.contingents if c.code in in_force]
vetoes = scenario.vetoes if vetoes_on else ()
plan = state.session.history.present
report = check(plan, scenario, mandate, table=table, contingents=force, vetoes=vetoes)
requirements = table.requirements(scenario.mandates[mandate])
open_sectors = table.open_in(phase)

with st.sidebar:
    least = st.checkbox("Least change from the current plan", value=True, key="least_change")
    st.button("Optimize", type="primary", width="stretch",
              on_click=optimize, args=(mandate, force, vetoes, least))
    st.download_button("Plan (GeoJSON)", lambda: export_geojson(plan, table, report, requirements,
                                                                mandate, codes),
                       file_name="plan.geojson", mime="application/geo+json")
    st.download_button("Assignments (CSV)", lambda: export_csv(plan, table),
                       file_name="plan.csv", mime="text/csv")
    st.download_button("All layers (GeoPackage)",
                       lambda: export_gpkg(scenario, plan, table, report, requirements, mandate),
                       file_name="planner.gpkg", mime="application/geopackage+sqlite3")
    st.download_button("Briefing map (PNG)", lambda: export_png(scenario, plan, table, phase, report),
                       file_name=f"phase-{phase}.png", mime="image/png")
    with st.expander("Replace a layer"):
        layer = st.selectbox("Layer", ["population", "places", "borders", "held", "territory",
                                       "sectors"], key="replace_layer")
        layer_file = st.file_uploader("GeoJSON, GeoPackage, zipped Shapefile or KML",
                                      type=["geojson", "json", "gpkg", "zip", "kml"],
                                      key="layer_upload")
        if layer_file is not None and state.get("replaced") != layer_file.file_id:
            state.replaced = layer_file.file_id
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    new = scenario_with_layer(scenario, layer, layer_file.name,
                                              layer_file.getvalue(), tmp)
                new_table = sector_table(new)
                state.custom = (new, new_table, scenario_increments(new))
                state.sectors, state.sectors_key = None, ""
                save(History(plan_without_sectors(state.session.history.present,
                                                  set(table.ids) - set(new_table.ids))),
                     f"replaced the {layer} layer")
                st.rerun()
            except InputError as exc:
                st.error(f"Nothing was replaced:\n\n{exc}")
    upload = st.file_uploader("Import a plan (GeoJSON or CSV)", type=["geojson", "json", "csv"],
                              key="upload")
    if upload is not None and state.get("imported") != upload.file_id:
        state.imported = upload.file_id
        try:
            push(import_plan(upload.name, upload.getvalue(), table, codes),
                 f"imported {upload.name}")
            st.success(f"Imported {upload.name}.")
        except InputError as exc:
            st.error(f"Nothing was imported:\n\n{exc}")

if state.conflict:
    st.warning(state.conflict)
    st.button("Reload the latest revision", type="primary",
              on_click=lambda: switch(reload(store, state.session)))
totals = report.totals()
st.markdown(f"**{totals['hard']} hard** and **{totals['soft']} soft** violations under "
            f"{html.escape(scenario.mandates[mandate].label)}.")
if state.solved is not None:
    r = state.solved
    if r.plan is not None:
        st.success(f"Optimizer: {r.status}, gap {r.gap:.1%}, {r.seconds:.1f} s.")
    else:
        st.error(f"Optimizer: {r.status} after {r.seconds:.1f} s. "
                 + (r.explanation.text() if r.explanation else ""))

map_col, panel = st.columns([3, 2])
with map_col:
    shown = sector_display(table.sectors, phase, plan, report, requirements)
    held = scenario.layers.held[scenario.layers.held["phase"] == phase]
    fmap = build_map(scenario, phase, increments=increments, held=held, layer_control=False)
    clicked = st_folium(fmap, key="map", height=560, use_container_width=True,
                        returned_objects=CLICK_OBJECTS,
                        feature_group_to_add=sector_group(scenario, shown),
                        layer_control=layer_switcher())
    click = clicked_sector(clicked, open_sectors)
    if click and clicked != state.last_click:
        state.last_click, state.selected = clicked, click

with panel:
    legend = legend_entries(scenario, {a.lead for a in plan.phase(phase) if a.lead})
    st.markdown(" ".join(f'<span style="background:{colour};padding:0 .6em">&nbsp;</span> '
                         f"{html.escape(code)} ({html.escape(name)})"
                         for code, name, colour in legend), unsafe_allow_html=True)
    if state.selected not in open_sectors:
        state.selected = open_sectors[0] if open_sectors else None
    sector = st.selectbox("Sector", open_sectors, key="selected")
    if sector:
        a = plan.get(phase, sector)
        need = requirements[(phase, sector)]
        st.caption(f"needs {need.troops:,} troops; tasks: {', '.join(sorted(need.tasks))}")
        options = ["(none)"] + codes
        st.selectbox("Lead nation", options, index=options.index(a.lead or "(none)"),
                     key=f"lead|{phase}|{sector}", on_change=apply_edit,
                     args=(phase, sector, codes))
        for code in codes:
            st.number_input(f"{code} troops", min_value=0, step=scenario.troop_unit,
                            value=int(a.troops.get(code, 0)), key=f"troops|{phase}|{sector}|{code}",
                            on_change=apply_edit, args=(phase, sector, codes))
        st.checkbox("Lock this sector (the optimizer keeps it)", value=(phase, sector) in plan.pins,
                    key=f"lock|{phase}|{sector}", on_change=toggle_lock, args=(phase, sector))

st.subheader("Violations")
for severity, items in violation_groups(report, phase).items():
    st.markdown(f"**{severity.capitalize()}** ({len(items)}): " + ", ".join(
        f"{html.escape(rule)} ({html.escape(kind)}) {n}" for rule, kind, n in violation_summary(items)))
    for i, v in enumerate(paged(items, VIOLATIONS_PER_PAGE, f"{severity} violations",
                                f"page|{severity}")):
        label = f"{v.rule_id}: {v.message}"
        if v.sector:
            st.button(label, key=f"v|{severity}|{i}", on_click=select, args=(v.sector,))
        else:
            st.markdown(f"- {html.escape(label)}")

st.subheader("Assignments")
st.caption("Edit leads and troops for many sectors at once; every change is validated and "
           "checked like any other edit.")
rows = phase_rows(plan, phase, paged(open_sectors, TABLE_ROWS_PER_PAGE,
                                    f"the table ({TABLE_ROWS_PER_PAGE} sectors each)",
                                    f"table_page|{phase}"), codes, requirements)
table_page = state.get(f"table_page|{phase}", 1)
edited = st.data_editor(
    pd.DataFrame(rows), hide_index=True, width="stretch", disabled=["sector", "required"],
    key=f"table|{phase}|{table_page}|{state.session.revision}",
    column_config={"lead": st.column_config.SelectboxColumn("lead", options=[""] + codes),
                   **{c: st.column_config.NumberColumn(c, min_value=0, step=scenario.troop_unit)
                      for c in codes}})
changed = edited.to_dict(orient="records")
if changed != rows:
    try:
        push(plan_from_rows(plan, phase, changed, codes), f"table edit (phase {phase})")
        st.rerun()
    except InputError as exc:
        st.error(f"The table was not applied:\n\n{exc}")

st.divider()
st.caption(scenario.disclaimer)
