"""The fix offered where an owner off the account team is shown: put the owner on the
company's account team, or hand the relationship to someone on it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core.services.assignments import add_to_account_team, replace_owner
from dashboard.manage import field_error, form_errors, set_error, submit
from dashboard.people_picker import owner_warning_passed, person_labels

FORM = "coverage_off_team_fix"


def _chosen(rows: dict[str, dict]) -> dict | None:
    row = rows.get(st.session_state.get(f"{FORM}_row"))
    if row is None:
        set_error(FORM, "row", "Choose the ownership to fix.")
    return row


def _add_to_team(rows: dict[str, dict]) -> None:
    if (row := _chosen(rows)) is not None:
        submit(FORM, add_to_account_team,
               f"{row['owner']} joined the account team of {row['company']}.",
               company_id=row["company_id"], user_id=row["owner_id"])


def _replace(rows: dict[str, dict], labels: dict[int, str]) -> None:
    if (row := _chosen(rows)) is None:
        return
    new = st.session_state.get(f"{FORM}_user")
    if new is None:
        set_error(FORM, "new_user_id", "Choose the user who takes over the relationship.")
        return
    if not owner_warning_passed(FORM, "new_user_id", stakeholder_id=row["stakeholder_id"],
                                user_ids=[new]):
        return
    submit(FORM, replace_owner,
           f"{labels[new].split(' · ')[0]} now owns the relationship with {row['stakeholder']} "
           f"instead of {row['owner']}.", stakeholder_id=row["stakeholder_id"],
           old_user_id=row["owner_id"], new_user_id=new)


def off_team_fix(rows: pd.DataFrame) -> None:
    """For one ownership of this page of the list: add the owner to the team, or replace them."""
    choices = {f"{int(r.stakeholder_id)}:{int(r.owner_id)}": {
        "stakeholder_id": int(r.stakeholder_id), "stakeholder": r.stakeholder,
        "company_id": int(r.company_id), "company": r.company,
        "owner_id": int(r.owner_id), "owner": r.owner} for r in rows.itertuples()}
    with st.container(border=True):
        st.markdown("**Fix an ownership**")
        key = st.selectbox("Ownership", list(choices), index=None, key=f"{FORM}_row",
                           format_func=lambda k: f"{choices[k]['stakeholder']} · "
                                                 f"{choices[k]['company']} · owned by "
                                                 f"{choices[k]['owner']}",
                           placeholder="Choose a stakeholder and owner from this page")
        field_error(FORM, "row")
        row = choices.get(key)
        add, swap = st.columns(2)
        add.button("Add the owner to the account team", key=f"{FORM}_add",
                   icon=":material/group_add:", on_click=_add_to_team, args=(choices,))
        labels = person_labels(company_id=row["company_id"] if row else None)
        with swap:
            st.selectbox("Takes over", list(labels), index=None, key=f"{FORM}_user",
                         format_func=lambda i: labels.get(i, str(i)),
                         placeholder="The account team first")
            field_error(FORM, "new_user_id")
            st.button("Replace the owner", key=f"{FORM}_replace",
                      icon=":material/swap_horiz:", on_click=_replace, args=(choices, labels))
        form_errors(FORM, ("row", "new_user_id"))
