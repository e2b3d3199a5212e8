"""Gap plans on screen: which of a deal's gaps have a plan and how far it has got (a gap
closed before its plan finished says so), and the one action that plans the rest."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core.glossary import help_text
from crm_core.queries.gap_plans import gap_plan_progress
from crm_core.queries.meddpicc import OpportunityGaps
from crm_core.services.gap_plans import create_gap_plan
from crm_core.vocab import MEDDPICC_ROLES
from dashboard.data import load
from dashboard.manage import form_errors, submit

FORM = "gap_plan"


def progress_words(progress: pd.DataFrame) -> dict[int, str]:
    """{opportunity_id: 'Champion 1/3 · Economic buyer 0/2'} for a gap list's plan column."""
    return {int(opportunity_id): " · ".join(
        f"{MEDDPICC_ROLES.label(r.meddpicc_role)} {int(r.done)}/{int(r.steps)}"
        for r in rows.itertuples())
        for opportunity_id, rows in progress.groupby("opportunity_id")}


def with_plans(frame: pd.DataFrame) -> pd.DataFrame:
    """The gap list with a 'plans' column: each planned gap and its steps done."""
    progress = load(gap_plan_progress,
                    opportunity_ids=tuple(int(i) for i in frame["opportunity_id"]))
    words = progress_words(progress)
    return frame.assign(plans=[words.get(int(i), "") for i in frame["opportunity_id"]])


def _gap_roles(gaps: OpportunityGaps) -> set[str]:
    return set(gaps.missing) | set(gaps.unowned) | set(gaps.owner_departed) | set(gaps.off_team)


def plan_section(opportunity_id: int, gaps: OpportunityGaps, *, can_edit: bool) -> None:
    """Each planned gap with its progress; for managers, plan the gaps without a plan."""
    progress = load(gap_plan_progress, opportunity_ids=(opportunity_id,))
    open_gaps = _gap_roles(gaps)
    for row in progress.itertuples():
        role = MEDDPICC_ROLES.label(row.meddpicc_role)
        steps = f"{int(row.done)} of {int(row.steps)} steps done"
        if row.meddpicc_role not in open_gaps:
            st.caption(f":material/task_alt: {role}: gap closed · {steps}"
                       + ("" if row.done == row.steps else "; the steps left can be cancelled"))
        else:
            st.caption(f":material/pending: {role}: planned · {steps}")
    if not progress.empty:
        st.page_link("pages/tasks.py", label="Open the plan in Tasks", icon=":material/list:",
                     query_params={"sequence": str(int(progress["sequence_id"].max()))})
    unplanned = open_gaps - set(progress.loc[progress["done"] < progress["steps"],
                                             "meddpicc_role"])
    if can_edit and unplanned:
        st.button("Plan the gaps" if progress.empty else "Plan the other gaps",
                  key=f"{FORM}_create", icon=":material/checklist:",
                  help=help_text("gap_plan"),
                  on_click=submit, args=(FORM, create_gap_plan,
                                         lambda s: f"Created '{s.description}'."),
                  kwargs={"opportunity_id": opportunity_id})
        form_errors(FORM, ())
