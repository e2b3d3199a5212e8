"""Stakeholder: someone at the customer — their MEDDPICC roles, the opportunities they sit in,
who on our side owns the relationship (for managers, an owner to assign when nobody or only one
person owns it), and their tasks."""

from datetime import date

import streamlit as st

from crm_core.access import Permission
from crm_core.glossary import name
from crm_core.queries import detail_stakeholder as q
from crm_core.queries.detail_search import search_stakeholders
from crm_core.queries.freshness import touch_words
from crm_core.queries.settings import stale_after_days
from crm_core.vocab import MEDDPICC_ROLES, STAGES
from dashboard.auth import current_actor
from dashboard.data import load
from dashboard.detail import (
    link_list,
    link_to,
    open_record,
    show_field,
)
from dashboard.detail_sections import history_expander, tasks_section
from dashboard.format import money
from dashboard.owner_fix import assign_owner_form

st.title("Stakeholder")
stakeholder_id, profile = open_record("stakeholder", q.stakeholder_profile, search_stakeholders)
job_title, email, phone, company = st.columns(4)
with job_title:
    show_field("Job title", profile.job_title)
with email:
    show_field("Email", profile.email)
with phone:
    show_field("Phone", profile.phone)
with company:
    st.caption("Company")
    link_to("company", profile.company_id, profile.company, icon=":material/business:")

st.caption("MEDDPICC roles")
if profile.roles:
    # Role labels are our own vocabulary, safe in markdown.
    st.markdown(" ".join(f":green-badge[{MEDDPICC_ROLES.label(role)}]" for role in profile.roles))
else:
    st.text("None recorded")

st.subheader("Relationship owners", anchor=False)
owners = load(q.stakeholder_owners, stakeholder_id=stakeholder_id)
if owners.empty:
    st.error("Orphaned: nobody on our side owns this relationship.", icon=":material/person_off:")
stale_after, today = load(stale_after_days), date.today()
link_list(owners, "user", id_column="user_id", name_column="name", icon=":material/person:",
          empty="", describe=lambda o: f"{o.job_title or 'No job title'} · "
          + ("on the account team" if o.on_account_team else name("off_account_team").lower())
          + " · " + touch_words(o.last_touch, today, stale_after))
if len(owners) <= 1 and current_actor().can(Permission.EDIT):
    assign_owner_form(stakeholder_id, profile.name, company_id=profile.company_id,
                      owner_ids=[int(i) for i in owners["user_id"]])

st.subheader("Opportunities", anchor=False)
opportunities = load(q.stakeholder_opportunities, stakeholder_id=stakeholder_id)
link_list(opportunities, "opportunity", id_column="opportunity_id", name_column="opportunity",
          icon=":material/handshake:", empty="Not linked to any opportunity.",
          describe=lambda d: " · ".join([
              STAGES.label(d.stage), f"{money(d.value)} ({money(d.weighted_value)} weighted)",
              f"closes {d.expected_close_date:%Y-%m-%d}" if d.expected_close_date else
              "no close date",
              "an owner is on the team" if d.owner_on_team else "no owner on the team"]))

tasks_section("stakeholder", stakeholder_id)
history_expander("stakeholder", stakeholder_id)
