"""The task screen's read side: filter widgets, the task table with links, the sequence view."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from crm_core.errors import NotFound
from crm_core.queries.detail_search import (
    search_companies,
    search_opportunities,
    search_stakeholders,
)
from crm_core.queries.task_sequences import sequence_options, sequence_progress, sequence_steps
from crm_core.queries.tasks import DUE_WINDOWS, SORTS
from crm_core.vocab import (
    DEPENDENCY_TYPES,
    ENTITY_TYPES,
    NEXT_STEP_TYPES,
    PRIORITIES,
    TASK_STATUSES,
    TASK_TYPES,
    UNFINISHED_TASK_STATUSES,
)
from dashboard.data import load
from dashboard.format import markdown_text, percent
from dashboard.links import name_link_column, named_detail_url
from dashboard.manage import user_labels

SEARCHES = {"company": search_companies, "opportunity": search_opportunities,
            "stakeholder": search_stakeholders}
SORT_LABELS = {"due": "Due date (overdue first)", "newest": "Newest first"}


def _multiselect(label: str, vocabulary, *, key: str, default=()) -> list[str]:
    return st.multiselect(label, options=list(vocabulary), default=list(default),
                          format_func=vocabulary.label, key=key, bind="query-params")


def record_picker(key: str, *, label: str = "Linked to",
                  any_label: str = "Any record") -> tuple[str, int, str] | None:
    """Pick one company, opportunity, stakeholder or user: (entity_type, entity_id, name)."""
    kinds = [None, *ENTITY_TYPES]
    entity_type = st.selectbox(label, kinds, key=f"{key}_type",
                               format_func=lambda t: any_label if t is None
                               else ENTITY_TYPES.label(t))
    if entity_type is None:
        return None
    if entity_type == "user":
        labels = user_labels(include_departed=True)
        picked = st.selectbox("User", list(labels), format_func=labels.get, index=None,
                              key=f"{key}_user", placeholder="Choose a user")
        return ("user", picked, labels[picked].split(" · ")[0]) if picked else None
    text = st.text_input(f"Find a {entity_type}", key=f"{key}_search_{entity_type}",
                         placeholder="Part of a name")
    matches = load(SEARCHES[entity_type], text=text.strip(), limit=20)
    labels = dict(zip(matches["id"].tolist(), matches["label"].tolist(), strict=True))
    picked = st.selectbox(ENTITY_TYPES.label(entity_type), list(labels), index=None,
                          format_func=lambda i: labels.get(i, str(i)),
                          key=f"{key}_pick_{entity_type}",
                          placeholder=f"{len(labels)} matching" if labels else "No match")
    return (entity_type, picked, labels[picked].split(" · ")[0]) if picked else None


def task_filters(me: int | None, today: date
                 ) -> tuple[dict[str, Any], tuple[str, int, str] | None]:
    """The filter widgets: the keyword arguments of `task_page`, and the linked record picked."""
    scopes = ["mine", "everyone"] if me else ["everyone"]
    top = st.columns([2, 3, 3, 3])
    scope = top[0].radio("Whose tasks", scopes, horizontal=True, key="tasks_scope",
                         bind="query-params",
                         format_func={"mine": "Mine", "everyone": "Everyone"}.get,
                         help="Mine: tasks linked to you as a user (matched by your email).")
    statuses = top[1].multiselect("Status", list(TASK_STATUSES), key="tasks_statuses",
                                  bind="query-params",
                                  default=list(UNFINISHED_TASK_STATUSES),
                                  format_func=TASK_STATUSES.label)
    windows = top[2].multiselect("Due", list(DUE_WINDOWS), key="tasks_due", bind="query-params",
                                 format_func=DUE_WINDOWS.label)
    search = top[3].text_input("Search descriptions", key="tasks_search", bind="query-params",
                               placeholder="e.g. pricing")
    with st.expander("More filters", icon=":material/filter_list:"):
        left, middle, right = st.columns(3)
        with left:
            priorities = _multiselect("Priority", PRIORITIES, key="tasks_priorities")
            # Tasks and steps by default, as every count of tasks counts them.
            task_types = _multiselect("Kind", TASK_TYPES, key="tasks_types", default=("task",))
        with middle:
            next_steps = _multiselect("Next step", NEXT_STEP_TYPES, key="tasks_next_steps")
            blocked_only = st.checkbox("Blocked steps only", key="tasks_blocked",
                                       bind="query-params")
            sort = st.selectbox("Order", SORTS, format_func=SORT_LABELS.get, key="tasks_sort",
                                bind="query-params")
        with right:
            linked = record_picker("tasks_entity")
    entity_type, entity_id = (linked[0], linked[1]) if linked else (None, None)
    return dict(statuses=statuses, due_windows=windows, search=search.strip() or None,
                priorities=priorities, task_types=task_types, next_step_types=next_steps,
                blocked_only=blocked_only, sort=sort, entity_type=entity_type,
                entity_id=entity_id, user_id=me if scope == "mine" else None,
                today=today), linked


def _due_text(due: Any, status: str, today: date) -> str:
    if due is None or pd.isna(due):
        return ""
    days = (pd.Timestamp(due).date() - today).days
    if status not in UNFINISHED_TASK_STATUSES:
        return ""
    if days < 0:
        return f"{-days} d overdue"
    return "today" if days == 0 else f"in {days} d"


def _link(entity_type: str, first_id: Any, count: int, first_name: str) -> str | None:
    if first_id is None or pd.isna(first_id):
        return None
    more = int(count) - 1
    name = first_name + (f" +{more}" if more > 0 else "")
    return named_detail_url(entity_type, int(first_id), name)


def _kind(task_type: str, steps_done: Any, steps_total: Any, order: Any, steps: Any) -> str:
    if task_type == "sequence":
        return f"Sequence · {int(steps_done or 0)}/{int(steps_total or 0)} done"
    if pd.notna(order):
        return f"Step {int(order)} of {int(steps or 0)}"
    return "Task"


def _values(rows: pd.DataFrame, *columns: str) -> zip:
    """The rows' values of these columns, row by row (cheaper than iterrows)."""
    return zip(*(rows[column] for column in columns), strict=True)


def table_frame(rows: pd.DataFrame, today: date) -> pd.DataFrame:
    """The page's rows as shown: labels, due text, blocked marker, one link column per type."""
    shown = pd.DataFrame({
        "Task": rows["description"],
        "Status": rows["status"].map(TASK_STATUSES.label),
        "Priority": rows["priority"].map(PRIORITIES.label),
        "Due": rows["due_date"],
        "When": [_due_text(d, s, today) for d, s in zip(rows["due_date"], rows["status"],
                                                         strict=True)],
        "Blocked by": [str(b) if blocked else "" for b, blocked in
                       zip(rows["blocked_by"], rows["blocked"], strict=True)],
        "Kind": [_kind(*values) for values in _values(
            rows, "task_type", "steps_done", "steps_total", "sequence_order", "sequence_steps")],
        "Sequence": rows["sequence"].fillna(""),
        "Next step": rows["next_step_type"].map(NEXT_STEP_TYPES.label),
    })
    for entity_type in ENTITY_TYPES:
        shown[ENTITY_TYPES.label(entity_type)] = [
            _link(entity_type, *values) for values in _values(
                rows, *(f"{entity_type}_{c}" for c in ("first_id", "count", "first_name")))]
    shown["Linked to"] = rows["linked"]
    return shown


def table_columns() -> dict[str, Any]:
    """Column configuration of `table_frame` (names link to detail pages)."""
    columns: dict[str, Any] = {
        "Due": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
        "Blocked by": st.column_config.TextColumn(
            "Blocked by", help="The earlier step this step waits for"),
        "Linked to": st.column_config.TextColumn("Linked to", width="large"),
    }
    for entity_type in ENTITY_TYPES:
        label = ENTITY_TYPES.label(entity_type)
        columns[label] = name_link_column(label, help=f"The linked {entity_type} "
                                          "(+N: more of them, see 'Linked to')")
    return columns


def csv_frame(rows: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """What the CSV holds: the table as shown, with names instead of URLs and the task id."""
    result = shown.copy()
    for entity_type in ENTITY_TYPES:
        result[ENTITY_TYPES.label(entity_type)] = rows[f"{entity_type}_names"].fillna("")
    result.insert(0, "Task id", rows["id"])
    return result


def sequence_view(*, preselected: int | None, today: date) -> int | None:
    """Pick a sequence; show its progress and its steps in order. Returns the sequence id."""
    left, right = st.columns([1, 2])
    # persist_state: the tab may be closed (not run) and opened again.
    search = left.text_input("Find a sequence", key="seq_search", placeholder="Part of a name",
                             persist_state="page")
    include_finished = left.checkbox("Include finished sequences", key="seq_all",
                                     persist_state="page")
    options = load(sequence_options, search=search.strip() or None,
                   unfinished_only=not include_finished, limit=100)
    labels = {int(r.id): f"{r.description} · {r.steps_done}/{r.steps_total} done"
              for r in options.itertuples()}
    if preselected and preselected not in labels:
        labels = {preselected: f"Sequence {preselected} (from the list)", **labels}
    ids = list(labels)
    if preselected and st.session_state.get("seq_preselected") != preselected:
        # A newly selected row (or URL) moves the picker; later picks by hand stay put.
        st.session_state["seq_pick"] = preselected
    st.session_state["seq_preselected"] = preselected
    if st.session_state.get("seq_pick") not in ids:
        st.session_state.pop("seq_pick", None)
    chosen = right.selectbox("Sequence", ids, format_func=labels.get, key="seq_pick",
                             index=0 if ids else None, placeholder="No sequence matches",
                             persist_state="page")
    if chosen is None:
        st.info("No sequence matches. Managers create sequences under 'New sequence'.")
        return None
    try:
        progress = load(sequence_progress, sequence_id=chosen, today=today)
    except NotFound as error:  # a link to a sequence that does not exist (any more)
        st.warning(markdown_text(error), icon=":material/search_off:")
        return None
    cols = st.columns(4)
    cols[0].metric("Steps done", f"{progress.steps_done} of {progress.steps_total}",
                   help="Cancelled steps count as finished in the progress bar.")
    cols[1].metric("Blocked steps", progress.steps_blocked)
    cols[2].metric("Overdue steps", progress.steps_overdue)
    cols[3].metric("Expected finish", progress.expected_finish.isoformat()
                   if progress.expected_finish else "—",
                   help="The latest due date of the unfinished steps.")
    cancelled = (f" ({progress.steps_cancelled} cancelled)" if progress.steps_cancelled
                 else "")
    st.progress(progress.finished_share or 0.0,
                text=f"{percent(progress.finished_share)} finished{cancelled} · Next: "
                     + (f"step {progress.next_step_order}, "
                        f"{markdown_text(progress.next_step_description)}"
                        if progress.next_step_id else "nothing left"))
    steps = load(sequence_steps, sequence_id=chosen)
    shown = pd.DataFrame({
        "Step": steps["sequence_order"].astype("Int64"),
        "Task": steps["description"],
        "Status": steps["status"].map(TASK_STATUSES.label),
        "Blocked": ["Waits for " + str(b) if blocked else "" for b, blocked in
                    zip(steps["blocked_by"], steps["blocked"], strict=True)],
        "Dependency": steps["dependency_type"].map(DEPENDENCY_TYPES.label),
        "Due": steps["due_date"],
        "When": [_due_text(d, s, today) for d, s in zip(steps["due_date"], steps["status"],
                                                         strict=True)],
        "Linked to": steps["linked"],
    })
    st.dataframe(shown, hide_index=True, key="seq_steps", width="stretch",
                 column_config={"Due": st.column_config.DateColumn("Due", format="YYYY-MM-DD")})
    return chosen
