"""The app's pages: Streamlit wiring only (widgets -> planner.ui actions -> render)."""
