"""MEDDPICC: which buying roles each open opportunity has covered and owned, what is at risk,
and (for managers) the scorecard and the fixes that close a gap."""

from datetime import date

import streamlit as st

from crm_core.access import Permission
from crm_core.glossary import help_text, name, term
from crm_core.queries.freshness import stale_cutoff
from crm_core.queries.meddpicc import opportunity_gaps, opportunity_scorecard
from crm_core.queries.meddpicc_scorecard import company_stakeholders_for_opportunity
from crm_core.queries.meddpicc_screen import gap_screen
from crm_core.vocab import MEDDPICC_ROLES
from dashboard.auth import current_actor
from dashboard.charting import show_chart
from dashboard.charts.meddpicc import (
    gap_heatmap,
    value_at_risk_by_gap_type_chart,
    value_at_risk_by_stage_chart,
)
from dashboard.data import load
from dashboard.detail import link_to, show_table, yes_no_column
from dashboard.format import money, percent
from dashboard.manage import show_confirmation
from dashboard.meddpicc_forms import gap_fix_forms, scorecard_form
from dashboard.meddpicc_view import (
    TOP_ROWS,
    gap_filters,
    show_gap_table,
    show_headline,
    show_rollup,
)
from dashboard.scope_view import scope_control
from dashboard.trend_view import change_over_time
from dashboard.what_changed_view import what_changed_section

st.title("MEDDPICC")
st.caption(f"{term('meddpicc').help} The Glossary explains every term.")
actor = current_actor()
can_edit = actor.can(Permission.EDIT)
show_confirmation()
scope = scope_control(actor)
# A full-team owner who has not touched a role's holders within the threshold: owned but stale.
filters = {**gap_filters(), "scope": scope,
           "fresh_since": load(stale_cutoff, today=date.today())}
# One SQL pass over every open opportunity's gaps feeds the headline, the charts, the stage
# roll-up, the heatmap, the first pages of the table and the scorecard's choices.
overview = load(gap_screen, limit=TOP_ROWS, **filters)
summary = overview.summary
show_headline(summary)
change_over_time(["open_deals", "fully_covered", "value_at_risk", "weighted_value_at_risk",
                  "single_threaded"], scope=scope, today=date.today())
what_changed_section(scope, today=date.today())

st.subheader("Coverage map", anchor=False)
top_n = st.segmented_control("Opportunities shown", [10, 25, 50, 100], default=25,
                             key="meddpicc_top_n", help="The most value at risk first.")
top = overview.top  # the opportunities with the most value at risk
matrix = top.head(top_n or 25)
if matrix.empty:
    st.caption("No open opportunity matches the filters.")
else:
    st.caption(f"The {len(matrix):,} opportunities with the most value at risk of "
               f"{summary.open_opportunities:,}. Rows: opportunities; columns: MEDDPICC roles.")
    show_chart(gap_heatmap, matrix)

stage_column, type_column = st.columns(2)
with stage_column:
    st.subheader("Value at risk by stage", anchor=False)
    if overview.by_stage.empty:
        st.caption("No open opportunity matches the filters.")
    else:
        show_chart(value_at_risk_by_stage_chart, overview.by_stage)
with type_column:
    st.subheader("Value by gap type", anchor=False)
    show_chart(value_at_risk_by_gap_type_chart, overview.by_gap_type)
    st.caption("A deal with several kinds of gap counts under each.")

st.subheader("Opportunities and their gaps", anchor=False)
show_gap_table(summary.open_opportunities, filters, top)

st.subheader("Roll-ups", anchor=False)
show_rollup(overview.by_stage, filters)

st.subheader("Scorecard of one opportunity", anchor=False)
labels = {int(r.opportunity_id): f"{r.name} · {r.company}" for r in top.itertuples()}
opportunity_id = st.selectbox("Opportunity", list(labels), format_func=labels.get,
                              key="meddpicc_opportunity",
                              bind="query-params", index=0 if labels else None,
                              placeholder="No open opportunity matches the filters",
                              help=f"The {TOP_ROWS} with the most value at risk, under the "
                                   "filters.")
if opportunity_id is None:
    st.stop()
gaps = load(opportunity_gaps, opportunity_id=opportunity_id, today=date.today())
if gaps is None:
    st.caption("This opportunity no longer exists.")
    st.stop()
link_to("opportunity", opportunity_id, labels[opportunity_id], icon=":material/handshake:")
cells = st.columns(4)
cells[0].metric(name("coverage_score"), percent(gaps.coverage_score), border=True,
                help=help_text("coverage_score"))
cells[1].metric("Value at risk", money(gaps.value_at_risk), border=True)
cells[2].metric("Linked stakeholders", gaps.linked_stakeholders, border=True)
cells[3].metric(name("single_threaded"), "Yes" if gaps.single_threaded else "No", border=True,
                help=help_text("single_threaded"))
required = ", ".join(MEDDPICC_ROLES.label(r) for r in gaps.required_roles)
st.caption(f"Required at this stage: {required or 'no roles (' + name('not_gated').lower() + ')'}")
if gaps.gaps_in_words:
    st.warning("Gaps: " + "; ".join(gaps.gaps_in_words) + ".", icon=":material/warning:")

st.markdown("**Scorecard**")
scorecard = load(opportunity_scorecard, opportunity_id=opportunity_id)
show_table(scorecard.assign(updated_by=scorecard["updated_by"].fillna("")),
           key="meddpicc_scorecard_table", file_name=f"scorecard-{opportunity_id}",
           columns={"label": "Element", "status_label": "Status",
                    "derived": yes_no_column("Derived", help="From stakeholder roles and "
                                             "ownership, never entered by hand"),
                    "note": "Note", "updated_by": "Recorded by",
                    "updated_at": st.column_config.DatetimeColumn(
                        "Recorded at (UTC)", format="YYYY-MM-DD HH:mm")})
st.markdown("**Buying committee**: the company's stakeholders")
people = load(company_stakeholders_for_opportunity, opportunity_id=opportunity_id)
show_table(people, key="meddpicc_people_table", file_name=f"buying-committee-{opportunity_id}",
           empty="The company has no stakeholders yet.",
           links={"name": ("stakeholder", "stakeholder_id")},
           columns={"name": "Stakeholder", "job_title": "Job title",
                    "linked": yes_no_column("Linked", help="On this opportunity's buying "
                                            "committee"),
                    "role_labels": "MEDDPICC roles", "owners": "Relationship owners",
                    "owned_on_team": yes_no_column(
                        "Owned by the team", help="An owner is on the opportunity's full "
                        "team (inherited or added)")})

if can_edit:
    st.subheader("Record the scorecard", anchor=False)
    st.caption("Economic buyer and Champion follow from the stakeholders' MEDDPICC roles and "
               "owners; close those gaps below.")
    scorecard_form(opportunity_id, scorecard)
    st.subheader("Close a gap", anchor=False)
    gap_fix_forms(opportunity_id, gaps, people)
