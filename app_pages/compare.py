"""The Compare page: two plans side by side, two maps in step, what-if variants.

Streamlit wiring only; the logic is planner/ui/compare_view.py. What the page shows is a
:class:`planner.ui.compare_view.CompareState` kept per scenario in the session; its boxes are
views of it (keys carry its counter ``n`` and the app state's epoch, see planner/ui/state.py).
Nothing here writes the working plan except "Apply", through planner.ui.actions.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st

from app_pages.shell import act, app, plain, put, ss, watch_store
from planner.ui import actions
from planner.ui import compare_view as cv
from planner.ui.state import sector_phase

STATE_KEY = f"compare|{ss.scenario_path}"


def md(text: str) -> str:
    """Text shown as itself inside Markdown (names from scenarios and files included)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


def page_state() -> cv.CompareState:
    return ss[STATE_KEY]


def change(**changes) -> None:
    ss[STATE_KEY] = replace(page_state(), **changes)


def files() -> dict:
    return ss.setdefault("compare_files", {})


# --- callbacks ----------------------------------------------------------------------------
def choose_kind(side, key):
    change(**{side: cv.default_choice(ss[key], app(), ss.env)}, sector=None)


def choose_revision(side, name, key):
    change(**{side: ("revision", name, ss[key])}, sector=None)


def choose_saved(side, key):
    change(**{side: ("revision", ss[key], None)}, sector=None)


def choose_variant(side, key):
    change(**{side: ("variant", ss[key])}, sector=None)


def upload(side, key):
    f = ss[key]
    if f is not None:
        files()[f.name] = f.getvalue()
        change(**{side: ("file", f.name)}, sector=None)


def swap():
    ss[STATE_KEY] = cv.swapped(page_state())


def view_phase(key):
    change(phase=ss[key], sector=None)


def view_sector(key):
    change(sector=None if ss[key] == "(none)" else ss[key])


def view_row(key, rows):
    picked = cv.sector_at(rows, ss[key]["selection"]["rows"])
    if picked:
        change(sector=picked)


def view_mode(key):
    change(one_map=bool(ss[key]))


def after_apply():
    """Once the working plan changed: show what the change did (the revision before
    against the working plan)."""
    state = app()
    if not state.error and not state.conflict:
        fresh = cv.initial(state)
        change(a=fresh.a, b=fresh.b, sector=None, n=page_state().n + 1)


def apply_variant(label):
    cs = page_state()
    try:
        b = cv.resolve(cs.b, app(), ss.env, files())
    except cv.SideError as exc:
        put(actions.refused(app(), str(exc)))
        return
    act(actions.apply_variant, b.work, label)
    after_apply()


def apply_proposal():
    act(actions.apply_proposal)
    after_apply()


def discard_proposal():
    plain(actions.discard_proposal)
    after_apply()


def solve_variant(epoch):
    state, env = app(), ss.env
    scenario = env.scenario_for(state.work)
    rows = ss.get(f"v_troops|{epoch}", {}).get("edited_rows", {})
    current = troop_figures(state, scenario)
    codes = list(current)
    troops = {}
    for i, cells in rows.items():
        code, value = codes[int(i)], cells.get("troops")
        if value is not None and value == value and value != current[code]:
            troops[code] = int(value) if float(value).is_integer() else value
    variant = cv.Variant(mandate=ss.get(f"v_mandate|{epoch}"),
                         without=tuple(ss.get(f"v_out|{epoch}") or ()),
                         vetoes_off=tuple(ss.get(f"v_vetoes|{epoch}") or ()),
                         troops=troops, locks=tuple(ss.get(f"v_locks|{epoch}") or ()))
    suffix = (ss.get(f"v_name|{epoch}") or "").strip()
    with st.spinner("Solving the variant ..."):
        outcome = cv.solve_variant(state, env, variant,
                                   name=f"{state.name}{cv.VARIANT_MARK}{suffix}" if suffix
                                   else None)
    ss.compare_outcome = outcome
    if outcome.solved:
        change(a=("working",), b=("variant", outcome.name), sector=None,
               n=page_state().n + 1)


def troop_figures(state, scenario) -> dict[str, int]:
    """Each contingent in the working plan's force with its troop figure (what-if or
    pledged), in scenario order."""
    return {c.code: c.troops for c in state.settings.contingents(scenario)}


# --- the page -----------------------------------------------------------------------------
state = app()
env = ss.env
e = state.epoch
scenario = env.scenario_for(state.work)
watch_store()
if STATE_KEY not in ss:
    ss[STATE_KEY] = cv.initial(state)
request = ss.pop("compare_request", None)
if request is not None:
    ss[STATE_KEY] = cv.requested(page_state(), request)
cs = page_state()

with st.sidebar:
    st.subheader("What-if variant")
    st.caption(f"The working plan's settings with changes. The optimizer solves it (least "
               f"change from the working plan, {env.solve_seconds:g} s at most) into a plan "
               f"named '{state.name}~...'; the working plan changes only when you apply it.")
    settings = state.settings
    with st.form(f"variant|{e}", border=False):
        st.multiselect("Contingents out", list(settings.force), key=f"v_out|{e}")
        vetoes = {v.id: v for v in scenario.vetoes}
        st.multiselect("Vetoes lifted", list(settings.vetoes), key=f"v_vetoes|{e}",
                       format_func=lambda v: f"{v}: {vetoes[v].by} bars {vetoes[v].nation}"
                       if v in vetoes else v)
        mandates = list(scenario.mandates)
        st.selectbox("Mandate", mandates, index=mandates.index(settings.mandate),
                     key=f"v_mandate|{e}", format_func=lambda k: scenario.mandates[k].label)
        figures = troop_figures(state, scenario)
        st.caption("Troop figures (change one for a what-if):")
        st.data_editor(pd.DataFrame({"nation": list(figures), "troops": list(figures.values())}),
                       key=f"v_troops|{e}", hide_index=True, disabled=["nation"],
                       width="stretch",
                       column_config={"troops": st.column_config.NumberColumn(
                           "troops", min_value=0, step=1)})
        keys = env.table_for(state.work).keys
        st.multiselect("Lock sectors (at the working plan's lead and troops)", keys,
                       key=f"v_locks|{e}", format_func=sector_phase)
        st.text_input(f"Name: '{state.name}~' and (empty: named after the changes)",
                      key=f"v_name|{e}")
        st.form_submit_button("Solve the variant", type="primary", on_click=solve_variant,
                              args=(e,))

st.title("Compare plans")
st.caption(scenario.name)
if state.error:
    st.error(state.error)
if state.notice:
    st.info(state.notice)

outcome = ss.get("compare_outcome")
if outcome is not None:
    if outcome.error:
        st.error(md(outcome.error))
    elif outcome.solved:
        r = outcome.result
        st.success(md(f"What-if '{outcome.name}' ({outcome.label}): {r.status} in "
                      f"{r.seconds:.1f} s, saved as revision {outcome.revision} of "
                      f"'{outcome.name}'. The working plan is unchanged."))
    else:
        st.error(md(f"No plan for the what-if ({outcome.label}):") + "\n\n"
                 + "\n".join(f"- {md(line)}" for line in cv.explanation_lines(
                     outcome.result, env.solve_seconds)))


def chooser(side: str, choice: tuple):
    """The boxes choosing one side; returns the resolved side or None (its error shown)."""
    kinds = cv.kinds_available(state, env)
    kind = cv.kind_of(choice, state)
    if kind not in kinds:
        kinds.append(kind)
    key = f"cmp_kind|{side}|{cs.n}|{e}"
    st.selectbox(f"Plan {side.upper()}", kinds, index=kinds.index(kind), key=key,
                 format_func=cv.KINDS.get, on_change=choose_kind, args=(side, key))
    if kind == "revision":
        options = cv.revision_options(env, state.name)
        numbers = [n for n, _ in options]
        labels = dict(options)
        key = f"cmp_rev|{side}|{cs.n}|{e}"
        st.selectbox("Revision", numbers, index=numbers.index(choice[2])
                     if choice[2] in numbers else 0, key=key, format_func=labels.get,
                     on_change=choose_revision, args=(side, state.name, key))
    elif kind == "saved":
        names = cv.saved_names(state, env)
        if choice[1] not in names:
            names.append(choice[1])
        key = f"cmp_saved|{side}|{cs.n}|{e}"
        st.selectbox("Saved plan", names, index=names.index(choice[1]), key=key,
                     on_change=choose_saved, args=(side, key))
        options = cv.revision_options(env, choice[1], latest=True)
        numbers = [n for n, _ in options]
        labels = dict(options)
        key = f"cmp_saved_rev|{side}|{choice[1]}|{cs.n}|{e}"
        st.selectbox("Revision", numbers, index=numbers.index(choice[2])
                     if choice[2] in numbers else 0, key=key, format_func=labels.get,
                     on_change=choose_revision, args=(side, choice[1], key))
    elif kind == "variant":
        names = cv.variant_names(state, env)
        if choice[1] not in names:
            names.append(choice[1])
        key = f"cmp_variant|{side}|{cs.n}|{e}"
        st.selectbox("What-if result", names, index=names.index(choice[1]), key=key,
                     on_change=choose_variant, args=(side, key))
    elif kind == "file":
        key = f"cmp_file|{side}|{cs.n}"
        st.file_uploader("Plan file (GeoJSON or CSV; checked, never saved)",
                         type=["geojson", "json", "csv"], key=key, on_change=upload,
                         args=(side, key))
    try:
        chosen = cv.resolve(choice, state, env, files())
    except cv.SideError as exc:
        st.error(md(str(exc)).replace("\n", "  \n"))
        return None
    if chosen.note:
        st.caption(md(chosen.note))
    return chosen


left, right, middle = st.columns([10, 10, 2])
with left:
    a = chooser("a", cs.a)
with right:
    b = chooser("b", cs.b)
middle.button("⇄ Swap", key=f"swap|{cs.n}|{e}", on_click=swap, help="Swap A and B")
if a is None or b is None:
    st.stop()

cache = ss.get("compare_cache")
cache_key = (a.work, b.work, a.label, b.label)
if cache is not None and cache[0] == cache_key:
    c = cache[1]
else:
    c = cv.comparison_of(a, b, env)
    ss.compare_cache = (cache_key, c)

left, right = st.columns(2)
for column, name, chosen, summary in ((left, "A", a, c.a), (right, "B", b, c.b)):
    column.markdown(f"**{name}: {md(chosen.label)}**  \n"
                    f"{md(cv.side_words(summary))}: **{summary.hard} hard**, "
                    f"{summary.soft} soft violations, soft penalty {summary.soft_penalty:g}")
st.markdown("  \n".join(md(line) for line in cv.summary_lines(env, a, b, c)))

if cs.a == ("working",) and cs.b[0] == "variant" and not c.same:
    label = f"'{cs.b[1]}' revision {b.revision}"
    st.button(f"Apply {label} to the working plan", type="primary",
              key=f"apply_variant|{cs.n}|{e}", on_click=apply_variant, args=(label,))
if cs.a == ("working",) and cs.b == ("proposal",) and state.proposal is not None \
        and state.current(state.proposal) and not c.same:
    one, two = st.columns([1, 4])
    one.button("Apply the proposal", type="primary", key=f"apply_proposal|{cs.n}|{e}",
               on_click=apply_proposal)
    two.button("Discard the proposal", key=f"discard_proposal|{cs.n}|{e}",
               on_click=discard_proposal)

phases = list(c.phases)
phase = cs.phase if cs.phase in phases else phases[0]
table_a, table_b = env.table_for(a.work), env.table_for(b.work)
rows = cv.change_rows(env, a, b, c, phase)
changed = {r["sector"] for r in rows}
sectors = sorted(set(table_a.open_in(phase)) | set(table_b.open_in(phase)))
selected = cs.sector if cs.sector in sectors else None

one, two, three = st.columns([2, 3, 3])
key = f"cmp_phase|{cs.n}"
one.selectbox("Phase", phases, index=phases.index(phase), key=key,
              format_func=scenario.phase_label, on_change=view_phase, args=(key,))
options = ["(none)"] + sectors
key = f"cmp_sector|{phase}|{selected}|{cs.n}"
two.selectbox("Sector (selected in both maps)", options,
              index=options.index(selected or "(none)"), key=key,
              format_func=lambda s: f"{s} (changed)" if s in changed else s,
              on_change=view_sector, args=(key,))
key = f"cmp_one_map|{cs.n}"
three.toggle("One map, changed sectors hatched", value=cs.one_map, key=key,
             on_change=view_mode, args=(key,))

st.iframe(cv.compare_map_html(env, a, b, c, phase, one_map=cs.one_map, selected=selected),
          height=cv.MAP_HEIGHT + 70)

left, right = st.columns(2)
with left:
    st.subheader(f"What changed in phase {phase}")
    if rows:
        key = f"cmp_rows|{phase}|{cs.n}|{e}"
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=key,
                     on_select=partial(view_row, key, rows), selection_mode="single-row")
        st.caption("Click a row to select its sector in both maps.")
    else:
        st.caption("No sector differs in this phase.")
with right:
    st.subheader(f"Contingents in phase {phase}")
    st.dataframe(pd.DataFrame(cv.contingent_table(c, phase)), hide_index=True,
                 width="stretch")

st.subheader("Violations by rule (all phases)")
rule_rows = cv.rule_rows(c)
if rule_rows:
    st.dataframe(pd.DataFrame(rule_rows), hide_index=True, width="stretch")
else:
    st.caption("Neither plan breaks a rule.")
fixed, introduced = cv.violation_lines(c, phase)
left, right = st.columns(2)
with left.expander(f"Fixed by B in phase {phase} ({len(fixed)})"):
    st.markdown("\n".join(f"- {md(x)}" for x in fixed) or "None.")
with right.expander(f"Introduced by B in phase {phase} ({len(introduced)})"):
    st.markdown("\n".join(f"- {md(x)}" for x in introduced) or "None.")

st.divider()
st.caption(scenario.disclaimer)
