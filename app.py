"""The Withdrawal-Zone Planner in the browser: widgets wired to geo/planner calls.

Run with ``make run``. Logic lives in ``planner`` (tested there); this file only reads
widgets, calls those functions and renders what they return.
"""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import InputError
from geo.zones import held_by_phase
from planner.derive import scenario_increments
from planner.inspect import scenario_summary
from planner.mapview import build_map, sector_display
from planner.scenario import load_scenario

st.set_page_config(page_title="Withdrawal-Zone Planner", layout="wide")


@st.cache_resource(show_spinner="Loading scenario ...")
def cached_scenario(path: str | None):
    return load_scenario(path)


scenario_dir = os.environ.get("PLANNER_SCENARIO") or None
try:
    scenario = cached_scenario(scenario_dir)
except InputError as exc:
    st.error(f"The scenario cannot be loaded:\n\n{exc}")
    st.stop()

st.title("Withdrawal-Zone Planner")
st.caption(scenario.name)

with st.sidebar:
    phase = st.selectbox("Phase", scenario.phase_numbers,
                         format_func=lambda p: next(x.label for x in scenario.phases if x.phase == p))
    mandate = st.radio("Mandate", list(scenario.mandates),
                       format_func=lambda k: scenario.mandates[k].label)

held = scenario.layers.held[scenario.layers.held["phase"] == phase]
shown = sector_display(scenario.layers.sectors, phase)
fmap = build_map(scenario, phase, sectors_shown=shown, increments=scenario_increments(scenario),
                 held=held)
st_folium(fmap, key="map", height=600, use_container_width=True, returned_objects=[])

summary = scenario_summary(scenario)
left, right = st.columns(2)
with left:
    st.subheader("Phases")
    st.dataframe(pd.DataFrame(summary["phases"]), hide_index=True)
with right:
    st.subheader("Contingents")
    st.dataframe(pd.DataFrame(summary["contingents"]), hide_index=True)

st.divider()
st.caption(scenario.disclaimer)
