"""Opportunity: a deal — its numbers, its full team (inherited or added), its buying committee
with MEDDPICC roles and owners, the gap summary and scorecard (for managers, the fixes that close
a gap and the scorecard's form), the relationship map and tasks."""

from datetime import date

import streamlit as st

from crm_core.access import Permission
from crm_core.glossary import help_text, name
from crm_core.queries import detail_opportunity as q
from crm_core.queries.detail_search import search_opportunities
from crm_core.queries.meddpicc import opportunity_gaps
from crm_core.queries.meddpicc_scorecard import opportunity_scorecard
from crm_core.queries.teams import opportunity_full_team
from crm_core.vocab import MEDDPICC_ROLES, STAGES
from dashboard.auth import current_actor
from dashboard.data import load
from dashboard.deal_fixes import deal_fixes
from dashboard.detail import (
    link_list,
    link_to,
    open_record,
    show_field,
    show_table,
    team_source,
    yes_no_column,
)
from dashboard.detail_sections import history_expander, relationship_map_section, tasks_section
from dashboard.format import money, percent
from dashboard.gap_plan_view import plan_section
from dashboard.meddpicc_forms import scorecard_form

st.title("Opportunity")
can_edit = current_actor().can(Permission.EDIT)
opportunity_id, profile = open_record("opportunity", q.opportunity_profile, search_opportunities)
company, stage, close = st.columns(3)
with company:
    st.caption("Company")
    link_to("company", profile.company_id, profile.company, icon=":material/business:")
with stage:
    show_field("Stage", STAGES.label(profile.stage))
with close:
    show_field("Expected close date", f"{profile.expected_close_date:%Y-%m-%d}"
               if profile.expected_close_date else None)
cells = st.columns(3)
cells[0].metric("Value", money(profile.value), border=True)
cells[1].metric("Probability", f"{profile.probability}%", border=True)
cells[2].metric("Weighted value", money(profile.weighted_value), border=True,
                help=help_text("weighted_value"))

gaps = load(opportunity_gaps, opportunity_id=opportunity_id, today=date.today())
st.subheader("MEDDPICC", anchor=False)
if gaps is not None and profile.is_open:
    cells = st.columns(4)
    cells[0].metric(name("coverage_score"), percent(gaps.coverage_score), border=True,
                    help=help_text("coverage_score"))
    cells[1].metric("Value at risk", money(gaps.value_at_risk), border=True,
                    help=f"{money(gaps.weighted_value_at_risk)} weighted by probability.")
    cells[2].metric("Linked stakeholders", gaps.linked_stakeholders, border=True)
    cells[3].metric(name("single_threaded"), "Yes" if gaps.single_threaded else "No",
                    border=True, help=help_text("single_threaded"))
    if gaps.gaps_in_words:
        st.warning("Gaps: " + "; ".join(gaps.gaps_in_words) + ".", icon=":material/warning:")
    elif gaps.required_roles:
        st.success("Every required role is held by a stakeholder someone on the team owns.",
                   icon=":material/verified:")
    st.caption("Required at this stage: " + (", ".join(
        MEDDPICC_ROLES.label(r) for r in gaps.required_roles)
        or f"no roles, so this deal is {name('not_gated').lower()}"))
    plan_section(opportunity_id, gaps, can_edit=can_edit)
    if can_edit:
        deal_fixes(opportunity_id, gaps)
elif not profile.is_open:
    st.caption("Closed: nothing is at risk any more.")
scorecard = load(opportunity_scorecard, opportunity_id=opportunity_id).copy()
scorecard["updated_by"] = scorecard["updated_by"].fillna("")
show_table(scorecard, key="opportunity_scorecard",
           file_name=f"opportunity-{opportunity_id}-scorecard",
           columns={"label": "Element", "status_label": "Status",
                    "derived": yes_no_column(
                        "Derived", help="Derived from stakeholder roles and ownership"),
                    "note": "Note", "updated_by": "Recorded by",
                    "updated_at": st.column_config.DatetimeColumn(
                        "Recorded (UTC)", format="YYYY-MM-DD HH:mm")})
if can_edit and profile.is_open:
    with st.expander("Record the scorecard", icon=":material/edit_note:"):
        st.caption("Economic buyer and Champion follow from the stakeholders' MEDDPICC roles "
                   "and owners; close those gaps above.")
        scorecard_form(opportunity_id, scorecard)

st.subheader("Opportunity team", anchor=False)
team = load(opportunity_full_team, opportunity_id=opportunity_id)
link_list(team, "user", id_column="user_id", name_column="name", icon=":material/person:",
          empty="Nobody is on this opportunity's team.",
          describe=lambda m: f"{m.job_title or 'No job title'} · "
                             f"{team_source(m.inherited, m.added).lower()}")

st.subheader("Buying committee", anchor=False)
committee = load(q.opportunity_stakeholders, opportunity_id=opportunity_id)
show_table(committee, key="opportunity_stakeholders",
           file_name=f"opportunity-{opportunity_id}-stakeholders",
           empty="No stakeholders are linked to this opportunity yet.",
           links={"stakeholder": ("stakeholder", "stakeholder_id")},
           columns={"stakeholder": "Stakeholder", "job_title": "Job title",
                    "roles": "MEDDPICC roles", "owners": "Relationship owners",
                    "orphaned": yes_no_column(name("orphaned"), help=help_text("orphaned")),
                    "owner_on_team": yes_no_column(
                        "Owner on the team", help="One of the owners is on this opportunity's "
                                                  "full team")})

relationship_map_section(opportunity_id=opportunity_id, total_stakeholders=len(committee),
                         missing_roles=gaps.missing if gaps is not None and profile.is_open
                         else ())
tasks_section("opportunity", opportunity_id, title="Tasks and sequences")
history_expander("opportunity", opportunity_id)
