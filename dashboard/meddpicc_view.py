"""The MEDDPICC screen's filters, headline and gap table (the page: widgets -> load -> render)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from crm_core.glossary import help_text, name
from crm_core.queries.coverage_scope import filter_choices
from crm_core.queries.meddpicc import GapSummary, opportunity_gap_list
from crm_core.queries.meddpicc_rollups import gaps_by_company, gaps_by_team_member
from crm_core.queries.meddpicc_sql import GAP_TYPES
from crm_core.vocab import OPEN_STAGES, STAGES
from dashboard.data import load, whole_list
from dashboard.detail import MONEY, pager, show_table, yes_no_column
from dashboard.format import money, percent
from dashboard.gap_plan_view import with_plans

PAGE_SIZE = 25
TOP_ROWS = 200  # the page loads this many opportunities (most value at risk first) at once


def gap_filters() -> dict[str, Any]:
    """The filter widgets; returns the keyword filters every gap query takes."""
    choices = load(filter_choices)
    companies = dict(zip(choices["companies"]["company_id"], choices["companies"]["name"],
                         strict=True))
    users = dict(zip(choices["users"]["user_id"], choices["users"]["name"], strict=True))
    with st.expander("Filters", icon=":material/filter_list:"):
        first, second, third = st.columns(3)
        stages = first.multiselect("Stage", OPEN_STAGES, format_func=STAGES.label,
                                   key="meddpicc_stages",
                                   bind="query-params", placeholder="Every open stage")
        gap_types = first.multiselect("Gap type", GAP_TYPES.values, format_func=GAP_TYPES.label,
                                      key="meddpicc_gap_types",
                                      bind="query-params", placeholder="Any, or none",
                                      help="Only opportunities having at least one of these.")
        close_from = second.date_input("Closing from", value=None, key="meddpicc_close_from",
                                       bind="query-params",
                                       format="YYYY-MM-DD")
        close_to = second.date_input("Closing until", value=None, key="meddpicc_close_to",
                                     bind="query-params",
                                     format="YYYY-MM-DD")
        company_ids = third.multiselect(
            "Company", list(companies), format_func=lambda i: companies.get(i, str(i)),
            key="meddpicc_companies", bind="query-params", placeholder="Every company",
            help="The companies with the largest open pipeline are listed.")
        user_ids = third.multiselect(
            "Account team member", list(users), format_func=lambda i: users.get(i, str(i)),
            key="meddpicc_members", bind="query-params", placeholder="Anyone",
            help="Opportunities whose full team (inherited or added) includes them.")
        min_value = third.number_input("Minimum value ($)", min_value=0, value=0, step=10_000,
                                       key="meddpicc_min_value", bind="query-params")
    if close_from and close_to and close_from > close_to:
        st.error(f"'Closing from' ({close_from}) is after 'Closing until' ({close_to}); "
                 "the end of the window is ignored.", icon=":material/error:")
        close_to = None
    return {"stages": tuple(stages), "close_from": close_from, "close_to": close_to,
            "company_ids": tuple(company_ids), "user_ids": tuple(user_ids),
            "min_value": float(min_value) if min_value else None,
            "gap_types": tuple(gap_types)}


def show_headline(summary: GapSummary) -> None:
    """Open opportunities (how many not gated), share of gated ones fully covered, pipeline
    and weighted pipeline at risk."""
    cells = st.columns(5)
    cells[0].metric("Open opportunities", f"{summary.open_opportunities:,}", border=True,
                    help=help_text("open_deal"))
    cells[0].caption(f"{summary.gated:,} gated · {summary.not_gated:,} not gated",
                     help=help_text("not_gated"))
    cells[1].metric(name("fully_covered"), percent(summary.fully_covered_share), border=True,
                    help=help_text("fully_covered"))
    cells[1].caption(f"{summary.fully_covered:,} of {summary.gated:,} gated deals")
    cells[2].metric("Pipeline at risk", money(summary.value_at_risk), border=True,
                    help=help_text("value_at_risk"))
    cells[2].caption(f"of {money(summary.pipeline)} open pipeline")
    cells[3].metric(name("weighted_at_risk"), money(summary.weighted_value_at_risk),
                    border=True, help=help_text("weighted_at_risk"))
    cells[3].caption(f"of {money(summary.weighted_pipeline)} weighted")
    cells[4].metric(name("single_threaded"), f"{summary.single_threaded:,}", border=True,
                    help=help_text("single_threaded"))


def _as_shown(gap_list: pd.DataFrame) -> pd.DataFrame:
    """Gap list rows as the table shows them: stage labels, a dash for no gap."""
    return gap_list.assign(stage=gap_list["stage"].map(STAGES.label),
                           gaps=gap_list["gaps"].replace("", "—"))


def show_gap_table(total: int, filters: dict[str, Any], top: pd.DataFrame) -> None:
    """The opportunities with their gaps in words, most value at risk first, paginated.

    `top` holds the first TOP_ROWS of them already; later pages are loaded on demand.
    """
    offset = pager(total, key="meddpicc_table_page", page_size=PAGE_SIZE)
    if offset + PAGE_SIZE <= len(top) or len(top) < TOP_ROWS:
        frame = top.iloc[offset:offset + PAGE_SIZE]
    else:
        frame = load(opportunity_gap_list, limit=PAGE_SIZE, offset=offset, **filters)
    show_table(with_plans(_as_shown(frame)), key="meddpicc_gap_table", file_name="meddpicc-gaps",
               whole=whole_list(opportunity_gap_list, shape=_as_shown, **filters),
               empty="No open opportunity matches the filters.",
               links={"name": ("opportunity", "opportunity_id"),
                      "company": ("company", "company_id")},
               columns={"name": "Opportunity",
                        "gaps": st.column_config.TextColumn("Gaps", width="large"),
                        "plans": st.column_config.TextColumn(
                            "Gap plans", help="Each planned gap: steps done of its steps"),
                        "stage": "Stage", "company": "Company",
                        "single_threaded": yes_no_column(
                            name("single_threaded"), help=help_text("single_threaded")),
                        "coverage_score": st.column_config.ProgressColumn(
                            name("coverage_score"), format="percent", min_value=0,
                            max_value=1, help=help_text("coverage_score")),
                        "value": st.column_config.NumberColumn("Value", **MONEY),
                        "weighted_value": st.column_config.NumberColumn("Weighted", **MONEY),
                        "expected_close_date": st.column_config.DateColumn("Close date"),
                        "team": "Account team"})


ROLLUP_COLUMNS = {
    "opportunities": st.column_config.NumberColumn("Open opportunities"),
    "gated": st.column_config.NumberColumn("Gated", help=help_text("gated_deal")),
    "fully_covered": st.column_config.NumberColumn(name("fully_covered"),
                                                   help=help_text("fully_covered")),
    "pipeline": st.column_config.NumberColumn("Pipeline", **MONEY),
    "value_at_risk": st.column_config.NumberColumn("Value at risk", **MONEY),
    "weighted_value_at_risk": st.column_config.NumberColumn("Weighted at risk", **MONEY),
    "missing": st.column_config.NumberColumn("With a missing role"),
    "unowned": st.column_config.NumberColumn("With an unowned role"),
    "owner_departed": st.column_config.NumberColumn(GAP_TYPES.label("owner_departed"),
                                                    help=help_text("owner_departed_role")),
    "off_team": st.column_config.NumberColumn(GAP_TYPES.label("off_team"),
                                              help=help_text("owned_off_deal_team")),
    "single_threaded": st.column_config.NumberColumn(name("single_threaded")),
}


def show_rollup(by_stage: pd.DataFrame, filters: dict[str, Any]) -> None:
    """The gap figures per stage, per account team member or per company (one at a time)."""
    by = st.segmented_control("Per", ["Stage", "Account team member", "Company"],
                              default="Stage", key="meddpicc_rollup_by")
    if by == "Account team member":
        frame = load(gaps_by_team_member, limit=100, **filters)
        show_table(frame, key="meddpicc_rollup_members", file_name="meddpicc-by-team-member",
                   links={"name": ("user", "user_id")}, empty="Nobody is on these teams.",
                   columns={"name": "Account team member", **ROLLUP_COLUMNS})
        st.caption("Each member's full-team opportunities (inherited or added); the 100 with "
                   "the most value at risk.")
    elif by == "Company":
        frame = load(gaps_by_company, limit=100, **filters)
        show_table(frame, key="meddpicc_rollup_companies", file_name="meddpicc-by-company",
                   links={"company": ("company", "company_id")},
                   empty="No open opportunity matches the filters.",
                   columns={"company": "Company", **ROLLUP_COLUMNS})
        st.caption("The 100 companies with the most value at risk.")
    else:
        show_table(by_stage, key="meddpicc_rollup_stages", file_name="meddpicc-by-stage",
                   empty="No open opportunity matches the filters.",
                   columns={"stage_label": "Stage", **ROLLUP_COLUMNS})
