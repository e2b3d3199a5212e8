"""User: an account team member — the teams they sit on, the relationships they own, their open
tasks and their load against the team's average."""

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from crm_core.glossary import help_text, name, term
from crm_core.queries import detail_user as q
from crm_core.queries.detail_search import search_users
from crm_core.queries.freshness import FRESHNESS, stale_relationships_of_user
from crm_core.vocab import STAGES
from dashboard.auth import current_actor
from dashboard.data import load, load_together, whole_list
from dashboard.detail import (
    MONEY,
    open_record,
    pager,
    show_field,
    show_table,
    team_source,
    yes_no_column,
)
from dashboard.detail_sections import history_expander, tasks_section
from dashboard.navigation import link_to_page
from dashboard.scope_view import placement

PAGE_SIZE = 50


def _with_source(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Stage labels, and why the user is on each opportunity's team."""
    return opportunities.assign(
        stage=opportunities["stage"].map(STAGES.label),
        source=[team_source(i, a) for i, a in zip(opportunities["inherited"],
                                                  opportunities["added"], strict=True)])


st.title("User")
user_id, profile = open_record("user", q.user_profile, search_users)
job_title, email, manager, region, departed = st.columns(5)
with job_title:
    show_field("Job title", profile.job_title)
with email:
    show_field("Email", profile.email)
place = placement(user_id)
with manager:
    show_field(name("manager"), place["manager"])
with region:
    show_field(name("region"), place["region"])
with departed:
    show_field(name("departed"), place["departed_on"] or "No")
if place["reports"]:
    link_to_page("pages/overview.py", label=f"Dashboards of their team ({place['reports']} "
                 "direct reports)", actor=current_actor(), icon=":material/groups:",
                 query_params={"scope": f"team:{user_id}"})

# Side by side on a cold cache; the first page of each list too (other pages load below),
# the opportunities as the toggle further down was left.
last_open_only = bool(st.session_state.get("user_open_only", False))
workload, team, first_owned, first_companies, first_opportunities = load_together(
    partial(q.user_load, user_id=user_id), partial(q.team_load),
    partial(q.user_owned_stakeholders, user_id=user_id, limit=PAGE_SIZE, offset=0),
    partial(q.user_companies, user_id=user_id, limit=PAGE_SIZE, offset=0),
    partial(q.user_opportunities, user_id=user_id, open_only=last_open_only,
            limit=PAGE_SIZE, offset=0))
cells = st.columns(5)
cells[0].metric("Owned", f"{workload.owned:,}",
                delta=f"{workload.owned - team.average_owned:+.1f} vs average",
                delta_color="off", border=True,
                help=f"Stakeholder relationships owned. The team ({team.size} users) "
                     f"owns {team.average_owned:.1f} per user on average.")
cells[1].metric(name("sole_owner"), f"{workload.sole_owned:,}",
                delta=f"{workload.sole_owned - team.average_sole_owned:+.1f} vs average",
                delta_color="off", border=True,
                help=help_text("sole_owner") + " "
                     f"Team average {team.average_sole_owned:.1f}.")
cells[2].metric(name("off_account_team"), f"{workload.owned_off_team:,}", border=True,
                help="Stakeholders they own at companies whose account team they are not on. "
                     + term("off_account_team").rule)
cells[3].metric("Account teams", f"{workload.companies:,}", border=True)
cells[4].metric(name("open_deals_on_team"), f"{workload.open_opportunities:,}", border=True,
                help=f"{help_text('open_deals_on_team')} {workload.opportunities:,} in all, "
                     "open or closed.")
times_average = team.times_average(workload.owned)
if times_average is not None:
    st.caption(f"Owns {times_average:.1f}× the team's average of "
               f"{team.average_owned:.1f} relationships per user; ranks "
               f"#{workload.rank} of {team.size} users by relationships owned.")

st.subheader("Stakeholders they own", anchor=False)
offset = pager(workload.owned, key="user_owned_page", page_size=PAGE_SIZE)
owned = first_owned if offset == 0 else load(
    q.user_owned_stakeholders, user_id=user_id, limit=PAGE_SIZE, offset=offset)
show_table(owned, key="user_owned", file_name=f"user-{user_id}-stakeholders",
           whole=whole_list(q.user_owned_stakeholders, user_id=user_id),
           empty="Owns no stakeholder relationships.",
           links={"stakeholder": ("stakeholder", "stakeholder_id"),
                  "company": ("company", "company_id")},
           columns={"stakeholder": "Stakeholder", "job_title": "Job title",
                    "company": "Company", "roles": "MEDDPICC roles",
                    "other_owners": st.column_config.TextColumn(
                        "Other owners", help="Empty: this user is the only owner"),
                    "on_account_team": yes_no_column(
                        "On the account team", help="Is this user on the company's account team?")})

st.subheader("Stale relationships", anchor=False, help=help_text("stale"))
today = date.today()
first_stale = load(stale_relationships_of_user, user_id=user_id, today=today, limit=PAGE_SIZE,
                   offset=0)
stale_total = int(first_stale["total"].iloc[0]) if not first_stale.empty else 0
offset = pager(stale_total, key="user_stale_page", page_size=PAGE_SIZE)
stale = first_stale if offset == 0 else load(
    stale_relationships_of_user, user_id=user_id, today=today, limit=PAGE_SIZE, offset=offset)
show_table(stale.assign(freshness=stale["freshness"].map(FRESHNESS.label)),
           key="user_stale", file_name=f"user-{user_id}-stale-relationships",
           empty="None: every relationship they own was touched within the stale threshold.",
           links={"stakeholder": ("stakeholder", "stakeholder_id"),
                  "company": ("company", "company_id")},
           columns={"stakeholder": "Stakeholder", "company": "Company",
                    "freshness": st.column_config.TextColumn("State", help=help_text("stale")),
                    "last_touch": st.column_config.DatetimeColumn(
                        "Last touch (UTC)", format="YYYY-MM-DD", help=help_text("last_touch")),
                    "days_since": st.column_config.NumberColumn("Days since")})

st.subheader("Account teams", anchor=False)
offset = pager(workload.companies, key="user_companies_page", page_size=PAGE_SIZE)
companies = first_companies if offset == 0 else load(
    q.user_companies, user_id=user_id, limit=PAGE_SIZE, offset=offset)
show_table(companies, key="user_companies", file_name=f"user-{user_id}-account-teams",
           whole=whole_list(q.user_companies, user_id=user_id),
           empty="On no company's account team.",
           links={"company": ("company", "company_id")},
           columns={"company": "Company", "industry": "Industry",
                    "stakeholders": "Stakeholders", "owned_by_user": "Owned by this user",
                    "open_opportunities": "Open opportunities"})

st.subheader("Opportunity teams", anchor=False)
open_only = st.toggle("Open opportunities only", key="user_open_only")
total = workload.open_opportunities if open_only else workload.opportunities
offset = pager(total, key="user_opportunities_page", page_size=PAGE_SIZE)
if offset == 0 and open_only == last_open_only:
    opportunities = first_opportunities
else:
    opportunities = load(q.user_opportunities, user_id=user_id, open_only=open_only,
                         limit=PAGE_SIZE, offset=offset)
show_table(_with_source(opportunities), key="user_opportunities",
           file_name=f"user-{user_id}-opportunity-teams",
           whole=whole_list(q.user_opportunities, shape=_with_source, user_id=user_id,
                            open_only=open_only),
           empty="On no opportunity's team.",
           links={"opportunity": ("opportunity", "opportunity_id"),
                  "company": ("company", "company_id")},
           columns={"opportunity": "Opportunity", "company": "Company", "stage": "Stage",
                    "value": st.column_config.NumberColumn("Value", **MONEY),
                    "expected_close_date": st.column_config.DateColumn("Close date"),
                    "source": st.column_config.TextColumn(
                        "On the team because", help="Inherited from the company's account "
                        "team, added to this opportunity, or both")})

tasks_section("user", user_id, title="Their tasks")
history_expander("user", user_id)
