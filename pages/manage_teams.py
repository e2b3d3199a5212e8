"""Teams: edit a company's account team and the members added to one opportunity."""

import streamlit as st

from crm_core.queries.assignment_sets import company_team, opportunity_team
from crm_core.queries.detail_search import search_companies, search_opportunities
from crm_core.services.assignment_sets import set_company_team, set_opportunity_team
from dashboard.detail import link_to, show_table
from dashboard.format import markdown_text
from dashboard.manage import (
    field_error,
    form_errors,
    load_record,
    pick,
    seen,
    show_confirmation,
    show_values,
    submit,
)
from dashboard.people_picker import person_labels

COMPANY_FORM, OPPORTUNITY_FORM = "teams_company", "teams_opportunity"

st.title("Teams")
st.caption("A company's account team works on every opportunity of the company (the "
           "opportunity inherits it); add people to one opportunity only when they work on "
           "that deal alone.")
show_confirmation()


def _names(ids, labels: dict[int, str]) -> str:
    return ", ".join(labels.get(i, f"user {i}").split(" · ")[0] for i in ids)


def _save_company(company_id: int, name: str, labels: dict[int, str]) -> None:
    submit(COMPANY_FORM, set_company_team,
           lambda c: f"Saved the account team of {name}: {len(c.added)} added, "
                     f"{len(c.removed)} removed." if c.changed
           else f"The account team of {name} was already this; nothing changed.",
           company_id=company_id, user_ids=st.session_state.teams_company_ids,
           seen_user_ids=seen(COMPANY_FORM).get("teams_company_ids", []))


def _opportunity_saved(change, name: str, labels: dict[int, str]) -> str:
    parts = [f"Saved the team of {name}: {len(change.added)} added, "
             f"{len(change.removed)} removed."]
    if change.already_inherited:
        parts.append(f"{_names(change.already_inherited, labels)}: already on the company team "
                     "(inherited), so not added again.")
    return " ".join(parts)


def _save_opportunity(opportunity_id: int, name: str, labels: dict[int, str]) -> None:
    submit(OPPORTUNITY_FORM, set_opportunity_team,
           lambda c: _opportunity_saved(c, name, labels),
           opportunity_id=opportunity_id, user_ids=st.session_state.teams_opportunity_ids,
           seen_user_ids=seen(OPPORTUNITY_FORM).get("teams_opportunity_ids", []))


def render_company(company_id: int) -> None:
    team = load_record(company_team, company_id=company_id)
    if team is None:
        return
    link_to("company", team.company_id, team.name, icon=":material/business:")
    labels = person_labels(company_id=company_id, keep=team.member_ids)
    show_table(team.members, key="teams_company_members", file_name=f"account-team-{company_id}",
               empty="Nobody is on this account team yet.", links={"name": ("user", "user_id")},
               columns={"name": "Member", "job_title": "Job title", "email": "Email"})
    with st.form(f"{COMPANY_FORM}_form"):
        show_values(COMPANY_FORM, {"teams_company_ids": list(team.member_ids)},
                    identity=company_id)
        st.multiselect("Account team", options=list(labels), key="teams_company_ids",
                       format_func=lambda u: labels.get(u, f"user {u}"), placeholder="Nobody")
        field_error(COMPANY_FORM, "user_ids")
        st.form_submit_button("Save account team", type="primary", key="teams_company_save",
                              on_click=_save_company, args=(company_id, team.name, labels))
        form_errors(COMPANY_FORM, {"user_ids"})


def render_opportunity(opportunity_id: int) -> None:
    team = load_record(opportunity_team, opportunity_id=opportunity_id)
    if team is None:
        return
    link_to("opportunity", team.opportunity_id, team.name, icon=":material/handshake:")
    st.caption(markdown_text(f"Opportunity of {team.company}"))
    labels = person_labels(opportunity_id=opportunity_id, keep=team.added_ids)
    st.markdown("**Full team** (inherited members are edited on the company's account team)")
    show_table(team.members, key="teams_opportunity_members",
               file_name=f"opportunity-team-{opportunity_id}",
               empty="Nobody works on this opportunity yet.",
               links={"name": ("user", "user_id")},
               columns={"name": "Member", "job_title": "Job title", "source": "Where from"})
    with st.form(f"{OPPORTUNITY_FORM}_form"):
        show_values(OPPORTUNITY_FORM, {"teams_opportunity_ids": list(team.added_ids)},
                    identity=opportunity_id)
        st.multiselect("Added to this opportunity", options=list(labels),
                       key="teams_opportunity_ids",
                       format_func=lambda u: labels.get(u, f"user {u}"), placeholder="Nobody",
                       help="Members of the company's account team are on the opportunity "
                            "already (inherited); adding them here stores nothing twice.")
        field_error(OPPORTUNITY_FORM, "user_ids")
        st.form_submit_button("Save opportunity team", type="primary",
                              key="teams_opportunity_save",
                              on_click=_save_opportunity, args=(opportunity_id, team.name, labels))
        form_errors(OPPORTUNITY_FORM, {"user_ids"})


TABS = ["Account team of a company", "Team of an opportunity"]
# A link to /teams?opportunity=9 opens on the opportunity's tab.
opens_opportunity = "opportunity" in st.query_params and "company" not in st.query_params
company_tab, opportunity_tab = st.tabs(TABS, default=TABS[1] if opens_opportunity else TABS[0])
with company_tab:
    picked = pick("company", search_companies, label="company", plural="companies",
                  key="teams_company")
    if picked is None:
        st.info("Search for a company above to edit its account team.",
                icon=":material/business:")
    else:
        render_company(picked)
with opportunity_tab:
    picked = pick("opportunity", search_opportunities, label="opportunity",
                  plural="opportunities", key="teams_opportunity")
    if picked is None:
        st.info("Search for an opportunity above to edit its team.",
                icon=":material/handshake:")
    else:
        render_opportunity(picked)
