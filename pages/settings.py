"""Settings (admins): which MEDDPICC roles each open stage requires, as a stage × role grid."""

import streamlit as st

from crm_core.glossary import help_text
from crm_core.queries.audit_log import audit_events
from crm_core.queries.settings import required_roles, stale_after_days
from crm_core.services.settings import (
    MAX_STALE_AFTER_DAYS,
    set_stale_after_days,
    update_required_roles,
)
from crm_core.vocab import MEDDPICC_ROLES, OPEN_STAGES, STAGES
from dashboard.auth import current_actor
from dashboard.data import load
from dashboard.detail import show_table
from dashboard.manage import (
    field_error,
    form_errors,
    seen,
    show_confirmation,
    show_values,
    submit,
)

FORM = "settings_required_roles"
STALE_FORM = "settings_stale"


def _key(stage: str, role: str) -> str:
    return f"required_{stage}_{role}"


def _save() -> None:
    requirements = {stage: [r for r in MEDDPICC_ROLES if st.session_state[_key(stage, r)]]
                    for stage in OPEN_STAGES}

    def confirmation(changed: list[str]) -> str:
        if not changed:
            return "Nothing changed."
        return "Saved the required roles of " + ", ".join(STAGES.label(s) for s in changed) + "."

    submit(FORM, update_required_roles, confirmation, requirements=requirements)


st.title("Settings")
current_actor()  # the sign-in gate and routing come first, before anything is shown
show_confirmation()
st.subheader("MEDDPICC roles each stage requires", anchor=False)
st.caption("An open opportunity is fully covered when every role its stage requires is held by "
           "a linked stakeholder whom someone on its full account team owns. Changes apply to "
           "every dashboard at once and are kept in the history.")
current = load(required_roles)
show_values(FORM, {_key(s, r): r in current[s] for s in OPEN_STAGES for r in MEDDPICC_ROLES},
            identity="required_roles")
with st.form(f"{FORM}_form"):
    widths = [2] + [1] * len(MEDDPICC_ROLES)
    header = st.columns(widths)
    header[0].markdown("**Stage**")
    for cell, role in zip(header[1:], MEDDPICC_ROLES, strict=True):
        cell.markdown(f"**{MEDDPICC_ROLES.label(role)}**")
    for stage in OPEN_STAGES:
        row = st.columns(widths)
        row[0].text(STAGES.label(stage))
        for cell, role in zip(row[1:], MEDDPICC_ROLES, strict=True):
            cell.checkbox(f"{MEDDPICC_ROLES.label(role)} in {STAGES.label(stage)}",
                          key=_key(stage, role), label_visibility="collapsed")
    form_errors(FORM, ())
    st.form_submit_button("Save", type="primary", icon=":material/save:", on_click=_save)

def _save_stale() -> None:
    def confirmation(changed: bool) -> str:
        return (f"A relationship is now stale after {st.session_state['stale_days']} days "
                "without a touch." if changed else "Nothing changed.")

    submit(STALE_FORM, set_stale_after_days, confirmation, days=st.session_state["stale_days"],
           shown_days=seen(STALE_FORM)["stale_days_stored"])


st.subheader("When a relationship goes stale", anchor=False)
st.caption(help_text("last_touch"))
days = load(stale_after_days)
show_values(STALE_FORM, {"stale_days": days}, identity="stale_after_days",
            meta={"stale_days_stored": days})
with st.form(f"{STALE_FORM}_form"):
    st.number_input("Stale after (days without a touch)", min_value=1,
                    max_value=MAX_STALE_AFTER_DAYS, step=1, key="stale_days",
                    help=help_text("stale_threshold"))
    field_error(STALE_FORM, "days")
    form_errors(STALE_FORM, ("days",))
    st.form_submit_button("Save threshold", type="primary", icon=":material/save:",
                          on_click=_save_stale)

st.subheader("Recent changes", anchor=False)
changes = load(audit_events, entity_type="setting", limit=20).events
show_table(changes, key="settings_history", file_name="settings-history",
           empty="No changes yet: the defaults shipped with the app apply.",
           columns={"when": st.column_config.DatetimeColumn("When (UTC)",
                                                            format="YYYY-MM-DD HH:mm"),
                    "who": "Who", "summary": "Change", "changes": "Before → after"})
