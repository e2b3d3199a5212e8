"""Streamlit-side shared code: cached data access, sign-in, navigation, charts, formatting."""
