"""The What-if sweeps page: run small sweeps of the plan in use with a progress bar, show a
results file's analyses and charts, and open any case as a what-if result in Compare.

Streamlit wiring only; the logic is planner/ui/whatif_view.py. Widget keys carry the app
state's epoch (see planner/ui/state.py). Nothing here writes the working plan: a sweep writes
its results file in the workspace (``sweeps/``), and opening a case saves a named plan
``<plan>~sweep-...`` and asks the Compare page to show it against the working plan.
"""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from app_pages.shell import app, ss
from geo.errors import InputError
from planner.sweep.results import read_results
from planner.ui import compare_view as cv
from planner.ui import whatif_view as wv

UPLOAD = "(upload a results file)"
COMPARE = "app_pages/compare.py"


def md(text) -> str:
    """Text shown as itself inside Markdown (names from scenarios and files included)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


# --- callbacks (view choices of this page; the app state is not touched) --------------------
def choose_file(key):
    ss.whatif_file = ss[key]


def keep_upload(key):
    f = ss[key]
    ss.whatif_upload = (f.name, f.getvalue()) if f is not None else None


@st.cache_data(max_entries=8, show_spinner=False)
def cached_frame(path: str, stamp: tuple):
    return read_results(path)


@st.cache_data(max_entries=8, show_spinner="Drawing the chart ...")
def cached_outcome_chart(_frame, digest: str):
    return wv.outcome_chart(_frame)


@st.cache_data(max_entries=32, show_spinner="Drawing the chart ...")
def cached_criticality_chart(_frame, digest: str, title: str, _mandates):
    return wv.criticality_chart(_frame, title, _mandates)


def frame_digest(frame: pd.DataFrame) -> str:
    return str(pd.util.hash_pandas_object(frame.drop(columns="seconds"), index=False).sum())


def table(rows, caption_if_empty: str):
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.caption(caption_if_empty)


# --- the page -----------------------------------------------------------------------------
state = app()
env = ss.env
e = state.epoch
scenario = env.scenario_for(state.work)
settings = state.settings
base = wv.sweep_base(scenario, env.table_for(state.work), state.work)
workspace = env.store.folder

st.title("What-if sweeps")
st.caption(f"{scenario.name} · plan '{state.name}', revision {state.revision}")
st.markdown("Which coalitions can staff a mandate, who is critical, what a veto costs: each "
            "case (a coalition under a mandate, veto setting and troop scale) is decided by "
            "the optimizer's exact pre-checks, then by CP-SAT.")

st.subheader("Run a sweep")
st.caption(md(f"Starts from the working plan: {base.label}. Coalitions are drawn from its "
              f"force; small sweeps only (at most {wv.MAX_PAGE_CASES:,} cases), run in this "
              "process."))
left, right = st.columns(2)
mandates = list(scenario.mandates)
chosen_mandates = left.multiselect("Mandates to try", mandates, default=[settings.mandate],
                                   key=f"wi_mandates|{e}",
                                   format_func=lambda k: scenario.mandates[k].label)
kind = left.radio("Coalitions", list(wv.COALITIONS), format_func=wv.COALITIONS.get,
                  key=f"wi_kind|{e}")
force = len(base.force)
min_size = left.number_input("Smallest coalition (contingents)", min_value=0,
                             max_value=max(force, 0), value=min(1, force), step=1,
                             key=f"wi_min|{e}", disabled=kind != "subsets")
veto_options = ["on"] + (["off", "each"] if base.veto_ids else [])
vetoes = right.multiselect("Vetoes", veto_options, default=["on"], key=f"wi_vetoes|{e}",
                           format_func=wv.VETO_SETTINGS.get)
scales_text = right.text_input("Troop scales (comma-separated, 1 = the troop figures)", "1",
                               key=f"wi_scales|{e}")
time_limit = right.number_input("Time limit per case (solver seconds, deterministic)",
                                min_value=0.5, max_value=600.0, value=10.0, step=0.5,
                                key=f"wi_limit|{e}")

scales, problems = wv.parse_scales(scales_text)
spec = wv.SweepSpec(tuple(chosen_mandates), kind, int(min_size), tuple(vetoes), scales,
                    float(time_limit))
problems += wv.spec_problems(spec, base)
if problems:
    st.error(md("The sweep cannot run: " + "; ".join(problems) + "."))
else:
    count = wv.case_count(spec, base)
    refused = wv.refusal(count, spec, base)
    if refused:
        words, command, after = refused.split("\n\n")
        st.error(md(words))
        st.code(command, language="bash")
        st.caption(md(after))
    elif count == 0:
        st.warning("This sweep has no case: no veto is in force to lift.")
    else:
        cases = wv.sweep_cases(spec, base)
        path = wv.results_path(workspace, spec, base)
        recorded = wv.cases_recorded(path, spec, base, cases)
        st.markdown(md(f"{count:,} cases; {recorded:,} already decided in {path.name} "
                       f"(workspace folder {wv.SWEEPS_FOLDER}/)."))
        label = (f"Run the sweep ({count - recorded:,} cases to decide)" if count > recorded
                 else "Show the sweep (every case is decided)")
        if st.button(label, type="primary", key=f"wi_run|{e}"):
            bar = st.progress(0.0, text="Starting the sweep ...")
            try:
                stats = wv.run_page_sweep(spec, base, cases, path,
                                          progress=lambda f, w: bar.progress(f, text=w))
            except InputError as exc:
                st.error(md(f"The sweep could not be written: {exc}"))
            else:
                ss.whatif_file = path.name
                ss.whatif_ran = f"{stats.text()}. Results: {path}"
                st.rerun()
        ran = ss.pop("whatif_ran", None)
        if ran:
            st.success(md(ran))

st.subheader("Results")
files = wv.results_files(workspace)
if not files:
    st.info("No results yet: run a sweep above, or upload a results file written by "
            "planner sweep.")
names = [f.name for f in files] + [UPLOAD]
current = ss.get("whatif_file")
if current not in names:
    current = names[0]
key = f"wi_file|{current}|{e}"
st.selectbox("Results file (the workspace's sweeps, newest first)", names,
             index=names.index(current), key=key, on_change=choose_file, args=(key,))
frame, source = None, None
if current == UPLOAD:
    st.file_uploader("A results file written by planner sweep (.parquet)", type=["parquet"],
                     key="wi_upload", on_change=keep_upload, args=("wi_upload",))
    upload = ss.get("whatif_upload")
    if upload:
        try:
            frame, source = wv.read_upload(*upload), upload[0]
        except InputError as exc:
            st.error(md(f"{upload[0]} cannot be read (nothing was kept):\n\n{exc}"))
else:
    path = workspace / wv.SWEEPS_FOLDER / current
    try:
        stat = path.stat()
        frame, source = cached_frame(str(path), (stat.st_mtime_ns, stat.st_size)), current
    except (InputError, OSError) as exc:
        st.error(md(f"{current} cannot be read:\n\n{exc}"))

if frame is None:
    st.divider()
    st.caption(scenario.disclaimer)
    st.stop()

note = wv.results_note(frame, base)
st.caption(md(f"{source}: {len(frame):,} cases." + (f" {note}" if note else "")))
tables = wv.analysis_tables(frame, scenario.mandates)
digest = frame_digest(frame)
st.markdown("**Outcomes** (cases are compared within a group: one mandate, veto setting and "
            "troop scale)")
table(tables["outcomes"], "No case in the file.")
st.image(cached_outcome_chart(frame, digest), caption="Outcome of every case, by nation")
titles = wv.groups(frame, scenario.mandates)
if titles:
    key = f"wi_group|{source}|{e}"
    group = st.selectbox("Group", titles, key=key)
    st.markdown("**Smallest coalitions that can staff it** (feasible, with no feasible "
                "coalition among their swept sub-coalitions)")
    table(wv.of_group(tables["minimal"], group), "No swept coalition can staff it.")
    st.markdown("**Criticality**: in how many feasible coalitions each contingent's departure "
                "leaves no plan, of those whose remainder was swept")
    table(wv.of_group(tables["criticality"], group), "No case in this group.")
    st.image(cached_criticality_chart(frame, digest, group, scenario.mandates),
             caption=f"Criticality: {group}")
st.markdown("**What each veto costs**: coalitions that can staff the mandate only with it "
            "lifted; the mean extra troops and soft penalty where both work")
table(tables["veto_costs"], "The sweep compares no veto setting with 'on' (sweep vetoes on "
                            "and off, or each).")

st.subheader("Open a case in Compare")
st.caption(md(f"The case is solved again as the sweep solved it and saved as a what-if "
              f"result ('{state.name}~sweep-...'); Compare shows it against the working plan, "
              "which does not change."))
choices = wv.case_choices(frame, scenario.mandates)
words = dict(choices)
case_key = st.selectbox("Case", [k for k, _ in choices], format_func=words.get,
                        key=f"wi_case|{source}|{e}")
row = wv.row_of(frame, case_key)
if wv.no_plan(row):
    st.info(md(f"No plan for this case ({row['decided_by']}): {row['explanation'] or ''}"))
elif st.button("Open in Compare", type="primary", key=f"wi_open|{e}"):
    with st.spinner("Solving the case again ..."):
        outcome = wv.open_case(state, env, base, row, source=source)
    if outcome.solved:
        ss.compare_request = wv.compare_request(outcome)
        st.switch_page(COMPARE)
    elif outcome.error:
        st.error(md(outcome.error))
    else:
        st.error(md(f"No plan for {outcome.label}:") + "\n\n" + "\n".join(
            f"- {md(line)}" for line in cv.explanation_lines(outcome.result)))

st.divider()
st.caption(scenario.disclaimer)
