"""The Plan page: the map, the side panel, the violations, the force and the assignments.

Streamlit wiring only: widgets call actions of planner.ui through app_pages.shell's callbacks
(each widget key carries the app state's epoch; see planner/ui/state.py for why).
"""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.shell import (act, act_key, act_on, app, basemap_url, plain, put, remember_author,
                             scenario_switch, ss, upload, view_on, watch_store)
from planner.domain.derive import scenario_increments
from planner.ui import actions
from planner.domain.holdings import LineStyle, holdings_rows
from planner.ui.exports import (export_briefing, export_csv, export_geojson, export_gpkg,
                                export_holdings, export_png)
from planner.ui.mapview import (build_map, focus_view, layer_switcher, legend_entries,
                                sector_display, sector_group)
from planner.ui.merge import describe_changes
from planner.ui.panels import (CLICK_OBJECTS, TABLE_ROWS_PER_PAGE, VIOLATIONS_PER_PAGE,
                               clicked_sector, explanation_words, force_rows,
                               later_leads_to_carry, legend_items, lock_rows,
                               optimizer_words, page_of, phase_rows, phase_totals,
                               recut_losses, violation_groups, violation_summary)
from planner.ui.view import view_of

MAP_HEIGHT = 620


@st.cache_resource
def cached_increments(path: str, source: str | None, _scenario):
    return scenario_increments(_scenario)


# --- callbacks ------------------------------------------------------------------------------
def edit_lead(key, phase, sector):
    lead = ss[key]
    act(actions.edit_lead, phase, sector, None if lead == "(none)" else lead)


def ask_recut(count_key, phase):
    """A re-cut clears assignments: ask first (see the confirmation box)."""
    ss.pending_recut = (ss.scenario_path, phase, int(ss[count_key]),
                        ss.get("balance", "population"))


def recut():
    _, phase, count, balance = ss.pop("pending_recut")
    act(actions.recut, phase, count, balance)


def choose_sector(sector):
    put(actions.select(app(), sector))


def edit_table(key, phase, sectors):
    edited = ss[key].get("edited_rows", {})
    act(actions.edit_sectors, phase, {sectors[int(i)]: {c: v for c, v in cells.items()
                                                       if c not in ("status", "locked")}
                                      for i, cells in edited.items()})


def resolve(keys):
    items = app().conflict.items
    choices = {item.unit: ("mine" if str(ss.get(k, "")).startswith("mine") else
                           "theirs" if ss.get(k) else None) for item, k in zip(items, keys)}
    act(actions.resolve_conflict, {u: c for u, c in choices.items() if c})


def optimize(best_effort=False):
    ss.env.solve_seconds = float(ss.get("solve_seconds", 10))
    with st.spinner("Optimizing ..."):
        act(actions.optimize, least_change=ss.get("least_change", True),
            best_effort=best_effort)


def dismiss_guide():
    ss.guide_seen = True


def briefing_box(view):
    """Make the briefing (PDF) with a progress bar, then offer it for download while the plan
    it was made of is the one shown."""
    s = view.state
    made_for = (ss.scenario_path, s.name, s.revision, s.work.settings)
    if st.button("Make the briefing (PDF)", key=f"brief|{s.epoch}"):
        bar = st.progress(0.0, text="Making the briefing ...")
        data = export_briefing(view, author=ss.get("author"),
                               progress=lambda done, total, what: bar.progress(
                                   min(done / max(total, 1), 1.0), text=f"{what} ..."))
        bar.empty()
        ss.briefing = (made_for, data)
    made = ss.get("briefing")
    if made and made[0] == made_for:
        st.download_button("Download the briefing (PDF)", made[1], on_click="ignore",
                           file_name=f"briefing-{s.name}-r{s.revision}.pdf",
                           mime="application/pdf", type="primary")


def paged(items, per_page, what, key):
    """The page of ``items`` chosen in a page box (shown only when there is more than one)."""
    pages = page_of(items, 1, per_page)[1]
    page = st.number_input(f"Page of {what} (of {pages})", min_value=1, max_value=pages,
                           key=key) if pages > 1 else 1
    return page_of(items, page, per_page)[0]


def legend_html(scenario, plan, phase) -> str:
    """Every symbol on the map in words: lead colours, outlines, who holds ground besides
    the force (army or parties, authorities), named lines, crossings..."""
    swatch = ('<span style="display:inline-block;width:1.1em;height:.8em;margin:0 .25em 0 .6em;'
              'vertical-align:middle;{}"></span>')
    kinds = {"outline": "border:3px solid {c}", "outline-dashed": "border:2px dashed {c}",
             "fill-dashed": "background:{c};opacity:.6;border:1px dashed #333",
             "dot": "background:{c};border:2px solid #000;border-radius:50%;width:.8em",
             "line": "border-top:3px solid {c};height:0",
             "line-dashed": "border-top:3px dashed {c};height:0",
             "hatch": "background:repeating-linear-gradient(45deg,{c} 0 2px,transparent 2px "
                      "5px);border:2px solid {c}"}
    leads = legend_entries(scenario, {a.lead for a in plan.phase(phase) if a.lead})
    parts = [swatch.format(f"background:{colour}") + f"{html.escape(code)} "
             f"({html.escape(name)})" for code, name, colour in leads]
    parts += [swatch.format(LineStyle(colour, tuple(map(float, kind.split()[1:])))
                            .swatch_css(3, "px") + ";width:2.4em" if kind.startswith("dash ")
                            else kinds[kind].format(c=colour)) + html.escape(words)
              for kind, colour, words in legend_items(scenario, phase)]
    return "<div style='font-size:.85em;line-height:1.9'>" + " ".join(parts) + "</div>"


# --- the page --------------------------------------------------------------------------------
state = app()
MAP_KEY = f"map|{ss.scenario_path}"
clicked = ss.get(MAP_KEY)  # the map's last click, known before anything is drawn
click = clicked_sector(clicked, view_of(state, ss.env).open_in(state.phase))
if click and clicked != ss.get("last_click"):
    ss.last_click = clicked
    put(actions.select(state, click))
    state = app()
view = view_of(state, ss.env)
scenario, table, plan, settings = view.scenario, view.table, view.plan, view.settings
e = state.epoch
codes = view.codes
phase = state.phase
open_sectors = view.open_in(phase)
watch_store()

st.title("Withdrawal-Zone Planner")
st.caption(f"{scenario.name} · plan '{state.name}', revision {state.revision}")

with st.sidebar:
    scenario_switch()
    st.selectbox("Phase", scenario.phase_numbers, index=scenario.phase_numbers.index(phase),
                 key=f"phase|{e}", format_func=scenario.phase_label,
                 on_change=view_on, args=(f"phase|{e}", actions.set_phase))
    mandates = list(scenario.mandates)
    st.radio("Mandate", mandates, index=mandates.index(settings.mandate), key=f"mandate|{e}",
             format_func=lambda k: scenario.mandates[k].label,
             on_change=act_on, args=(f"mandate|{e}", actions.set_mandate))
    st.multiselect("Contingents in the force (what-if)", codes, default=list(settings.force),
                   key=f"force|{e}", on_change=act_on, args=(f"force|{e}", actions.set_force))
    st.checkbox("Stakeholder vetoes apply", value=bool(settings.vetoes), key=f"vetoes|{e}",
                disabled=not scenario.vetoes,
                on_change=act_on, args=(f"vetoes|{e}", actions.set_vetoes))
    with st.expander("Sectors"):
        if scenario.zones.opened[phase].is_empty:  # a steady state: nothing to cut
            st.caption(f"{scenario.phase_label(phase)} opens no new ground to the force: the "
                       "sectors already open carry on.")
        else:
            shown_count = int((table.sectors["phase"] == phase).sum())
            st.number_input("Sectors this phase opens", min_value=1, value=max(shown_count, 1),
                            key=f"count|{phase}|{e}")
            st.radio("Balance by", ["population", "area"], horizontal=True, key="balance")
            st.button("Re-cut this phase's sectors", key=f"recut|{e}", on_click=ask_recut,
                      args=(f"count|{phase}|{e}", phase))
            st.caption("Re-cutting clears the assignments of the phase's sectors (you are "
                       "asked first; undo brings them back).")
    left, right = st.columns(2)
    left.button("Undo", key=f"undo|{e}", on_click=act, args=(actions.undo,),
                disabled=not state.past, width="stretch")
    right.button("Redo", key=f"redo|{e}", on_click=act, args=(actions.redo,),
                 disabled=not state.future, width="stretch")
    with st.expander(f"Plan '{state.name}', revision {state.revision}"):
        st.text_input("Your name (shown in the history)", key="author",
                      on_change=remember_author)
        names = ss.env.store.names(scenario.name)
        st.selectbox("Open a saved plan", names, key=f"open_name|{e}",
                     index=names.index(state.name) if state.name in names else 0)
        st.button("Open", key=f"open|{e}", on_click=act_key,
                  args=(f"open_name|{e}", actions.open_named))
        st.text_input("Save as a new plan named", key=f"save_as|{e}")
        st.button("Save as", key=f"save_as_button|{e}", on_click=act_key,
                  args=(f"save_as|{e}", actions.save_as))
        st.caption("Every change is saved as a revision: restore one (as a new revision), "
                   "or compare it with the plan shown.")
        revisions = list(reversed(ss.env.store.history(state.name, 30)))
        labels = {r.number: f"{r.number}: {r.message} ({r.time}"
                            f"{', ' + r.author if r.author else ''})" for r in revisions}
        st.selectbox("Revision", list(labels), key=f"revision|{e}", format_func=labels.get,
                     index=1 if len(labels) > 1 else 0)
        chosen = ss.get(f"revision|{e}")
        left, right = st.columns(2)
        left.button("Restore", key=f"restore|{e}", disabled=chosen == state.revision,
                    on_click=act_key, args=(f"revision|{e}", actions.restore))
        if right.button("Compare", key=f"compare|{e}", disabled=chosen == state.revision):
            ss.compare_request = {"a": ("revision", state.name, chosen), "b": ("working",)}
            st.switch_page("app_pages/compare.py")
    st.checkbox("Least change from the current plan", value=True, key="least_change")
    st.number_input("Optimizer time limit (s)", min_value=1, max_value=600, value=10,
                    key="solve_seconds")
    st.button("Optimize", type="primary", width="stretch", key=f"optimize|{e}",
              on_click=optimize)
    st.download_button("Plan (GeoJSON)", lambda: export_geojson(view), on_click="ignore",
                       file_name=f"{state.name}-r{state.revision}.geojson",
                       mime="application/geo+json")
    st.download_button("Assignments (CSV)", lambda: export_csv(view), on_click="ignore",
                       file_name=f"{state.name}-r{state.revision}.csv", mime="text/csv")
    st.download_button("All layers (GeoPackage)", lambda: export_gpkg(view), on_click="ignore",
                       file_name=f"{state.name}-r{state.revision}.gpkg",
                       mime="application/geopackage+sqlite3")
    st.download_button("Who holds what, every phase (GeoJSON)", lambda: export_holdings(view),
                       on_click="ignore", file_name="holdings.geojson",
                       mime="application/geo+json")
    st.download_button("Briefing map of this phase (PNG)", lambda: export_png(view, phase),
                       on_click="ignore",
                       file_name=f"{state.name}-r{state.revision}-phase-{phase}.png",
                       mime="image/png")
    briefing_box(view)
    with st.expander("Replace a layer"):
        layer = st.selectbox("Layer", ["population", "places", "borders", "held", "territory",
                                       "sectors"], key="replace_layer")
        st.file_uploader("GeoJSON, GeoPackage, zipped Shapefile or KML",
                         type=["geojson", "json", "gpkg", "zip", "kml"], key=f"layer_upload|{e}",
                         on_change=upload, args=(f"layer_upload|{e}", actions.replace_layer,
                                                 layer))
    st.file_uploader("Import a plan (GeoJSON or CSV)", type=["geojson", "json", "csv"],
                     key=f"upload|{e}", on_change=upload,
                     args=(f"upload|{e}", actions.import_file))

totals = view.report.totals()
if not ss.get("guide_seen") and state.revision == 1 and not state.past:
    with st.container(border=True):
        origin = (f"opened from the scenario's example: a plan made by hand with "
                  f"{totals['hard']} hard violations on purpose, to show what the checker "
                  "finds" if (scenario.root / "example-plan.geojson").is_file() else
                  "a new plan with nothing assigned yet (the scenario ships no example)")
        st.markdown(
            f"**Where to start.** This is plan *{html.escape(state.name)}*, {origin}. Choose "
            "a sector on the map (or in the *Sector* box) to change its lead and troops; every "
            "rule is checked again at once. Or press **Optimize** in the sidebar for a plan "
            "that keeps every hard rule, which you can look over before applying it. Every "
            "change is saved as a revision you can undo.")
        st.button("Got it", key="guide_ok", on_click=dismiss_guide)

if state.error:
    st.error(state.error)
if state.notice:
    st.info(state.notice)
if state.conflict:
    c = state.conflict
    who = c.theirs_author or "another planner"
    st.warning(f"Your change ({c.message}) was not saved: {who} saved revision "
               f"{c.theirs_revision} meanwhile and changed the same things. The page shows "
               f"their plan; choose, for each, whose value to keep. Nothing is applied until "
               f"you choose.")
    keys = [f"conflict|{i}|{e}" for i in range(len(c.items))]
    for item, key in zip(c.items, keys):
        st.radio(item.label, [f"mine: {item.mine}", f"theirs: {item.theirs}"], index=None,
                 key=key, horizontal=True)
    left, right = st.columns(2)
    left.button("Apply my choices", key=f"resolve|{e}", on_click=resolve, args=(keys,),
                type="primary")
    right.button("Drop my change", key=f"dismiss|{e}",
                 on_click=plain, args=(actions.dismiss_conflict,))
pending = ss.get("pending_recut")
if pending and pending[0] == ss.scenario_path:
    _, recut_phase, count, balance = pending
    lost = recut_losses(plan, [s for s in table.ids if table.info[s].phase == recut_phase])
    st.warning(f"Re-cut phase {recut_phase} into {count} sectors (by {balance})? Its "
               f"{len(lost['sectors'])} sectors ({', '.join(lost['sectors'][:8])}"
               f"{' ...' if len(lost['sectors']) > 8 else ''}) are replaced: "
               f"{lost['assignments']} assignments and {lost['locks']} locks on them, in every "
               "phase, are cleared. Undo brings them back.")
    left, right = st.columns(2)
    left.button("Re-cut", key=f"recut_yes|{e}", type="primary", on_click=recut)
    right.button("Cancel", key=f"recut_no|{e}", on_click=lambda: ss.pop("pending_recut", None))

st.markdown(f"All phases: **{totals['hard']} hard** and **{totals['soft']} soft** violations "
            f"under {html.escape(view.mandate.label)}.")
if state.proposal is not None:
    p = state.proposal
    r = p.result
    label = scenario.mandates[p.settings.mandate].label
    if not state.current(p):
        st.warning("The optimizer's result is out of date: the plan or its settings changed "
                   "since. Optimize again.")
        st.button("Discard", key=f"discard|{e}",
                  on_click=plain, args=(actions.discard_proposal,))
    elif r.plan is not None:
        changes = describe_changes(state.work, state.work.with_plan(r.plan))
        words = optimizer_words(r, label, ss.env.solve_seconds, best_effort=p.best_effort)
        st.info(f"Optimizer: {words} Applying it changes {len(changes)} "
                f"sector-phases:\n\n" + "\n".join(f"- {html.escape(c)}" for c in changes[:30])
                + ("\n- ..." if len(changes) > 30 else ""))
        left, mid, right = st.columns(3)
        left.button("Apply", key=f"apply|{e}", type="primary", on_click=act,
                    args=(actions.apply_proposal,))
        if mid.button("Compare in detail", key=f"compare_proposal|{e}"):
            ss.compare_request = {"a": ("working",), "b": ("proposal",)}
            st.switch_page("app_pages/compare.py")
        right.button("Discard", key=f"discard|{e}",
                     on_click=plain, args=(actions.discard_proposal,))
    else:
        why = explanation_words(r.explanation, {x.id: x.kind for x in scenario.rules}) \
            if r.explanation else []
        st.error(f"Optimizer: {optimizer_words(r, label, ss.env.solve_seconds)}\n\n"
                 + "\n\n".join(html.escape(w) for w in why))
        left, right = st.columns(2)
        if r.status == "INFEASIBLE":
            left.button("Show the least-bad plan (it bends hard rules as little as it can)",
                        key=f"best_effort|{e}", on_click=optimize, args=(True,))
        right.button("Dismiss", key=f"discard|{e}",
                     on_click=plain, args=(actions.discard_proposal,))
elif state.solved is not None:
    r = state.solved.result
    if state.current(state.solved):
        words = "Optimizer: " + optimizer_words(
            r, scenario.mandates[state.solved.settings.mandate].label, ss.env.solve_seconds,
            best_effort=state.solved.best_effort)
        (st.warning if r.report is not None and not r.report.ok else st.success)(words)
    else:
        st.caption("The last optimizer result is out of date: the plan changed since.")

map_col, panel = st.columns([5, 2])
sector = state.selected if state.selected in open_sectors else (
    open_sectors[0] if open_sectors else None)
with map_col:
    shown = sector_display(table, phase, plan, view.report, view.held_requirements,
                           selected=sector)
    held = scenario.layers.held[scenario.layers.held["phase"] == phase]
    increments = cached_increments(ss.scenario_path, state.work.source, scenario)
    fmap = build_map(scenario, phase, increments=increments, held=held, layer_control=False,
                     basemap_url=basemap_url())
    center, zoom = focus_view(state.focus, table, scenario, MAP_HEIGHT)
    clicked = st_folium(fmap, key=MAP_KEY, height=MAP_HEIGHT,
                        use_container_width=True, returned_objects=CLICK_OBJECTS,
                        feature_group_to_add=sector_group(scenario, shown),
                        layer_control=layer_switcher(), center=center, zoom=zoom)
    if clicked_sector(clicked, open_sectors) and clicked != ss.get("last_click"):
        st.rerun()  # a click the top of the page has not seen yet: draw it selected
    st.markdown(legend_html(scenario, plan, phase), unsafe_allow_html=True)

with panel:
    places = sorted(scenario.layers.places["name"].astype(str))
    st.selectbox("Find a sector or place", open_sectors + places, index=None,
                 key=f"find|{e}", placeholder="a sector id or a place name",
                 on_change=act_on, args=(f"find|{e}", actions.find))
    if open_sectors:
        st.selectbox("Sector", open_sectors, index=open_sectors.index(sector),
                     key=f"selected|{e}", on_change=view_on,
                     args=(f"selected|{e}", actions.select))
    if sector:
        a = plan.get(phase, sector)
        need = view.requirements[(phase, sector)]
        locked = state.locked(phase, sector)
        st.button(f"Zoom to {sector}", key=f"zoom|{e}", on_click=act,
                  args=(actions.find, sector))
        alone = f" ({need.least:,} held by observers alone)" if need.least < need.troops else ""
        st.caption(f"needs {need.troops:,} troops{alone}; tasks: {', '.join(sorted(need.tasks))}"
                   + ("; locked: unlock it to edit" if locked else ""))
        sector_codes = view.sector_codes(phase, [sector])  # none that holds no ground
        options = ["(none)"] + sector_codes
        st.selectbox(f"Lead nation of {sector}", options, index=options.index(a.lead or "(none)"),
                     key=f"lead|{phase}|{sector}|{e}", disabled=locked,
                     on_change=edit_lead, args=(f"lead|{phase}|{sector}|{e}", phase, sector))
        later = later_leads_to_carry(plan, {p: view.open_in(p) for p in scenario.phase_numbers},
                                     phase, sector)
        if later and not locked:
            st.button(f"Also give {sector} to {a.lead}, with these troops, in phase"
                      f"{'s' * (len(later) > 1)} {', '.join(map(str, later))}",
                      key=f"carry|{e}", on_click=act, args=(actions.carry_lead, phase, sector))
        for code in sector_codes:
            key = f"troops|{phase}|{sector}|{code}|{e}"
            out = code not in settings.force
            st.number_input(f"{code} troops in {sector}", min_value=0, step=scenario.unit_of(code),
                            value=int(a.troops.get(code, 0)), key=key, disabled=locked or out,
                            help=f"{code} is not in the force (what-if)" if out else None,
                            on_change=act_on, args=(key, actions.edit_troops, phase, sector,
                                                    code))
        st.checkbox(f"Lock {sector} (kept by the optimizer)", value=locked,
                    key=f"lock|{phase}|{sector}|{e}", on_change=act_on,
                    args=(f"lock|{phase}|{sector}|{e}", actions.set_lock, phase, sector))

violations_tab, force_tab, table_tab = st.tabs(
    [f"Violations in {scenario.phase_label(phase)}", "The force at a glance", "Assignments"])
with violations_tab:
    for severity, items in violation_groups(view.report, phase).items():
        st.markdown(f"**{severity.capitalize()}** in this phase ({len(items)}): " + ", ".join(
            f"{html.escape(rule)} ({html.escape(kind)}) {n}"
            for rule, kind, n in violation_summary(items)))
        for i, v in enumerate(paged(items, VIOLATIONS_PER_PAGE, f"{severity} violations",
                                    f"page|{severity}")):
            label = f"{v.rule_id}: {v.message}"
            if v.sector:
                st.button(label, key=f"v|{severity}|{i}|{e}", on_click=choose_sector,
                          args=(v.sector,))
            else:
                st.markdown(f"- {html.escape(label)}")
with force_tab:
    t = phase_totals(view, phase)
    off = f" ({t['off_ground']:,} of them in units that hold no ground)" \
        if t["off_ground"] else ""
    st.markdown(f"**{scenario.phase_label(phase)}**: {t['sectors']} sectors need "
                f"**{t['required']:,}** troops; **{t['deployed']:,}** are deployed{off}, of "
                f"{t['offered']:,} offered by the contingents in the force available then.")
    # both tables' shares alike: a percent with one decimal ("40.0%", "29.2%")
    share = st.column_config.NumberColumn("share", format="percent", step=0.001)
    st.dataframe(pd.DataFrame(force_rows(view, phase)), hide_index=True, width="stretch",
                 column_config={"share": share})
    st.markdown(f"**Who holds what in {scenario.phase_label(phase)}** (km² and share of the "
                "territory)")
    st.dataframe(pd.DataFrame(holdings_rows(scenario.zones, phase)), hide_index=True,
                 column_config={"share": share,
                                "km²": st.column_config.NumberColumn("km²", format="%.1f")})
with table_tab:
    st.caption("Edit leads and troops for many sectors at once; every change is validated and "
               "checked like any other edit. Locked sectors cannot be edited here.")
    page_sectors = paged(open_sectors, TABLE_ROWS_PER_PAGE,
                         f"the table ({TABLE_ROWS_PER_PAGE} sectors each)", f"table_page|{phase}")
    table_codes = view.sector_codes(phase, page_sectors)  # none that holds no ground
    rows = phase_rows(plan, phase, page_sectors, table_codes, view.requirements,
                      {c.code: c for c in view.force})
    extra = lock_rows(plan, phase, page_sectors, view.report)
    for row in rows:
        row["status"] = extra[row["sector"]]["status"]
    table_key = f"table|{phase}|{e}"
    st.data_editor(
        pd.DataFrame(rows), hide_index=True, width="stretch", key=table_key,
        disabled=["sector", "required", "locked", "status"],
        on_change=edit_table, args=(table_key, phase, page_sectors),
        column_config={"lead": st.column_config.SelectboxColumn("lead",
                                                                options=[""] + table_codes),
                       **{c: st.column_config.NumberColumn(c, min_value=0,
                                                           step=scenario.unit_of(c))
                          for c in table_codes}})

st.divider()
st.caption(scenario.disclaimer)
