"""Sections several detail pages show: linked tasks, the record's history, the relationship map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core.glossary import name
from crm_core.queries.audit_log import audit_events
from crm_core.queries.relationship_map import relationship_map
from crm_core.queries.tasks import task_list_chunks, task_page
from crm_core.vocab import (
    NEXT_STEP_TYPES,
    PRIORITIES,
    TASK_STATUSES,
    TASK_TYPES,
    UNFINISHED_TASK_STATUSES,
)
from dashboard.charts.relationship_map import relationship_map_dot
from dashboard.data import load, whole_list
from dashboard.detail import pager, show_table

TASK_PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 25
MAP_LIMIT = 30


def _task_kind(row: pd.Series) -> str:
    if row["task_type"] == "sequence":
        return f"Sequence · {int(row['steps_done'] or 0)}/{int(row['steps_total'] or 0)} done"
    if pd.notna(row["sequence_order"]):
        return f"Step {int(row['sequence_order'])} of {int(row['sequence_steps'] or 0)}"
    return TASK_TYPES.label(row["task_type"])


def _task_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Task rows as the section shows them: labels, kind, blanks for nothing."""
    rows = rows.copy()
    if not rows.empty:
        rows["kind"] = rows.apply(_task_kind, axis=1)
        rows["status"] = rows["status"].map(TASK_STATUSES.label)
        rows["priority"] = rows["priority"].map(PRIORITIES.label)
        rows["next_step_type"] = rows["next_step_type"].map(NEXT_STEP_TYPES.label)
        rows["blocked_by"] = rows["blocked_by"].fillna("")
        rows["sequence"] = rows["sequence"].fillna("")
    return rows


def tasks_section(entity_type: str, entity_id: int, *, title: str = "Tasks") -> None:
    """The tasks linked to the record (unfinished by default), overdue first."""
    st.subheader(title, anchor=False)
    include_finished = st.toggle("Include done and cancelled", key=f"{entity_type}_tasks_all")
    statuses = () if include_finished else UNFINISHED_TASK_STATUSES
    first = load(task_page, entity_type=entity_type, entity_id=entity_id, statuses=statuses,
                 limit=TASK_PAGE_SIZE, offset=0)
    offset = pager(first.total, key=f"{entity_type}_tasks_page", page_size=TASK_PAGE_SIZE)
    page = first if offset == 0 else load(
        task_page, entity_type=entity_type, entity_id=entity_id, statuses=statuses,
        limit=TASK_PAGE_SIZE, offset=offset)
    show_table(_task_rows(page.rows), key=f"{entity_type}_tasks",
               file_name=f"{entity_type}-{entity_id}-tasks",
               whole=whole_list(task_list_chunks, shape=_task_rows, entity_type=entity_type,
                                entity_id=entity_id, statuses=statuses),
               empty="No open tasks." if not include_finished else "No tasks.",
               columns={"description": "Task", "kind": "Type",
                        "status": "Status", "priority": "Priority",
                        "due_date": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
                        "next_step_type": "Next step", "sequence": "Sequence",
                        "blocked_by": st.column_config.TextColumn(
                            "Blocked by", help="The earlier step that must finish first"),
                        "linked": "Linked to"})


def history_expander(entity_type: str, entity_id: int) -> None:
    """The record's audit events (who changed what, when), newest first, in an expander."""
    first = load(audit_events, entity_type=entity_type, entity_id=entity_id,
                 limit=HISTORY_PAGE_SIZE)
    with st.expander(f"History ({first.total})", icon=":material/history:"):
        offset = pager(first.total, key=f"{entity_type}_history_page",
                       page_size=HISTORY_PAGE_SIZE)
        page = first if offset == 0 else load(
            audit_events, entity_type=entity_type, entity_id=entity_id,
            limit=HISTORY_PAGE_SIZE, offset=offset)
        show_table(page.events, key=f"{entity_type}_history",
                   file_name=f"{entity_type}-{entity_id}-history",
                   whole=whole_list(audit_events, entity_type=entity_type,
                                    entity_id=entity_id),
                   empty="No recorded changes yet (records loaded before auditing have none).",
                   columns={"when": st.column_config.DatetimeColumn(
                                "When (UTC)", format="YYYY-MM-DD HH:mm"),
                            "who": "Who", "action": "What", "summary": "Summary",
                            "changes": "Changes"})


def relationship_map_section(*, company_id: int | None = None,
                             opportunity_id: int | None = None, total_stakeholders: int,
                             missing_roles: tuple[str, ...] = ()) -> None:
    """Our people -> the stakeholders they own -> their MEDDPICC roles, as a Graphviz picture."""
    st.subheader("Relationship map", anchor=False)
    edges = load(relationship_map, company_id=company_id, opportunity_id=opportunity_id,
                 limit=MAP_LIMIT)
    if edges.empty:
        st.caption("No stakeholders to map yet.")
        return
    team = "account team" if company_id is not None else "deal team"
    off = name("off_account_team") if company_id is not None else name("off_deal_team")
    st.graphviz_chart(relationship_map_dot(edges, missing_roles=missing_roles, off_label=off))
    shown = edges["stakeholder_id"].nunique()
    note = ("Blue: our people on the " + team + "; orange: owners " + off.lower()
            + "; red dashed: "
            "orphaned stakeholders" + (" and missing required roles" if missing_roles else "")
            + ". Click a name to open it.")
    if shown < total_stakeholders:
        note += f" Showing {shown} of {total_stakeholders} stakeholders (those with a role first)."
    st.caption(note)
