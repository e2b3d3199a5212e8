"""Entry point and router: page config, database start-up, sign-in gate, navigation."""

import streamlit as st

from dashboard.auth import remember_actor, resolve_actor
from dashboard.navigation import pages_for
from dashboard.shell import APP_TITLE, gate_page, render_sidebar
from dashboard.startup import ensure_database

# An emoji favicon is drawn in the browser; a ":material/...:" one is fetched from Google's font
# server, which an offline deployment cannot reach.
st.set_page_config(page_title=APP_TITLE, page_icon="🤝", layout="wide")

ensure_database()
actor = resolve_actor()
remember_actor(actor)

if actor is None:
    # Always call st.navigation, even here: without it Streamlit would fall back to serving
    # every script in pages/ to anyone.
    st.navigation([gate_page()], position="hidden").run()
    st.stop()

render_sidebar(actor)
st.navigation(pages_for(actor)).run()
