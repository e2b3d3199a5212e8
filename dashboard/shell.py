"""What surrounds every page: the sign-in gate for people without access, and the sidebar."""

from __future__ import annotations

import streamlit as st

from crm_core.access import Actor
from crm_core.db import read_session
from crm_core.queries.people import departed_on_for_email
from crm_core.vocab import ACCESS_ROLES
from dashboard.auth import auth_configured, is_signed_in, sign_in_providers, signed_in_email
from dashboard.local_mode import served_locally

APP_TITLE = "Relationship & MEDDPICC coverage"


def gate_page() -> st.Page:
    """The only page of someone without access: sign in, or ask an admin for access."""
    return st.Page(_render_gate, title="Sign in", icon=":material/login:", url_path="sign-in",
                   default=True)


def _render_gate() -> None:
    st.title(APP_TITLE)
    st.caption("Who owns each customer relationship, which buying roles each deal is missing, "
               "and what has to happen next.")
    if not auth_configured():
        st.error("This app answers only the person at this computer, in a browser tab that "
                 "opened it directly (e.g. http://localhost:8501), not through another site, "
                 "another address or a proxy. To serve it to others, turn on sign-in (see "
                 "*Sign-in* in the README).", icon=":material/lock:")
    elif not is_signed_in():
        _render_sign_in()
    elif signed_in_email() is None:
        st.warning("Your sign-in provider did not share a verified email address this app can "
                   "use, so it cannot tell which access you have. Ask your admin to check the "
                   "provider's settings (scope `email`, the `email_verified` claim).",
                   icon=":material/lock:")
        st.button("Sign out", on_click=st.logout, key="sign_out")
    else:
        _render_no_access()


def _render_sign_in() -> None:
    st.info("Sign in to see the dashboards.", icon=":material/login:")
    for provider in sign_in_providers():
        label = "Sign in" if provider is None else f"Sign in with {provider.title()}"
        st.button(label, on_click=st.login, args=(provider,), key=f"sign_in_{provider or 'sso'}",
                  type="primary")


def _render_no_access() -> None:
    from dashboard.data import engine

    with read_session(engine()) as session:
        departed = departed_on_for_email(session, email=signed_in_email() or "")
    if departed is not None:
        st.warning(f"Your account is marked as departed (on {departed:%Y-%m-%d}), so it can no "
                   "longer sign in. If you are back, ask a manager to mark your return.",
                   icon=":material/lock:")
        st.button("Sign out", on_click=st.logout, key="sign_out")
        return
    st.warning("You have no access to this app yet. Ask an admin for access: they grant you an "
               "access role (viewer, manager or admin) on the Access page.",
               icon=":material/lock:")
    st.caption("Signed in as")
    st.text(signed_in_email())  # the provider's text: shown as text, never as markdown
    st.button("Sign out", on_click=st.logout, key="sign_out")


def render_sidebar(actor: Actor) -> None:
    """Who is signed in with which access role, sign-out, and the sign-in-off banner."""
    with st.sidebar:
        st.caption("Signed in as")
        st.text(f"{actor.name or actor.email}\n{ACCESS_ROLES.label(actor.role)} access")
        if is_signed_in():
            st.button("Sign out", on_click=st.logout, key="sign_out")
        elif not auth_configured():
            _render_sign_in_off_banner()


def _render_sign_in_off_banner() -> None:
    if served_locally():
        st.warning("Sign-in is off: anyone on this computer is an admin. To turn it on, add an "
                   "`[auth]` section to `.streamlit/secrets.toml` (see *Sign-in* in the README).",
                   icon=":material/lock_open:")
    else:
        st.error("Sign-in is off and this server is reachable from other computers, so everyone "
                 "gets read-only viewer access. To edit, add an `[auth]` section to "
                 "`.streamlit/secrets.toml` (see *Sign-in* in the README), or serve on "
                 "127.0.0.1.", icon=":material/lock:")
