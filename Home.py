"""Entry point and router: page config, database start-up, sign-in gate, navigation."""

import streamlit as st

from crm_core.db import UNAVAILABLE_ERRORS
from dashboard.auth import remember_actor, resolve_actor
from dashboard.navigation import pages_for
from dashboard.shell import APP_TITLE, gate_page, render_sidebar
from dashboard.startup import MissingDatabase, ensure_database
from dashboard.unavailable import (
    missing_database_page,
    show_database_unavailable,
    unavailable_page,
)

# An emoji favicon is drawn in the browser; a ":material/...:" one is fetched from Google's font
# server, which an offline deployment cannot reach.
st.set_page_config(page_title=APP_TITLE, page_icon="🤝", layout="wide")

# Always one st.navigation call per run, even on these early exits: without it Streamlit would
# fall back to serving every script in pages/ to anyone.
try:
    ensure_database()
    actor = resolve_actor()
except MissingDatabase as missing:
    st.navigation([missing_database_page(missing.path)], position="hidden").run()
    st.stop()
except UNAVAILABLE_ERRORS as error:
    st.navigation([unavailable_page(error)], position="hidden").run()
    st.stop()
remember_actor(actor)

if actor is None:
    st.navigation([gate_page()], position="hidden").run()
    st.stop()

render_sidebar(actor)
page = st.navigation(pages_for(actor))
try:
    page.run()
except UNAVAILABLE_ERRORS as error:  # the database went away while this page was reading
    show_database_unavailable(error)
