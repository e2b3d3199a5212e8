"""Coverage: who owns our customer relationships, where nobody does, and how the load spreads."""

from datetime import date

import streamlit as st

from crm_core.access import Permission
from crm_core.glossary import help_text, name
from crm_core.queries.coverage import (
    coverage_by_company,
    coverage_by_industry,
    coverage_by_meddpicc_role,
    coverage_by_team_member,
    coverage_summary,
)
from crm_core.queries.freshness import owned_freshness
from crm_core.queries.owner_load import coverage_matrix, owner_load
from crm_core.queries.scope import WHOLE
from dashboard.auth import current_actor
from dashboard.charting import show_chart
from dashboard.charts.coverage import coverage_bars_chart, coverage_heatmap, owner_load_chart
from dashboard.coverage_view import (
    coverage_filters,
    show_freshness,
    show_headline,
    show_off_team,
    show_orphans,
    show_single_owner,
)
from dashboard.data import load
from dashboard.detail import MONEY, show_table, yes_no_column
from dashboard.manage import show_confirmation
from dashboard.scope_view import from_url, scope_control, to_url
from dashboard.trend_view import change_over_time
from dashboard.what_changed_view import what_changed_section

SHARE = st.column_config.NumberColumn("Owned", format="percent",
                                      help=help_text("owned"))

st.title("Coverage")
st.caption("Where our customer relationships are owned, by whom, and where they are not.")
actor = current_actor()
show_confirmation()

scope = scope_control(actor)
filters = coverage_filters()
filtered = any(filters.values()) or scope != WHOLE
filters["scope"] = scope
summary = load(coverage_summary, **filters)
# Without a filter the summary is the whole book already: no second query for the baseline.
show_headline(summary, load(coverage_summary) if filtered else summary, filtered=filtered)
show_freshness(load(owned_freshness, today=date.today(), **filters))
change_over_time(["owned_share", "orphaned", "orphaned_owner_departed", "single_owner",
                  "off_account_team"], scope=scope, today=date.today())
what_changed_section(scope, today=date.today())

st.subheader("Coverage by company or industry", anchor=False)
group, order, size = st.columns([2, 2, 1], vertical_alignment="bottom")
by = group.segmented_control("Group by", ["company", "industry"], default="company",
                             format_func=str.title, key="coverage_group_by") or "company"
sort_by = order.segmented_control(
    "Sort by", ["orphaned", "pipeline"], default="orphaned", key="coverage_sort_by",
    format_func={"orphaned": "Most orphans", "pipeline": "Most open pipeline"}.get) or "orphaned"
if by == "company":
    top = size.selectbox("Companies shown", [10, 20, 30, 50], index=1, key="coverage_top")
    bars = load(coverage_by_company, sort_by=sort_by, limit=top, **filters)
else:
    bars = load(coverage_by_industry, sort_by=sort_by, **filters)
if bars.empty:
    st.caption("No stakeholder matches the filters.")
else:
    show_chart(coverage_bars_chart, bars, category=by)

# One section at a time below the chart, so a render runs only the queries it shows.
st.subheader("Where to act", anchor=False)
SECTIONS = {"orphaned": f"Orphaned ({summary.orphaned - summary.orphaned_owner_departed:,})",
            "single": f"Single owner ({summary.single_owner:,})",
            "owner_departed": f"{name('orphaned_owner_departed')} "
                              f"({summary.orphaned_owner_departed:,})",
            "off_team": name("off_account_team"), "accounts": "Largest accounts",
            "owner_load": "Owner load", "roles": "MEDDPICC roles",
            "team": "Account team members"}
# ?section=single opens on that section; a change is a step the back button returns from.
from_url("coverage_section", "section", list(SECTIONS), "orphaned")
section = st.segmented_control("Section", list(SECTIONS), format_func=SECTIONS.get,
                               key="coverage_section", label_visibility="collapsed",
                               on_change=to_url, args=("coverage_section", "section")
                               ) or "orphaned"

if section == "orphaned":
    show_orphans(filters, can_edit=actor.can(Permission.EDIT))
elif section == "owner_departed":
    show_orphans(filters, can_edit=actor.can(Permission.EDIT), cause="owner_departed")
elif section == "single":
    show_single_owner(filters, can_edit=actor.can(Permission.EDIT))
elif section == "off_team":
    show_off_team(filters, can_edit=actor.can(Permission.EDIT))
elif section == "accounts":
    top_n = st.selectbox("Companies by open pipeline", [10, 15, 25], index=1,
                         key="coverage_matrix_top")
    matrix = load(coverage_matrix, top_n=top_n, **filters)
    if matrix.empty:
        st.caption("No company with open pipeline matches the filters.")
    else:
        st.caption("Who covers the largest accounts: stakeholders each user owns at the "
                   "companies with the most open pipeline (the 25 users owning the most there); "
                   "an outlined cell means the user is on that company's account team.")
        show_chart(coverage_heatmap, matrix)
elif section == "owner_load":
    owners = load(owner_load, **filters)
    nobody = int(owners["owns_nobody"].sum())
    st.caption(f"The chart shows the 25 users owning the most stakeholders; {nobody:,} of "
               f"{len(owners):,} users own nobody.")
    if owners["stakeholders_owned"].sum():
        show_chart(owner_load_chart, owners[~owners["owns_nobody"]].head(25))
    show_table(owners, key="coverage_owner_load", file_name="owner-load",
               links={"name": ("user", "user_id")},
               columns={"name": "User", "job_title": "Job title",
                        "stakeholders_owned": "Stakeholders owned",
                        "sole_owner_of": st.column_config.NumberColumn(
                            "Sole owner of", help=help_text("sole_owner")),
                        "companies_touched": "Companies",
                        "open_opportunities": st.column_config.NumberColumn(
                            name("open_deals_via_owned"), help=help_text("open_deals_via_owned")),
                        "open_pipeline": st.column_config.NumberColumn(
                            "Open pipeline", help="The value of the open deals via owned "
                            "stakeholders, each deal counted once",
                            **MONEY),
                        "owns_nobody": yes_no_column("Owns nobody")})
elif section == "roles":
    show_table(load(coverage_by_meddpicc_role, **filters), key="coverage_roles_table",
               file_name="coverage-by-meddpicc-role",
               columns={"label": "MEDDPICC role", "stakeholders": "Stakeholders",
                        "orphaned": "Orphaned", "single_owner": "Single owner",
                        "owned_share": SHARE})
else:
    show_table(load(coverage_by_team_member, **filters), key="coverage_team_table",
               file_name="coverage-by-account-team-member",
               empty="Nobody is on the account team of these companies.",
               links={"name": ("user", "user_id")},
               columns={"name": "Account team member", "job_title": "Job title",
                        "companies": "Companies", "stakeholders": "Stakeholders",
                        "orphaned": "Orphaned", "single_owner": "Single owner",
                        "multi_owner": "Two or more owners", "owned_share": SHARE})
