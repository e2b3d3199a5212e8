"""Records: create, edit and delete users, companies, stakeholders and opportunities."""

import streamlit as st

from crm_core.errors import NotFound
from crm_core.queries.assignment_sets import record_values
from crm_core.queries.detail_search import (
    search_companies,
    search_opportunities,
    search_stakeholders,
    search_users,
)
from crm_core.services import records
from crm_core.vocab import ENTITY_TYPES
from dashboard.auth import current_actor
from dashboard.data import load
from dashboard.detail import PLURALS, link_to
from dashboard.format import markdown_text
from dashboard.manage import form_errors, pick, set_error, show_confirmation, submit
from dashboard.navigation import link_to_page
from dashboard.record_forms import CREATED, create_form, edit_form

SEARCH = {"user": search_users, "company": search_companies,
          "stakeholder": search_stakeholders, "opportunity": search_opportunities}
DELETE = {"user": records.delete_user, "company": records.delete_company,
          "stakeholder": records.delete_stakeholder, "opportunity": records.delete_opportunity}
ACTIONS = {"create": "Create", "edit": "Edit", "delete": "Delete"}

st.title("Records")
st.caption("Add, correct or remove users, companies, stakeholders and opportunities. Assignments "
           "(owners, teams, roles) are edited on the other Manage pages.")
show_confirmation()
if created := st.session_state.pop(CREATED, None):
    name = load(record_values, entity_type=created[0], entity_id=created[1])["name"]
    link_to(created[0], created[1], f"Open {name}", icon=":material/open_in_new:")

kind_column, action_column = st.columns(2)
entity_type = kind_column.radio("Record type", options=list(ENTITY_TYPES), horizontal=True,
                                format_func=ENTITY_TYPES.label, key="records_type")
action = action_column.radio("Action", options=list(ACTIONS), horizontal=True,
                             format_func=ACTIONS.get, key="records_action")
label = ENTITY_TYPES.label(entity_type).lower()


def _delete(entity_type: str, entity_id: int, name: str) -> None:
    form = f"records_delete_{entity_type}"
    if not st.session_state.get("records_delete_confirm"):
        set_error(form, "confirm", "Tick the box to confirm the deletion first.")
        return
    if submit(form, DELETE[entity_type], f"Deleted {entity_type} '{name}'.",
              **{f"{entity_type}_id": entity_id}):
        st.query_params.pop(entity_type, None)
        st.session_state.records_delete_confirm = False


def render_delete(entity_id: int) -> None:
    stored = load(record_values, entity_type=entity_type, entity_id=entity_id)
    impact = load(records.deletion_impact, entity_type=entity_type, entity_id=entity_id)
    link_to(entity_type, entity_id, stored["name"], icon=":material/open_in_new:")
    st.markdown("**Deleting it also removes:**")
    st.dataframe({"What": list(impact), "How many": list(impact.values())}, hide_index=True)
    blocked = entity_type == "user" and impact.get("owned relationships", 0) > 0
    if blocked:
        st.warning(markdown_text(
            f"{stored['name']} still owns {impact['owned relationships']} stakeholder "
            "relationship(s), so they cannot be deleted yet: hand them off to another user "
            "first, so no stakeholder is left without an owner by accident."),
                   icon=":material/block:")
        link_to_page("pages/manage_ownership.py", label="Hand off their relationships",
                     actor=current_actor(), icon=":material/swap_horiz:",
                     query_params={"from_user": str(entity_id)})
    form = f"records_delete_{entity_type}"
    with st.form(f"{form}_form"):
        st.checkbox(markdown_text(f"I understand that this deletes {stored['name']} and what "
                                  "is listed above"),
                    key="records_delete_confirm", disabled=blocked)
        st.form_submit_button(f"Delete {label}", type="primary", disabled=blocked,
                              key="records_delete_save",
                              on_click=_delete, args=(entity_type, entity_id, stored["name"]))
        form_errors(form, set())


if action == "create":
    st.subheader(f"New {label}", anchor=False)
    create_form(entity_type)
else:
    picked = pick(entity_type, SEARCH[entity_type], label=label, plural=PLURALS[entity_type],
                  key=f"records_{action}_{entity_type}")
    if picked is None:
        st.info(f"Search for a {label} above to {action} it.", icon=":material/search:")
    else:
        try:
            if action == "edit":
                edit_form(entity_type, picked)
            else:
                render_delete(picked)
        except NotFound as error:
            st.warning(markdown_text(f"{error} Search for another {label}."),
                       icon=":material/search_off:")
