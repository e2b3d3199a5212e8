"""Company: an account — its account team, its stakeholders (orphans first) and their owners,
its opportunities with MEDDPICC coverage, the relationship map and open tasks."""

import pandas as pd
import streamlit as st

from crm_core.glossary import help_text, name
from crm_core.queries import detail_company as q
from crm_core.queries.detail_search import search_companies
from crm_core.queries.meddpicc import opportunity_gap_list
from crm_core.vocab import STAGES
from dashboard.data import load, whole_list
from dashboard.detail import (
    MONEY,
    link_list,
    open_record,
    pager,
    show_field,
    show_table,
    yes_no_column,
)
from dashboard.detail_sections import history_expander, relationship_map_section, tasks_section
from dashboard.format import markdown_text, money

PAGE_SIZE = 50
ORPHAN_STYLE = "background-color: #fdecea; color: #b71c1c; font-weight: 600"

st.title("Company")
company_id, profile = open_record("company", q.company_profile, search_companies)
industry, website = st.columns(2)
with industry:
    show_field("Industry", profile.industry)
with website:
    if profile.website and profile.website.startswith(("https://", "http://")):
        st.caption("Website")
        st.page_link(profile.website, label=markdown_text(profile.website),
                     icon=":material/language:")
    else:
        show_field("Website", profile.website)

cells = st.columns(4)
cells[0].metric("Stakeholders", f"{profile.stakeholders:,}", border=True)
cells[1].metric("Orphaned", f"{profile.orphaned:,}", border=True,
                help=help_text("orphaned"))
cells[2].metric("Open opportunities", f"{profile.open_opportunities:,}", border=True)
cells[3].metric("Open pipeline", money(profile.open_pipeline), border=True,
                help=f"{money(profile.weighted_open_pipeline)} weighted by probability.")

st.subheader("Account team", anchor=False)
team = load(q.company_team, company_id=company_id)
link_list(team, "user", id_column="user_id", name_column="name", icon=":material/person:",
          empty="Nobody is on this company's account team.",
          describe=lambda m: f"{m.job_title or 'No job title'} · owns {m.owned_here} here")

owners = load(q.company_owners, company_id=company_id)
off_team = owners[~owners["on_account_team"]] if not owners.empty else owners
if not off_team.empty:
    st.warning(f"{len(off_team)} relationship owner(s) off the account team own "
               f"{int(off_team['owned_here'].sum())} stakeholder relationship(s) here: see "
               "Relationship owners below.", icon=":material/person_alert:")

st.subheader("Opportunities", anchor=False)
opportunities = load(q.company_opportunities, company_id=company_id)
if not opportunities.empty:
    # One query for the MEDDPICC coverage of every open opportunity of the company.
    gaps = load(opportunity_gap_list, company_ids=(company_id,),
                limit=max(1, int(opportunities["is_open"].sum()))).set_index("opportunity_id")
    opportunities["coverage"] = opportunities["opportunity_id"].map(gaps["coverage_score"])
    opportunities["gaps"] = opportunities["opportunity_id"].map(gaps["gaps"]).fillna("")
    opportunities["stage"] = opportunities["stage"].map(STAGES.label)
show_table(opportunities, key="company_opportunities",
           file_name=f"company-{company_id}-opportunities", empty="No opportunities yet.",
           links={"opportunity": ("opportunity", "opportunity_id")},
           columns={"opportunity": "Opportunity", "stage": "Stage",
                    "value": st.column_config.NumberColumn("Value", **MONEY),
                    "weighted_value": st.column_config.NumberColumn("Weighted", **MONEY),
                    "expected_close_date": st.column_config.DateColumn("Close date"),
                    "stakeholders": "Stakeholders",
                    "coverage": st.column_config.ProgressColumn(
                        name("coverage_score"), min_value=0.0, max_value=1.0, format="percent",
                        help=help_text("coverage_score")),
                    "gaps": "Gaps"})

st.subheader("Stakeholders", anchor=False)
orphans_only = st.toggle("Orphaned only", key="company_orphans_only")
total = profile.orphaned if orphans_only else profile.stakeholders
offset = pager(total, key="company_stakeholders_page", page_size=PAGE_SIZE)
stakeholders = load(q.company_stakeholders, company_id=company_id, orphaned_only=orphans_only,
                    limit=PAGE_SIZE, offset=offset)


def _with_status(stakeholders: pd.DataFrame) -> pd.DataFrame:
    return stakeholders.assign(status=["Orphaned" if o else "Owned"
                                       for o in stakeholders["orphaned"]])


def _highlight_orphans(frame: pd.DataFrame):
    return frame.style.map(lambda v: ORPHAN_STYLE if v == "Orphaned" else "", subset=["status"])


show_table(_with_status(stakeholders), key="company_stakeholders",
           file_name=f"company-{company_id}-stakeholders", empty="No stakeholders yet.",
           whole=whole_list(q.company_stakeholders, shape=_with_status, company_id=company_id,
                            orphaned_only=orphans_only),
           links={"stakeholder": ("stakeholder", "stakeholder_id")}, styler=_highlight_orphans,
           columns={"stakeholder": "Stakeholder", "job_title": "Job title",
                    "status": st.column_config.TextColumn(
                        "Ownership", help=help_text("orphaned")),
                    "roles": "MEDDPICC roles", "owners": "Relationship owners",
                    "opportunities": st.column_config.NumberColumn(
                        "Opportunities", help="Opportunities the stakeholder is linked to")})
st.subheader("Relationship owners", anchor=False)
show_table(owners, key="company_owners", file_name=f"company-{company_id}-owners",
           empty="Nobody owns a relationship here yet.", links={"name": ("user", "user_id")},
           columns={"name": "Owner", "job_title": "Job title",
                    "owned_here": "Stakeholders owned here",
                    "on_account_team": yes_no_column("On the account team")})

relationship_map_section(company_id=company_id, total_stakeholders=profile.stakeholders)
tasks_section("company", company_id, title="Open tasks")
history_expander("company", company_id)
