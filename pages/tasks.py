"""Tasks: what is overdue, due soon or blocked, for you or anyone; sequences of steps in order.

Managers create, edit, complete, reopen and cancel tasks here, and build sequences.
"""

from datetime import date

import pandas as pd
import streamlit as st

from crm_core.access import Permission
from crm_core.glossary import help_text, name
from crm_core.queries.task_details import user_id_for_email
from crm_core.queries.task_rollups import completed_per_week, due_by_company, due_by_user
from crm_core.queries.task_sequences import sequence_steps
from crm_core.queries.tasks import task_counts, task_list_chunks, task_page
from crm_core.validation import record_id
from dashboard.auth import current_actor
from dashboard.charting import show_chart
from dashboard.charts.tasks import completed_per_week_chart, due_by_owner_chart
from dashboard.data import load, whole_list
from dashboard.detail import pager
from dashboard.format import markdown_text
from dashboard.links import name_link_column, with_name_links
from dashboard.manage import show_confirmation
from dashboard.scope_view import scope_control
from dashboard.sequence_forms import add_step_form, new_sequence_form, reorder_form
from dashboard.tables import download_csv
from dashboard.task_forms import (
    bulk_complete_button,
    edit_form,
    links_panel,
    status_actions,
)
from dashboard.task_new import new_task_form
from dashboard.task_view import csv_frame, sequence_view, table_columns, table_frame, task_filters

SELECTED_SEQUENCE = "tasks_selected_sequence"

st.title("Tasks")
actor = current_actor()
can_edit = actor.can(Permission.EDIT)
today = date.today()
me = load(user_id_for_email, email=actor.email)
show_confirmation()

scope = scope_control(actor)
filters, linked = task_filters(me, today)
filters["scope"] = scope
# The counts are of the list below: the same filters and search.
counts = load(task_counts, **{k: v for k, v in filters.items() if k != "sort"})
figures = st.columns(4)
for figure, key, count in ((figures[0], "open_task", counts.open),
                           (figures[1], "overdue", counts.overdue),
                           (figures[2], "due_soon", counts.due_soon),
                           (figures[3], "blocked", counts.blocked)):
    figure.metric(name(key), f"{count:,}", border=True,
                  help=f"{help_text(key)} Counted in the list below.")

# Only the open tab runs (a switch reruns the page): a cold render computes the list, not the
# roll-ups behind the charts. /tasks?sequence=12 opens on that sequence.
linked_sequence = record_id(st.query_params.get("sequence"))
list_tab, sequence_tab, chart_tab = st.tabs(
    ["Task list", "Sequences", "Charts"], key="tasks_tab", on_change="rerun",
    bind="query-params", default="Sequences" if linked_sequence else None)

if list_tab.open:
    with list_tab:
        size_column, _ = st.columns([1, 4])
        page_size = size_column.selectbox("Rows per page", [25, 50, 100], index=1,
                                          key="tasks_page_size", persist_state="page")
        first = load(task_page, limit=page_size, offset=0, **filters)
        offset = pager(first.total, key="tasks_page", page_size=page_size)
        page = (first if offset == 0
                else load(task_page, limit=page_size, offset=offset, **filters))
        if first.total <= page_size:
            st.caption(f"{first.total:,} task(s)")
        rows = page.rows
        shown = table_frame(rows, today)
        event = st.dataframe(shown, hide_index=True, key="tasks_table", on_select="rerun",
                             selection_mode="multi-row", column_config=table_columns())
        download_csv(csv_frame(rows, shown), file_name="tasks", key="tasks_csv",
                     whole=whole_list(task_list_chunks, shape=lambda chunk: csv_frame(
                         chunk, table_frame(chunk, today)), **filters))
        selected = [int(rows.iloc[i]["id"]) for i in event.selection.rows if i < len(rows)]
        # The Sequences tab opens on the sequence of the step or sequence selected here.
        st.session_state.pop(SELECTED_SEQUENCE, None)
        if can_edit and len(selected) > 1:
            bulk_complete_button(selected)
        if len(selected) == 1:
            row = rows[rows["id"] == selected[0]].iloc[0]
            st.session_state[SELECTED_SEQUENCE] = (
                int(row["id"]) if row["task_type"] == "sequence"
                else int(row["parent_task_id"]) if pd.notna(row["parent_task_id"]) else None)
            st.subheader("Selected: " + markdown_text(row["description"]), anchor=False)
            details, actions = st.columns([3, 2])
            with details:
                if can_edit:
                    edit_form(row)
                else:
                    st.text(row["description"])
            with actions:
                if can_edit:
                    status_actions(row)
                st.markdown("**Linked records**")
                links_panel(int(row["id"]), editable=can_edit)
        elif not selected:
            st.caption("Select a row to see its linked records"
                       + (", edit, complete, reopen or cancel it; select several to complete "
                          "them together." if can_edit else "."))
        if can_edit:
            with st.expander("New task", icon=":material/add_task:"):
                new_task_form(me, linked)

if sequence_tab.open:
    with sequence_tab:
        preselected = st.session_state.get(SELECTED_SEQUENCE, linked_sequence)
        chosen = sequence_view(preselected=preselected, today=today)
        if can_edit:
            if chosen is not None:
                left, right = st.columns(2)
                with left, st.expander("Add a step", icon=":material/add:"):
                    add_step_form(chosen)
                with right, st.expander("Reorder steps", icon=":material/swap_vert:"):
                    reorder_form(chosen, load(sequence_steps, sequence_id=chosen))
            with st.expander("New sequence", icon=":material/playlist_add:"):
                new_sequence_form(me, linked)

if chart_tab.open:
    with chart_tab:
        owners = load(due_by_user, today=today)
        left, right = st.columns(2)
        with left:
            st.subheader("Overdue and due soon by owner", anchor=False)
            if owners.empty:
                st.info("Nothing is overdue or due in the next 7 days.")
            else:
                show_chart(due_by_owner_chart, owners, key="tasks_owner_chart")
                st.caption("Users linked to unfinished tasks (the 15 with most overdue).")
        with right:
            st.subheader("Tasks completed per week", anchor=False)
            weekly = load(completed_per_week, weeks=12, today=today,
                          user_id=filters["user_id"])
            show_chart(completed_per_week_chart, weekly, key="tasks_weekly_chart")
        st.subheader("Companies with the most overdue tasks", anchor=False)
        st.caption("Tasks linked to the company, one of its opportunities or one of its "
                   "stakeholders (each task once).")
        companies = load(due_by_company, today=today, limit=20)
        shown = with_name_links(companies, "company", "company_id", "name")[
            ["name", "overdue", "due_soon"]]
        st.dataframe(shown, hide_index=True, key="tasks_companies",
                     column_config={"name": name_link_column("Company"),
                                    "overdue": st.column_config.NumberColumn("Overdue"),
                                    "due_soon": st.column_config.NumberColumn("Due soon")})
        download_csv(companies[["name", "overdue", "due_soon"]],
                     file_name="overdue-by-company", key="tasks_companies_csv")
