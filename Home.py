"""Entry point and router: page config, database start-up, sign-in gate, navigation."""

import streamlit as st

from dashboard.auth import (
    auth_configured,
    remember_actor,
    resolve_actor,
    served_locally,
    signed_in_email,
)
from dashboard.navigation import pages_for
from dashboard.startup import ensure_database

st.set_page_config(page_title="Relationship & MEDDPICC coverage", page_icon=":material/hub:",
                   layout="wide")

ensure_database()
actor = resolve_actor()
remember_actor(actor)

if actor is None:
    st.title("Relationship & MEDDPICC coverage")
    if signed_in_email():
        st.warning(f"You are signed in as {signed_in_email()}, but you have no access yet. "
                   "Ask an admin for access.", icon=":material/lock:")
        st.button("Sign out", on_click=st.logout, key="sign_out")
    else:
        st.info("Sign in to see the dashboards.", icon=":material/login:")
        st.button("Sign in", on_click=st.login, key="sign_in", type="primary")
    st.stop()

with st.sidebar:
    st.caption("Signed in as")
    st.text(f"{actor.name or actor.email} · {actor.role}")
    if signed_in_email():
        st.button("Sign out", on_click=st.logout, key="sign_out")
    elif not auth_configured():
        if served_locally():
            st.warning("Sign-in is off: you are the local admin. Add an [auth] section to "
                       ".streamlit/secrets.toml to turn it on (see README).",
                       icon=":material/lock_open:")
        else:
            st.error("Sign-in is off and this server is reachable from other machines, so "
                     "everyone gets read-only viewer access. Configure [auth] to edit.",
                     icon=":material/lock:")

st.navigation(pages_for(actor)).run()
