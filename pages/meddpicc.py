"""MEDDPICC: which buying roles each open opportunity has covered and owned, what is at risk,
and (for managers) the fixes that close a chosen deal's gaps: the portfolio view (one deal's
scorecard lives on its opportunity page)."""

from datetime import date

import streamlit as st

from crm_core.access import Permission
from crm_core.glossary import term
from crm_core.queries.freshness import stale_cutoff
from crm_core.queries.meddpicc import opportunity_gaps
from crm_core.queries.meddpicc_screen import gap_screen
from dashboard.auth import current_actor
from dashboard.charting import show_chart
from dashboard.charts.meddpicc import (
    gap_heatmap,
    value_at_risk_by_gap_type_chart,
    value_at_risk_by_stage_chart,
)
from dashboard.data import load
from dashboard.deal_fixes import committee_table, deal_choice, deal_fixes
from dashboard.gap_plan_view import plan_section
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
scope = scope_control(actor)
# A full-team owner who has not touched a role's holders within the threshold: owned but stale.
filters = {**gap_filters(), "scope": scope,
           "fresh_since": load(stale_cutoff, today=date.today())}
# One SQL pass over every open opportunity's gaps feeds the headline, the charts, the stage
# roll-up, the heatmap, the first pages of the table and the deals to choose from.
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

st.subheader("Close a deal's gaps", anchor=False)
opportunity_id = deal_choice(top)
if opportunity_id is None:
    st.stop()
gaps = load(opportunity_gaps, opportunity_id=opportunity_id, today=date.today())
if gaps is None:
    st.caption("This opportunity no longer exists.")
    st.stop()
st.caption("Its scorecard and every detail are on the opportunity's page.")
if gaps.gaps_in_words:
    st.warning("Gaps: " + "; ".join(gaps.gaps_in_words) + ".", icon=":material/warning:")
plan_section(opportunity_id, gaps, can_edit=can_edit)
if can_edit:
    deal_fixes(opportunity_id, gaps, key="meddpicc_people_table")
else:
    committee_table(opportunity_id, key="meddpicc_people_table")
