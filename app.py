"""The Withdrawal-Zone Planner in the browser: ``make run`` serves it.

This file only sets the page up and lists the pages (app_pages/); every page is Streamlit
wiring over planner.ui, where the logic lives and is tested.
"""
import streamlit as st

st.set_page_config(page_title="Withdrawal-Zone Planner", layout="wide")

from app_pages import shell  # noqa: E402  (after set_page_config, as Streamlit requires)

shell.start()
pages = [st.Page("app_pages/plan.py", title="Plan", default=True),
         st.Page("app_pages/compare.py", title="Compare"),
         st.Page("app_pages/what_if.py", title="What-if sweeps")]
st.navigation(pages).run()
