"""Ownership: see and edit a stakeholder's relationship owners; hand a user's relationships off."""

import streamlit as st

from crm_core.queries.assignment_sets import stakeholder_assignments
from crm_core.queries.detail_search import search_stakeholders
from crm_core.services.assignment_sets import set_stakeholder_owners
from crm_core.services.assignments import replace_owner
from dashboard.detail import link_to, show_table, yes_no_column
from dashboard.format import markdown_text
from dashboard.handoff_view import render_handoff
from dashboard.manage import (
    field_error,
    form_errors,
    load_record,
    pick,
    seen,
    set_error,
    show_confirmation,
    show_values,
    submit,
)
from dashboard.people_picker import owner_warning_passed, person_labels

OWNERS_FORM, REPLACE_FORM = "ownership_owners", "ownership_replace"
WARNED_SEEN = f"{OWNERS_FORM}__seen_when_warned"

st.title("Ownership")
st.caption("Who owns the relationship with each stakeholder. Pick a stakeholder to change their "
           "owners, or hand one user's relationships to another user.")


def _save_owners(stakeholder_id: int, name: str) -> None:
    chosen = st.session_state.ownership_owner_ids
    # Saving again after the warning checks against what the form showed before it, so a
    # colleague's change in between is still refused.
    warned_for, before = st.session_state.pop(WARNED_SEEN, (None, None))
    if warned_for != stakeholder_id:
        before = seen(OWNERS_FORM).get("ownership_owner_ids", [])
    new = [u for u in chosen if u not in before]
    if new and not owner_warning_passed(OWNERS_FORM, "user_ids", stakeholder_id=stakeholder_id,
                                        user_ids=new):
        st.session_state[WARNED_SEEN] = (stakeholder_id, before)
        return
    submit(OWNERS_FORM, set_stakeholder_owners,
           lambda change: f"Saved the owners of {name}: {len(change.added)} added, "
                          f"{len(change.removed)} removed." if change.changed
           else f"The owners of {name} were already these; nothing changed.",
           stakeholder_id=stakeholder_id, user_ids=chosen,
           seen_owner_ids=before)


def _replace(stakeholder_id: int, name: str, labels: dict[int, str]) -> None:
    old, new = st.session_state.ownership_replace_old, st.session_state.ownership_replace_new
    if old is None or new is None:
        set_error(REPLACE_FORM, "old_user_id" if old is None else "new_user_id",
                  "Choose the owner to replace and the user who takes over.")
        return
    if not owner_warning_passed(REPLACE_FORM, "new_user_id", stakeholder_id=stakeholder_id,
                                user_ids=[new]):
        return
    submit(REPLACE_FORM, replace_owner,
           f"{labels[new].split(' · ')[0]} now owns the relationship with {name} instead of "
           f"{labels[old].split(' · ')[0]}.",
           stakeholder_id=stakeholder_id, old_user_id=old, new_user_id=new)


def render_owners(stakeholder_id: int) -> None:
    data = load_record(stakeholder_assignments, stakeholder_id=stakeholder_id)
    if data is None:
        return
    link_to("stakeholder", data.stakeholder_id, data.name, icon=":material/person:")
    st.caption(markdown_text(f"{data.job_title or 'No job title'} at {data.company}"))
    labels = person_labels(company_id=data.company_id, keep=data.owner_ids)
    active = person_labels(company_id=data.company_id)
    st.subheader(f"Relationship owners ({len(data.owners)})", anchor=False)
    show_table(data.owners, key="ownership_current", file_name=f"owners-{stakeholder_id}",
               empty="Nobody owns this relationship: the stakeholder is orphaned.",
               links={"name": ("user", "user_id")},
               columns={"name": "Owner", "job_title": "Job title", "email": "Email",
                        "on_account_team": yes_no_column(
                            "On the account team",
                            help=markdown_text(f"On the account team of {data.company}"))})
    edit, swap = st.columns(2)
    with edit, st.form(f"{OWNERS_FORM}_form"):
        st.markdown("**Set the owners**")
        show_values(OWNERS_FORM, {"ownership_owner_ids": list(data.owner_ids)},
                    identity=stakeholder_id)
        st.multiselect("Relationship owners", options=list(labels), key="ownership_owner_ids",
                       format_func=lambda u: labels.get(u, f"user {u}"),
                       placeholder="Nobody (orphaned)")
        field_error(OWNERS_FORM, "user_ids")
        st.form_submit_button("Save owners", type="primary", key="ownership_owners_save",
                              on_click=_save_owners, args=(stakeholder_id, data.name))
        form_errors(OWNERS_FORM, {"user_ids"})
    with swap, st.form(f"{REPLACE_FORM}_form"):
        st.markdown("**Replace one owner by another**")
        st.selectbox("Current owner", options=list(data.owner_ids), index=None,
                     format_func=lambda u: labels.get(u, f"user {u}"),
                     key="ownership_replace_old", placeholder="Choose an owner")
        field_error(REPLACE_FORM, "old_user_id")
        st.selectbox("Takes over", options=list(active), index=None,
                     format_func=lambda u: labels.get(u, f"user {u}"),
                     key="ownership_replace_new", placeholder="The account team first")
        field_error(REPLACE_FORM, "new_user_id")
        st.form_submit_button("Replace owner", on_click=_replace, key="ownership_replace_save",
                              args=(stakeholder_id, data.name, labels))
        form_errors(REPLACE_FORM, {"old_user_id", "new_user_id"})


TABS = ["Stakeholder owners", "Hand off a user's relationships"]
# A link to /ownership?from_user=3 (e.g. from a user who cannot be deleted yet) opens the handoff.
opens_handoff = "from_user" in st.query_params and "stakeholder" not in st.query_params
# Only the open tab runs, so each shows its own confirmation, and a save keeps the tab open.
owners_tab, handoff_tab = st.tabs(TABS, key="ownership_tab", on_change="rerun",
                                  default=TABS[1] if opens_handoff else TABS[0])
if owners_tab.open:
    with owners_tab:
        show_confirmation()
        picked = pick("stakeholder", search_stakeholders, label="stakeholder",
                      plural="stakeholders", key="ownership_stakeholder")
        if picked is None:
            st.info("Search for a stakeholder above to see and edit their owners.",
                    icon=":material/person_search:")
        else:
            render_owners(picked)
if handoff_tab.open:
    with handoff_tab:
        render_handoff()
