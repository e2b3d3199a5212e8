"""Overview: the one-glance summary for sales leaders; each figure links to its screen."""

from datetime import date
from functools import partial

import streamlit as st

from crm_core.glossary import help_text, name
from crm_core.queries.coverage import coverage_summary
from crm_core.queries.meddpicc import gap_summary
from crm_core.queries.overview import closing_soon, open_pipeline, pipeline_by_stage
from crm_core.queries.tasks import task_counts
from dashboard.auth import current_actor
from dashboard.charting import show_chart
from dashboard.charts.overview import (
    ownership_chart,
    pipeline_by_stage_chart,
    pipeline_risk_chart,
)
from dashboard.data import load, load_together
from dashboard.format import money, percent, share
from dashboard.links import name_link_column, with_name_links
from dashboard.navigation import link_to_page
from dashboard.scope_view import scope_control, team_comparison_section
from dashboard.tables import download_csv
from dashboard.trend_view import change_over_time
from dashboard.what_changed_view import what_changed_section

CLOSING_WINDOW_DAYS = 30

st.title("Overview")
actor = current_actor()
today = date.today()
scope = scope_control(actor)
st.caption(f"As of {today:%d %B %Y}. Each figure links to the screen that explains it.")

pipeline, coverage, gaps, tasks, by_stage = load_together(
    partial(open_pipeline, scope=scope), partial(coverage_summary, scope=scope),
    partial(gap_summary, scope=scope), partial(task_counts, today=today, scope=scope),
    partial(pipeline_by_stage, scope=scope))

open_column, weighted_column, owned_column, meddpicc_column, tasks_column = st.columns(5)
with open_column:
    st.metric("Open pipeline", money(pipeline.pipeline), border=True,
              help=help_text("open_pipeline"))
    st.caption(f"{pipeline.open_opportunities:,} open opportunities")
    link_to_page("pages/meddpicc.py", label="Open opportunities", actor=actor,
                 query_params={"scope": scope})
with weighted_column:
    st.metric("Weighted pipeline", money(pipeline.weighted_pipeline), border=True,
              help=help_text("weighted_value"))
    st.caption(f"{percent(share(pipeline.weighted_pipeline, pipeline.pipeline))} of the open "
               "pipeline")
    link_to_page("pages/meddpicc.py", label="By opportunity", actor=actor,
                 query_params={"scope": scope})
with owned_column:
    st.metric("Ownership coverage", percent(coverage.owned_share), border=True,
              help=help_text("owned"))
    st.caption(f"{coverage.orphaned:,} orphaned ({coverage.orphaned_owner_departed:,} owner "
               f"departed) · {coverage.single_owner:,} single-owner")
    link_to_page("pages/coverage.py", label="Relationship coverage", actor=actor,
                 query_params={"scope": scope})
with meddpicc_column:
    st.metric(f"{name('fully_covered')} deals", percent(gaps.fully_covered_share), border=True,
              help=help_text("fully_covered"))
    st.caption(f"{gaps.fully_covered:,} of {gaps.gated:,} gated deals · "
               f"{money(gaps.value_at_risk)} of pipeline at risk")
    link_to_page("pages/meddpicc.py", label="MEDDPICC gaps", actor=actor,
                 query_params={"scope": scope})
with tasks_column:
    st.metric("Overdue tasks", f"{tasks.overdue:,}", border=True,
              help=help_text("overdue"))
    st.caption(f"{tasks.due_soon:,} due in 7 days · {tasks.blocked:,} blocked")
    link_to_page("pages/tasks.py", label="Tasks", actor=actor, query_params={"scope": scope})

chart_column, share_column = st.columns([3, 2])
with chart_column:
    st.subheader("Pipeline by stage")
    show_chart(pipeline_by_stage_chart, by_stage)
with share_column:
    st.subheader("Relationship ownership")
    if coverage.stakeholders:
        st.caption(f"Share of {coverage.stakeholders:,} stakeholders by number of owners")
        show_chart(ownership_chart, orphaned=coverage.orphaned,
                   single_owner=coverage.single_owner, multi_owner=coverage.multi_owner)
    else:
        st.caption("No stakeholders yet.")
    st.subheader("MEDDPICC coverage of the pipeline")
    if gaps.pipeline:
        st.caption("Share of open pipeline value in fully covered, at-risk and not gated deals "
                   f"({gaps.not_gated:,} open deals are not gated)",
                   help=help_text("not_gated"))
        show_chart(pipeline_risk_chart, pipeline=gaps.pipeline, value_at_risk=gaps.value_at_risk,
                   not_gated=gaps.not_gated_pipeline)
    else:
        st.caption("No open pipeline yet.")

change_over_time(["owned_share", "orphaned", "fully_covered", "value_at_risk", "overdue_tasks"],
                 scope=scope, today=today)
what_changed_section(scope, today=today)

team_comparison_section(scope, today=today)

st.subheader(f"Closing in the next {CLOSING_WINDOW_DAYS} days")
closing = load(closing_soon, today=today, within_days=CLOSING_WINDOW_DAYS, limit=15, scope=scope)
if closing.empty:
    st.caption(f"No open opportunity is expected to close in the next {CLOSING_WINDOW_DAYS} days.")
else:
    labels = {"opportunity": "Opportunity", "company": "Company", "stage_label": "Stage",
              "value": "Value", "probability": "Probability",
              "expected_close_date": "Expected close", "slipped": "Past due"}
    shown = with_name_links(with_name_links(closing, "opportunity", "opportunity_id",
                                            "opportunity"), "company", "company_id", "company")
    st.dataframe(shown[list(labels)].rename(columns=labels), hide_index=True, width="stretch",
                 column_config={
                     "Opportunity": name_link_column("Opportunity"),
                     "Company": name_link_column("Company"),
                     "Value": st.column_config.NumberColumn(format="dollar"),
                     "Probability": st.column_config.NumberColumn(format="%d%%"),
                     "Past due": st.column_config.CheckboxColumn(
                         help="The expected close date has passed and the deal is still open.")})
    download_csv(closing[list(labels)].rename(columns=labels), file_name="closing_soon",
                 key="overview_closing_csv")
