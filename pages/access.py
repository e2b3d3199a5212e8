"""Access: who may use the app with which access role; admins grant, change and revoke."""

from __future__ import annotations

import streamlit as st

from crm_core.errors import CrmError, ValidationError
from crm_core.queries.access import access_grants
from crm_core.queries.audit_log import audit_events
from crm_core.services.access import grant_access, revoke_access
from crm_core.vocab import ACCESS_ROLES
from dashboard.auth import auth_configured, bootstrap_admins, current_actor
from dashboard.data import load, write
from dashboard.format import markdown_text
from dashboard.tables import download_csv

ERRORS = "access_errors"  # session_state: {form: {field: message}}
DONE = "access_done"      # session_state: the confirmation of the last change

st.title("Access")
actor = current_actor()
st.caption(" · ".join(f"**{term.label}**: {term.doc}" for term in ACCESS_ROLES.terms))
if not auth_configured():
    st.info("Sign-in is off, so these grants take effect once `[auth]` is configured in "
            "`.streamlit/secrets.toml` (see *Sign-in* in the README).", icon=":material/info:")


def _error(form: str, field: str) -> None:
    message = st.session_state.get(ERRORS, {}).get(form, {}).get(field)
    if message:
        st.error(markdown_text(message), icon=":material/error:")


def _submit(form: str, service, success, **kwargs) -> bool:
    """Form callback: run the service; keep its error for the field it names, or confirm
    with success(result of the service)."""
    st.session_state.setdefault(ERRORS, {})[form] = {}
    try:
        result = write(service, **kwargs)
    except ValidationError as error:
        st.session_state[ERRORS][form] = {error.field or "form": error.message}
        return False
    except CrmError as error:
        st.session_state[ERRORS][form] = {"form": str(error)}
        return False
    st.session_state[DONE] = success(result)
    return True


def _granted(grant) -> str:
    return f"{grant.email} now has {ACCESS_ROLES.label(grant.access_role)} access."


def _grant() -> None:
    if _submit("grant", grant_access, _granted, email=st.session_state.access_grant_email,
               access_role=st.session_state.access_grant_role):
        st.session_state.access_grant_email = ""  # done: the form is ready for the next person


def _change() -> None:
    email, role = st.session_state.access_change_email, st.session_state.access_change_role
    if email is None:
        st.session_state.setdefault(ERRORS, {})["change"] = {"email": "Choose a person."}
        return
    _submit("change", grant_access, _granted, email=email, access_role=role)


def _revoke() -> None:
    email = st.session_state.access_change_email
    if email is None:
        st.session_state.setdefault(ERRORS, {})["change"] = {"email": "Choose a person."}
        return
    _submit("change", revoke_access, lambda _: f"{email} no longer has access.",
            email=email)


if done := st.session_state.pop(DONE, None):
    st.success(markdown_text(done), icon=":material/check_circle:")

grants = load(access_grants)
counts = grants["access_role"].value_counts()
st.subheader("1 person has access" if len(grants) == 1 else f"{len(grants)} people have access")
st.caption(", ".join(f"{counts.get(role, 0)} {ACCESS_ROLES.label(role).lower()}"
                     for role in ACCESS_ROLES))
shown = grants.assign(access_role=grants["access_role"].map(ACCESS_ROLES.label)).rename(
    columns={"email": "Email", "access_role": "Access role", "granted_by": "Granted by",
             "created_at": "First granted"})
st.dataframe(shown, hide_index=True, width="stretch")
download_csv(shown, file_name="access_grants", key="access_grants_csv")
if admins := sorted(bootstrap_admins()):
    st.caption("Always admin when signed in (CRM_ADMIN_EMAILS):")
    st.text(", ".join(admins))

grant_column, change_column = st.columns(2)
with grant_column, st.form("access_grant_form"):
    st.markdown("**Grant access**")
    st.text_input("Email", key="access_grant_email", placeholder="name@company.com")
    _error("grant", "email")
    st.selectbox("Access role", ACCESS_ROLES.values, format_func=ACCESS_ROLES.label,
                 key="access_grant_role")
    _error("grant", "access_role")
    st.form_submit_button("Grant access", type="primary", on_click=_grant)
    _error("grant", "form")

with change_column, st.form("access_change_form"):
    st.markdown("**Change or revoke access**")
    st.selectbox("Person", grants["email"].tolist(), index=None, key="access_change_email",
                 placeholder="Choose a person")
    _error("change", "email")
    st.selectbox("New access role", ACCESS_ROLES.values, format_func=ACCESS_ROLES.label,
                 key="access_change_role")
    _error("change", "access_role")
    save, revoke = st.columns(2)
    save.form_submit_button("Change role", on_click=_change)
    revoke.form_submit_button("Revoke access", on_click=_revoke)
    _error("change", "form")

st.subheader("Recent access changes")
history = load(audit_events, entity_type="access_grant", with_access_events=True, limit=20).events
if history.empty:
    st.caption("No access changes yet.")
else:
    changes = history[["when", "who", "summary"]].rename(
        columns={"when": "When", "who": "Who", "summary": "Change"})
    st.dataframe(changes, hide_index=True, width="stretch")
    download_csv(changes, file_name="access_changes", key="access_changes_csv")
