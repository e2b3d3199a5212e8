"""Who is signed in, and with which access role.

Deployed: Streamlit's native OpenID Connect sign-in (`[auth]` in .streamlit/secrets.toml); the
role comes from the access grants in the database (emails in CRM_ADMIN_EMAILS are always admin,
so the first admin can sign in). Local (no `[auth]`): the operator on a loopback address is an
admin; on any other address the app falls back to read-only viewer access and says so.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

import streamlit as st

from crm_core.access import Actor
from crm_core.db import read_session
from crm_core.queries.access import access_role_for
from crm_core.queries.people import departed_on_for_email

LOCAL_OPERATOR_EMAIL = "local-operator@localhost"
ACTOR_KEY = "_crm_actor"


def _auth_section() -> Mapping:
    try:
        section = st.secrets.get("auth")
    except FileNotFoundError:  # no secrets.toml at all
        return {}
    return section if isinstance(section, Mapping) else {}


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (OpenID Connect sign-in)."""
    return bool(_auth_section())


def sign_in_providers() -> list[str | None]:
    """The providers st.login can use: None for a default one in [auth], then [auth.<name>]s."""
    section = _auth_section()
    default = [None] if "client_id" in section else []
    named = [name for name, value in section.items()
             if isinstance(value, Mapping) and "client_id" in value]
    return default + sorted(named)


def is_loopback(address: str | None) -> bool:
    """True for localhost and loopback IPs; False for '' (Streamlit then listens everywhere)."""
    host = (address or "").strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def served_locally() -> bool:
    """True when the server listens on a loopback address only."""
    return is_loopback(st.get_option("server.address"))


def bootstrap_admins() -> set[str]:
    """Emails that are always admin (CRM_ADMIN_EMAILS, comma-separated)."""
    raw = os.environ.get("CRM_ADMIN_EMAILS", "")
    return {e.strip().lower() for e in raw.split(",") if e.strip()}


def is_signed_in() -> bool:
    """True when someone has signed in through OpenID Connect in this browser session."""
    return bool(st.user.get("is_logged_in"))


def signed_in_email() -> str | None:
    """The verified email of the person signed in, if any.

    An email the provider explicitly marks as unverified is not trusted: anyone could claim it.
    """
    if not is_signed_in() or st.user.get("email_verified") is False:
        return None
    email = st.user.get("email")
    return str(email).strip().lower() if email else None


def resolve_actor() -> Actor | None:
    """The actor of this browser session; None when signed out or signed in without a grant."""
    from dashboard.data import engine

    if is_signed_in():
        email = signed_in_email()
        if email is None:
            return None
        name = str(st.user.get("name") or email)
        with read_session(engine()) as session:
            # A user who has departed no longer signs in, whatever access they were granted.
            if departed_on_for_email(session, email=email) is not None:
                return None
            role = "admin" if email in bootstrap_admins() else access_role_for(session, email)
        return Actor(email=email, role=role, name=name) if role else None
    if auth_configured():
        return None
    role = "admin" if served_locally() else "viewer"
    return Actor(email=LOCAL_OPERATOR_EMAIL, role=role, name="Local operator")


def remember_actor(actor: Actor | None) -> None:
    """Home.py resolves the actor once per run and keeps it for the page and its writes."""
    st.session_state[ACTOR_KEY] = actor


def current_actor() -> Actor:
    """The actor Home.py resolved for this run (it stops the run when there is none)."""
    from dashboard.navigation import ensure_routed

    ensure_routed()
    actor = st.session_state.get(ACTOR_KEY) or resolve_actor()
    if actor is None:
        st.stop()
    return actor
