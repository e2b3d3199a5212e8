"""One deal's buying committee and the manager's fixes that close its gaps, shown where the gaps
are shown (the opportunity page, the MEDDPICC page), with the confirmation right above them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core.queries.detail_opportunity import opportunity_profile
from crm_core.queries.meddpicc import OpportunityGaps
from crm_core.queries.meddpicc_scorecard import company_stakeholders_for_opportunity
from dashboard.data import load
from dashboard.detail import link_to, show_table, yes_no_column
from dashboard.manage import picked_id, show_confirmation
from dashboard.meddpicc_forms import gap_fix_forms
from dashboard.scope_view import to_url

CHOICE = "meddpicc_opportunity"


def committee_table(opportunity_id: int, *, key: str):
    """The company's stakeholders, linked or not, with roles and owners; returns the frame."""
    people = load(company_stakeholders_for_opportunity, opportunity_id=opportunity_id)
    show_table(people, key=key, file_name=f"buying-committee-{opportunity_id}",
               empty="The company has no stakeholders yet.",
               links={"name": ("stakeholder", "stakeholder_id")},
               columns={"name": "Stakeholder", "job_title": "Job title",
                        "linked": yes_no_column("Linked", help="On this opportunity's buying "
                                                "committee"),
                        "role_labels": "MEDDPICC roles", "owners": "Relationship owners",
                        "owned_on_team": yes_no_column(
                            "Owned by the team", help="An owner is on the opportunity's full "
                            "team (inherited or added)")})
    return people


def deal_fixes(opportunity_id: int, gaps: OpportunityGaps, *, key: str | None = None) -> None:
    """The last save's confirmation, then the fixes (open while the deal has gaps), with the
    company's stakeholders listed above them when `key` names that table."""
    show_confirmation()
    with st.expander("Close a gap", expanded=gaps.at_risk, icon=":material/build:"):
        people = (committee_table(opportunity_id, key=key) if key else
                  load(company_stakeholders_for_opportunity, opportunity_id=opportunity_id))
        gap_fix_forms(opportunity_id, gaps, people)


def deal_choice(top: pd.DataFrame) -> int | None:
    """The deal whose gaps to close: the one ?opportunity=58 names (any open deal, even one
    the filters leave out), else the one last chosen, else the most at risk of `top`."""
    labels = {int(r.opportunity_id): f"{r.name} · {r.company}" for r in top.itertuples()}
    wanted = picked_id("opportunity")
    if wanted is not None and wanted not in labels:
        profile = load(opportunity_profile, opportunity_id=wanted)
        if profile is not None and profile.is_open:
            labels = {wanted: f"{profile.name} · {profile.company}", **labels}
    if wanted in labels:
        st.session_state[CHOICE] = wanted   # the URL leads: a shared link, the back button
    elif st.session_state.get(CHOICE) not in labels:
        st.session_state.pop(CHOICE, None)
    chosen = st.selectbox("Opportunity", list(labels), format_func=labels.get, key=CHOICE,
                          index=0 if labels else None, on_change=to_url,
                          args=(CHOICE, "opportunity"),
                          placeholder="No open opportunity matches the filters",
                          help="The most value at risk first, under the filters.")
    if chosen is not None:
        link_to("opportunity", chosen, labels[chosen], icon=":material/handshake:")
    return chosen
