"""The MEDDPICC screen's manager forms: record a scorecard element, and close a gap by linking
a stakeholder, giving a stakeholder a role, or assigning an owner (one shared service each)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core.queries.meddpicc import OpportunityGaps
from crm_core.services.assignments import (
    add_meddpicc_role,
    assign_owner,
    link_stakeholder_to_opportunity,
)
from crm_core.services.scorecard import NO_ENTRY, NOTE_MAX_LENGTH, record_scorecard_entry
from crm_core.vocab import (
    MEDDPICC_ROLES,
    RECORDED_SCORECARD_ELEMENTS,
    SCORECARD_ELEMENTS,
    SCORECARD_STATUSES,
)
from dashboard.format import markdown_text
from dashboard.manage import field_error, form_errors, seen, set_error, show_values, submit
from dashboard.people_picker import owner_warning_passed, person_labels


def _stakeholder_label(row) -> str:
    roles = row.role_labels or "no MEDDPICC role"
    owners = row.owners or "no owner"
    return f"{row.name} · {row.job_title or '—'} · {roles} · {owners}"


# --- scorecard ---------------------------------------------------------------------------------

def _save_scorecard(opportunity_id: int, element: str) -> None:
    shown = seen("meddpicc_scorecard")
    submit("meddpicc_scorecard", record_scorecard_entry,
           f"{SCORECARD_ELEMENTS.label(element)} saved.", opportunity_id=opportunity_id,
           element=element, status=st.session_state.meddpicc_scorecard_status,
           note=st.session_state.meddpicc_scorecard_note,
           seen_updated_at=shown.get("updated_at") or (NO_ENTRY if shown else None))


def scorecard_form(opportunity_id: int, scorecard: pd.DataFrame) -> None:
    """Record the status and note of one of the six elements a manager assesses."""
    element = st.selectbox("Element", RECORDED_SCORECARD_ELEMENTS,
                           format_func=SCORECARD_ELEMENTS.label, key="meddpicc_scorecard_element")
    row = scorecard.set_index("element").loc[element]
    updated_at = None if pd.isna(row["updated_at"]) else pd.Timestamp(
        row["updated_at"]).to_pydatetime()
    show_values("meddpicc_scorecard", {"meddpicc_scorecard_status": row["status"],
                                       "meddpicc_scorecard_note": row["note"] or ""},
                identity=(opportunity_id, element), meta={"updated_at": updated_at})
    with st.form("meddpicc_scorecard_form", border=True):
        st.caption(markdown_text(SCORECARD_ELEMENTS.terms[
            SCORECARD_ELEMENTS.position(element)].doc))
        st.selectbox("Status", SCORECARD_STATUSES.values, format_func=SCORECARD_STATUSES.label,
                     key="meddpicc_scorecard_status")
        field_error("meddpicc_scorecard", "status")
        st.text_area("Note", key="meddpicc_scorecard_note", max_chars=NOTE_MAX_LENGTH,
                     height=80, placeholder="What we know, and how we know it")
        field_error("meddpicc_scorecard", "note")
        form_errors("meddpicc_scorecard", ("status", "note"))
        st.form_submit_button("Save", type="primary", icon=":material/save:",
                              on_click=_save_scorecard, args=(opportunity_id, element))


# --- closing a gap -----------------------------------------------------------------------------

def _link(opportunity_id: int) -> None:
    stakeholder_id = st.session_state.meddpicc_fix_link_stakeholder
    if stakeholder_id is None:
        set_error("meddpicc_fix_link", "stakeholder_id", "Choose a stakeholder to link.")
        return
    submit("meddpicc_fix_link", link_stakeholder_to_opportunity, "Stakeholder linked.",
           stakeholder_id=stakeholder_id, opportunity_id=opportunity_id)


def _give_role() -> None:
    stakeholder_id = st.session_state.meddpicc_fix_role_stakeholder
    if stakeholder_id is None:
        set_error("meddpicc_fix_role", "stakeholder_id", "Choose a linked stakeholder.")
        return
    role = st.session_state.meddpicc_fix_role_role
    submit("meddpicc_fix_role", add_meddpicc_role, f"{MEDDPICC_ROLES.label(role)} recorded.",
           stakeholder_id=stakeholder_id, meddpicc_role=role)


def _assign() -> None:
    stakeholder_id = st.session_state.meddpicc_fix_owner_stakeholder
    user_id = st.session_state.meddpicc_fix_owner_user
    if stakeholder_id is None or user_id is None:
        field = "stakeholder_id" if stakeholder_id is None else "user_id"
        set_error("meddpicc_fix_owner", field, "Choose a stakeholder and an owner.")
        return
    if not owner_warning_passed("meddpicc_fix_owner", "user_id", stakeholder_id=stakeholder_id,
                                user_ids=[user_id]):
        return
    submit("meddpicc_fix_owner", assign_owner, "Relationship owner assigned.",
           stakeholder_id=stakeholder_id, user_id=user_id)


def gap_fix_forms(opportunity_id: int, gaps: OpportunityGaps, people: pd.DataFrame) -> None:
    """Three small forms, each one service call, that close the opportunity's gaps."""
    labels = {int(r.stakeholder_id): _stakeholder_label(r) for r in people.itertuples()}
    linked = people[people["linked"]]
    unlinked = people[~people["linked"]]
    # Holders of a role that is covered but not owned by the team come first.
    weak = set(gaps.unowned) | set(gaps.owner_departed) | set(gaps.off_team)
    holders_first = sorted(linked.itertuples(), key=lambda r: (not (set(r.roles) & weak),
                                                               r.owned_on_team))
    link_column, role_column, owner_column = st.columns(3)
    with link_column, st.form("meddpicc_fix_link_form"):
        st.markdown("**Link a stakeholder** of the company")
        st.selectbox("Stakeholder", [int(i) for i in unlinked["stakeholder_id"]], index=None,
                     format_func=labels.get, key="meddpicc_fix_link_stakeholder",
                     placeholder="Everyone is linked" if unlinked.empty else "Choose")
        field_error("meddpicc_fix_link", "stakeholder_id")
        form_errors("meddpicc_fix_link", ("stakeholder_id",))
        st.form_submit_button("Link to the opportunity", icon=":material/link:",
                              on_click=_link, args=(opportunity_id,))
    with role_column, st.form("meddpicc_fix_role_form"):
        st.markdown("**Give a stakeholder the missing role**")
        st.selectbox("Linked stakeholder", [int(i) for i in linked["stakeholder_id"]],
                     index=None, format_func=labels.get, key="meddpicc_fix_role_stakeholder",
                     placeholder="Choose")
        field_error("meddpicc_fix_role", "stakeholder_id")
        missing_first = list(gaps.missing) + [r for r in MEDDPICC_ROLES if r not in gaps.missing]
        st.selectbox("MEDDPICC role", missing_first, format_func=MEDDPICC_ROLES.label,
                     key="meddpicc_fix_role_role")
        field_error("meddpicc_fix_role", "meddpicc_role")
        form_errors("meddpicc_fix_role", ("stakeholder_id", "meddpicc_role"))
        st.form_submit_button("Give the role", icon=":material/badge:", on_click=_give_role)
    with owner_column, st.form("meddpicc_fix_owner_form"):
        st.markdown("**Assign a relationship owner**")
        st.selectbox("Linked stakeholder", [int(r.stakeholder_id) for r in holders_first],
                     index=None, format_func=labels.get, key="meddpicc_fix_owner_stakeholder",
                     placeholder="Choose")
        field_error("meddpicc_fix_owner", "stakeholder_id")
        users = person_labels(opportunity_id=opportunity_id)
        st.selectbox("Owner", list(users), index=None, format_func=users.get,
                     key="meddpicc_fix_owner_user", placeholder="Team members first")
        field_error("meddpicc_fix_owner", "user_id")
        form_errors("meddpicc_fix_owner", ("stakeholder_id", "user_id"))
        st.form_submit_button("Assign owner", icon=":material/person_add:", on_click=_assign)
