"""The task screen's write side (managers): edit, complete, reopen, cancel, link, bulk (a new
task: task_new).

Every form keeps what was typed when the save is refused and shows the error by its field.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core.queries.gap_plans import closed_gap_of_step
from crm_core.queries.task_details import task_links
from crm_core.services import task_status
from crm_core.services import tasks as task_services
from crm_core.vocab import (
    DEPENDENCY_TYPES,
    MEDDPICC_ROLES,
    NEXT_STEP_TYPES,
    PRIORITIES,
    TASK_STATUSES,
)
from dashboard.data import load
from dashboard.detail import link_to
from dashboard.format import markdown_text
from dashboard.manage import (
    field_error,
    form_errors,
    seen,
    show_values,
    submit,
)
from dashboard.task_view import record_picker

EDIT = "task_edit"
ACT = "task_act"
LINKS = "task_links"
BULK = "task_bulk"


def next_step_select(key: str) -> None:
    st.selectbox("Next step", [None, *NEXT_STEP_TYPES], key=key,
                 format_func=lambda v: "—" if v is None else NEXT_STEP_TYPES.label(v))


def _save_edit(task_id: int, is_step: bool) -> None:
    state, shown = st.session_state, seen(EDIT)
    changes = {name: state[f"{EDIT}_{name}"] for name in
               ("description", "due_date", "priority", "next_step_type", "status")}
    if is_step:
        changes["dependency_type"] = state[f"{EDIT}_dependency_type"]
    submit(EDIT, task_services.edit_task, "Task saved.", task_id=task_id,
           seen_version=shown.get("version"), **changes)


def edit_form(row: pd.Series) -> None:
    """Edit the selected task's fields (refused if someone changed it since it was shown)."""
    task_id, is_step = int(row["id"]), pd.notna(row["sequence_order"])
    values = {f"{EDIT}_description": row["description"],
              f"{EDIT}_due_date": None if pd.isna(row["due_date"]) else row["due_date"],
              f"{EDIT}_priority": row["priority"],
              f"{EDIT}_next_step_type": row["next_step_type"] or None,
              f"{EDIT}_status": row["status"], f"{EDIT}_dependency_type": row["dependency_type"]}
    show_values(EDIT, values, identity=task_id, meta={"version": int(row["version"])})
    unfinished = row["status"] in ("open", "in_progress")
    with st.form(EDIT):
        st.text_area("Description", key=f"{EDIT}_description", height=80)
        field_error(EDIT, "description")
        left, middle, right = st.columns(3)
        left.date_input("Due date", key=f"{EDIT}_due_date", format="YYYY-MM-DD")
        middle.selectbox("Priority", list(PRIORITIES), key=f"{EDIT}_priority",
                         format_func=PRIORITIES.label)
        with right:
            next_step_select(f"{EDIT}_next_step_type")
        statuses = ["open", "in_progress"] if unfinished else [row["status"]]
        left.selectbox("Status", statuses, key=f"{EDIT}_status", format_func=TASK_STATUSES.label,
                       help="Complete, reopen and cancel with the buttons beside the form.")
        if is_step:
            middle.selectbox("Depends on the previous step", list(DEPENDENCY_TYPES),
                             key=f"{EDIT}_dependency_type", format_func=DEPENDENCY_TYPES.label,
                             help=DEPENDENCY_TYPES.terms[1].doc)
        form_errors(EDIT, ("description",))
        st.form_submit_button("Save changes", on_click=_save_edit, args=(task_id, is_step),
                              icon=":material/save:")


def _completed(task) -> str:
    """The confirmation; a gap plan's step whose gap is closed already says so."""
    role = load(closed_gap_of_step, task_id=task.id)
    return "Task completed." if role is None else (
        f"Task completed. Its gap is closed: the deal's {MEDDPICC_ROLES.label(role).lower()} "
        "is covered and owned by the deal team.")


def status_actions(row: pd.Series) -> None:
    """Complete (forced with a reason when blocked), reopen or cancel the selected task."""
    task_id, version = int(row["id"]), int(row["version"])
    form_errors(ACT, ())
    if row["status"] in ("done", "cancelled"):
        st.button("Reopen", key=f"{ACT}_reopen", icon=":material/undo:", on_click=submit,
                  args=(ACT, task_status.reopen_task, "Task reopened."),
                  kwargs={"task_id": task_id, "seen_version": version})
        return
    if row["blocked"]:
        st.warning(f"Blocked: waits for the previous step '{markdown_text(row['blocked_by'])}'.",
                   icon=":material/block:")
        st.text_input("Reason for completing it anyway", key=f"{ACT}_reason")
        field_error(ACT, "reason")
        st.button("Force complete", key=f"{ACT}_force", icon=":material/done_all:",
                  on_click=lambda: submit(
                      ACT, task_status.complete_task, "Task completed (forced).",
                      task_id=task_id, seen_version=version, force=True,
                      reason=st.session_state.get(f"{ACT}_reason")))
    else:
        st.button("Complete", key=f"{ACT}_complete", type="primary", icon=":material/check:",
                  on_click=submit, args=(ACT, task_status.complete_task, _completed),
                  kwargs={"task_id": task_id, "seen_version": version})
    st.button("Cancel task", key=f"{ACT}_cancel", icon=":material/cancel:", on_click=submit,
              args=(ACT, task_status.cancel_task, "Task cancelled."),
              kwargs={"task_id": task_id, "seen_version": version})


def links_panel(task_id: int, *, editable: bool) -> None:
    """The task's links as detail-page links; managers remove them or link another record."""
    links = load(task_links, task_id=task_id)
    if links.empty:
        st.caption("Not linked to any record.")
    for link in links.itertuples():
        left, right = st.columns([5, 1])
        with left:
            link_to(link.entity_type, link.entity_id, f"{link.name} ({link.entity_type})")
        if editable:
            right.button(":material/link_off:", help=f"Unlink this {link.entity_type}",
                         key=f"{LINKS}_remove_{link.entity_type}_{link.entity_id}",
                         on_click=submit, args=(LINKS, task_services.unlink_entity,
                                                "Link removed."),
                         kwargs={"task_id": task_id, "entity_type": link.entity_type,
                                 "entity_id": int(link.entity_id)})
    if editable:
        with st.popover("Link a record", icon=":material/add_link:"):
            picked = record_picker(f"{LINKS}_new", label="Record type",
                                   any_label="Choose a type")
            st.button("Link" if picked is None else
                      f"Link to {picked[0]} {markdown_text(picked[2])}",
                      key=f"{LINKS}_add", disabled=picked is None, type="primary",
                      on_click=submit,
                      args=(LINKS, task_services.link_entities,
                            lambda n: "Link added." if n else "It was linked already."),
                      kwargs={"task_id": task_id,
                              "links": [(picked[0], picked[1])] if picked else []})
        form_errors(LINKS, ())


def bulk_complete_button(task_ids: list[int]) -> None:
    """Complete every selected task, or none (the error names the blocked ones)."""
    form_errors(BULK, ())
    st.button(f"Complete {len(task_ids)} selected", key=f"{BULK}_go", disabled=not task_ids,
              icon=":material/done_all:", on_click=submit,
              args=(BULK, task_status.bulk_complete, lambda n: f"{n} task(s) completed."),
              kwargs={"task_ids": task_ids})
