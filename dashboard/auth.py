"""Who is signed in, and with which access role.

Deployed: Streamlit's native OpenID Connect sign-in (`[auth]` in .streamlit/secrets.toml); the
role comes from the access grants in the database (emails in CRM_ADMIN_EMAILS are always admin,
so the first admin can sign in). Local (no `[auth]`): the operator on localhost is an admin; on
any other address the app falls back to read-only viewer access and says so.
"""

from __future__ import annotations

import os

import streamlit as st

from crm_core.access import Actor
from crm_core.db import read_session
from crm_core.queries.access import access_role_for

LOCAL_ADDRESSES = {"", "localhost", "127.0.0.1", "::1"}
LOCAL_OPERATOR_EMAIL = "local-operator@localhost"


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (OpenID Connect sign-in)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def served_locally() -> bool:
    """True when the server listens on a loopback address only."""
    return (st.get_option("server.address") or "").strip() in LOCAL_ADDRESSES


def bootstrap_admins() -> set[str]:
    """Emails that are always admin (CRM_ADMIN_EMAILS, comma-separated)."""
    raw = os.environ.get("CRM_ADMIN_EMAILS", "")
    return {e.strip().lower() for e in raw.split(",") if e.strip()}


def signed_in_email() -> str | None:
    """The email of the person signed in through OpenID Connect, if any."""
    if st.user.get("is_logged_in"):
        email = st.user.get("email")
        return str(email).strip().lower() if email else None
    return None


def resolve_actor() -> Actor | None:
    """The actor of this browser session; None when signed in without a grant or signed out."""
    from dashboard.data import engine

    email = signed_in_email()
    if email:
        if email in bootstrap_admins():
            return Actor(email=email, role="admin", name=str(st.user.get("name") or email))
        with read_session(engine()) as session:
            role = access_role_for(session, email)
        return Actor(email=email, role=role, name=str(st.user.get("name") or email)) \
            if role else None
    if auth_configured():
        return None
    role = "admin" if served_locally() else "viewer"
    return Actor(email=LOCAL_OPERATOR_EMAIL, role=role, name="Local operator")


ACTOR_KEY = "_crm_actor"


def remember_actor(actor: Actor | None) -> None:
    """Home.py resolves the actor once per run and keeps it for the page and its writes."""
    st.session_state[ACTOR_KEY] = actor


def current_actor() -> Actor:
    """The actor Home.py resolved for this run (it stops the run when there is none)."""
    actor = st.session_state.get(ACTOR_KEY) or resolve_actor()
    if actor is None:
        st.stop()
    return actor
