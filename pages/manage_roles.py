"""Roles & links: edit the MEDDPICC roles a stakeholder plays and the opportunities they are on."""

import streamlit as st

from crm_core.queries.assignment_sets import stakeholder_assignments
from crm_core.queries.detail_search import deal_label, search_stakeholders
from crm_core.services.assignment_sets import (
    set_stakeholder_opportunities,
    set_stakeholder_roles,
)
from crm_core.vocab import MEDDPICC_ROLES, STAGES
from dashboard.detail import MONEY, link_to, show_table
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

ROLES_FORM, LINKS_FORM = "roles_roles", "roles_links"

st.title("Roles & links")
st.caption("Which MEDDPICC roles a stakeholder plays, and which opportunities' buying committees "
           "they are on. Together they decide which required roles each open deal covers.")
show_confirmation()


def _changed(what: str, name: str, change) -> str:
    if not change.changed:
        return f"The {what} of {name} were already these; nothing changed."
    return f"Saved the {what} of {name}: {len(change.added)} added, {len(change.removed)} removed."


def _save_roles(stakeholder_id: int, name: str) -> None:
    submit(ROLES_FORM, set_stakeholder_roles, lambda c: _changed("MEDDPICC roles", name, c),
           stakeholder_id=stakeholder_id, meddpicc_roles=st.session_state.roles_roles,
           seen_roles=seen(ROLES_FORM).get("roles_roles", []))


def _save_links(stakeholder_id: int, name: str) -> None:
    submit(LINKS_FORM, set_stakeholder_opportunities, lambda c: _changed("opportunities", name, c),
           stakeholder_id=stakeholder_id, opportunity_ids=st.session_state.roles_opportunities,
           seen_opportunity_ids=seen(LINKS_FORM).get("roles_opportunities", []))


def render(stakeholder_id: int) -> None:
    data = load_record(stakeholder_assignments, stakeholder_id=stakeholder_id)
    if data is None:
        return
    link_to("stakeholder", data.stakeholder_id, data.name, icon=":material/person:")
    st.caption(markdown_text(f"{data.job_title or 'No job title'} at {data.company}"))
    roles_column, links_column = st.columns(2)
    with roles_column, st.form(f"{ROLES_FORM}_form"):
        st.markdown("**MEDDPICC roles**")
        show_values(ROLES_FORM, {"roles_roles": list(data.roles)}, identity=stakeholder_id)
        st.multiselect("MEDDPICC roles", options=list(MEDDPICC_ROLES), key="roles_roles",
                       format_func=MEDDPICC_ROLES.label, placeholder="No MEDDPICC role",
                       help=" · ".join(f"{t.label}: {t.doc}" for t in MEDDPICC_ROLES.terms))
        field_error(ROLES_FORM, "meddpicc_roles")
        st.form_submit_button("Save roles", type="primary", key="roles_roles_save",
                              on_click=_save_roles, args=(stakeholder_id, data.name))
        form_errors(ROLES_FORM, {"meddpicc_roles"})
    options = data.company_opportunities
    labels = {int(r.opportunity_id): deal_label(r.name, r.stage, r.value, r.expected_close_date)
              for r in options.itertuples()}
    with links_column, st.form(f"{LINKS_FORM}_form"):
        st.markdown(f"**Opportunities** (of {markdown_text(data.company)})")
        show_values(LINKS_FORM, {"roles_opportunities": list(data.opportunity_ids)},
                    identity=stakeholder_id)
        st.multiselect("On the buying committee of", options=list(labels),
                       key="roles_opportunities", format_func=lambda o: labels.get(o, str(o)),
                       placeholder="No opportunity" if labels
                       else f"{data.company} has no opportunities")
        field_error(LINKS_FORM, "opportunity_ids")
        st.form_submit_button("Save opportunities", type="primary", key="roles_links_save",
                              on_click=_save_links, args=(stakeholder_id, data.name))
        form_errors(LINKS_FORM, {"opportunity_ids"})
    st.subheader(f"Linked opportunities ({len(data.opportunities)})", anchor=False)
    shown = data.opportunities.assign(stage=data.opportunities["stage"].map(STAGES.label))
    show_table(shown, key="roles_linked", file_name=f"opportunities-of-{stakeholder_id}",
               empty="Not on any opportunity's buying committee.",
               links={"name": ("opportunity", "opportunity_id")},
               columns={"name": "Opportunity", "stage": "Stage",
                        "value": st.column_config.NumberColumn("Value", **MONEY),
                        "expected_close_date": "Close date"})


picked = pick("stakeholder", search_stakeholders, label="stakeholder", plural="stakeholders",
              key="roles_stakeholder")
if picked is None:
    st.info("Search for a stakeholder above to edit their MEDDPICC roles and opportunities.",
            icon=":material/person_search:")
else:
    render(picked)
