"""The fix offered on a stakeholder's page when nobody, or only one person, owns the
relationship: assign an owner, the company's account team offered first."""

from __future__ import annotations

import streamlit as st

from crm_core.services.assignments import assign_owner
from dashboard.manage import field_error, form_errors, set_error, show_confirmation, submit
from dashboard.people_picker import owner_warning_passed, person_labels

FORM = "stakeholder_assign"


def _assign(stakeholder_id: int, name: str, labels: dict[int, str]) -> None:
    user_id = st.session_state.get(f"{FORM}_user")
    if user_id is None:
        set_error(FORM, "user_id", "Choose the user who will own the relationship.")
        return
    if not owner_warning_passed(FORM, "user_id", stakeholder_id=stakeholder_id,
                                user_ids=[user_id]):
        return
    submit(FORM, assign_owner,
           f"{labels[user_id].split(' · ')[0]} now owns the relationship with {name}.",
           stakeholder_id=stakeholder_id, user_id=user_id)


def assign_owner_form(stakeholder_id: int, name: str, *, company_id: int,
                      owner_ids: list[int]) -> None:
    """One picker and one button; the confirmation shows right above them."""
    show_confirmation()
    labels = {u: label for u, label in person_labels(company_id=company_id).items()
              if u not in owner_ids}
    with st.form(f"{FORM}_form", border=True):
        st.markdown("**Assign an owner**" if not owner_ids else "**Assign a second owner**")
        st.selectbox("Relationship owner", list(labels), index=None, key=f"{FORM}_user",
                     format_func=lambda i: labels.get(i, str(i)),
                     placeholder="The account team first")
        field_error(FORM, "user_id")
        form_errors(FORM, ("user_id",))
        st.form_submit_button("Assign owner", type="primary", icon=":material/person_add:",
                              on_click=_assign, args=(stakeholder_id, name, labels))
