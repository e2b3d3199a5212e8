"""The sequence forms (managers): create a sequence with its steps, add a step, reorder steps."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core.services import task_sequences as sequence_services
from crm_core.vocab import DEPENDENCY_TYPES, PRIORITIES
from dashboard.format import markdown_text
from dashboard.manage import field_error, form_errors, set_error, submit
from dashboard.people_picker import person_labels

NEW = "seq_new"
STEP = "seq_step"
ORDER = "seq_order"
STEP_COLUMNS = ["description", "due_date", "dependency_type"]


def _blank_steps() -> pd.DataFrame:
    return pd.DataFrame({"description": ["", "", ""], "due_date": [None] * 3,
                         "dependency_type": ["none", "finish_to_start", "finish_to_start"]}
                        ).astype({"due_date": "datetime64[ns]"})


def _steps_from_editor(frame: pd.DataFrame) -> list[dict]:
    steps = []
    for row in frame.itertuples():
        description = (row.description or "").strip() if isinstance(row.description, str) else ""
        if not description:
            continue
        due = None if pd.isna(row.due_date) else pd.Timestamp(row.due_date).date()
        steps.append({"description": description, "due_date": due,
                      "dependency_type": row.dependency_type or "none"})
    return steps


def _create(context: tuple[str, int, str] | None) -> None:
    state = st.session_state
    edited = state.get(f"{NEW}_steps_value")
    steps = _steps_from_editor(edited) if edited is not None else []
    round_ = state.get(f"{NEW}_round", 0)
    links = [("user", int(u)) for u in state.get(f"{NEW}_users", [])]
    if context and state.get(f"{NEW}_context"):
        links.append((context[0], int(context[1])))
    if submit(NEW, sequence_services.create_sequence,
              lambda s: f"Sequence '{s.description}' created with "
                        f"{len(steps)} steps.",
              description=state[f"{NEW}_description"], due_date=state[f"{NEW}_due_date"],
              priority=state[f"{NEW}_priority"], links=links, steps=steps):
        # A new editor key starts the next sequence from blank steps.
        state[f"{NEW}_round"] = round_ + 1
        state[f"{NEW}_description"] = ""


def new_sequence_form(me: int | None, context: tuple[str, int, str] | None) -> None:
    """Create a sequence and its ordered steps in one go."""
    labels = person_labels()
    st.session_state.setdefault(f"{NEW}_users", [me] if me in labels else [])
    st.text_input("Sequence name", key=f"{NEW}_description",
                  placeholder="e.g. Onboarding for Acme")
    field_error(NEW, "description")
    left, middle = st.columns(2)
    left.date_input("Due date", value=None, key=f"{NEW}_due_date", format="YYYY-MM-DD")
    middle.selectbox("Priority", list(PRIORITIES), index=1, key=f"{NEW}_priority",
                     format_func=PRIORITIES.label)
    st.multiselect("Linked users", list(labels), format_func=labels.get, key=f"{NEW}_users")
    if context:
        st.checkbox(f"Link to {context[0]} {markdown_text(context[2])}", value=True,
                    key=f"{NEW}_context")
    st.caption("Steps, in order (rows without a description are skipped). Steps get the "
               "sequence's links.")
    round_ = st.session_state.get(f"{NEW}_round", 0)
    # The button's callback reads the table as edited on the last run (edits cause a rerun).
    st.session_state[f"{NEW}_steps_value"] = st.data_editor(
                   _blank_steps(), key=f"{NEW}_steps_{round_}",
                   num_rows="dynamic", hide_index=True,
                   column_config={
                       "description": st.column_config.TextColumn("Step", width="large"),
                       "due_date": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
                       "dependency_type": st.column_config.SelectboxColumn(
                           "Depends on the previous step", options=list(DEPENDENCY_TYPES),
                           required=True)})
    field_error(NEW, "steps")
    form_errors(NEW, ("description", "steps"))
    st.button("Create sequence", key=f"{NEW}_go", type="primary", on_click=_create,
              args=(context,), icon=":material/playlist_add:")


def add_step_form(sequence_id: int) -> None:
    """Add a step at the end of the sequence."""
    with st.form(STEP):
        st.text_input("New step", key=f"{STEP}_description")
        field_error(STEP, "description")
        left, right = st.columns(2)
        left.date_input("Due date", value=None, key=f"{STEP}_due_date", format="YYYY-MM-DD")
        right.selectbox("Depends on the previous step", list(DEPENDENCY_TYPES), index=1,
                        key=f"{STEP}_dependency_type", format_func=DEPENDENCY_TYPES.label)
        form_errors(STEP, ("description",))
        st.form_submit_button("Add step", icon=":material/add:", on_click=lambda: submit(
            STEP, sequence_services.add_step, "Step added.", sequence_id=sequence_id,
            description=st.session_state[f"{STEP}_description"],
            due_date=st.session_state[f"{STEP}_due_date"],
            dependency_type=st.session_state[f"{STEP}_dependency_type"]))


def _reorder(sequence_id: int, expected: int) -> None:
    order = st.session_state.get(f"{ORDER}_ids", [])
    if len(order) != expected:
        set_error(ORDER, "step_ids", f"Choose all {expected} steps in their new order "
                                     f"({len(order)} chosen).")
        return
    submit(ORDER, sequence_services.reorder_steps, "Steps reordered.",
           sequence_id=sequence_id, step_ids=order)


def reorder_form(sequence_id: int, steps: pd.DataFrame) -> None:
    """Choose every step in its new order, then apply."""
    labels = {int(r.id): f"{int(r.sequence_order)}. {r.description}" for r in steps.itertuples()}
    with st.form(ORDER):
        st.multiselect("New order: pick the steps first to last", list(labels),
                       format_func=labels.get, key=f"{ORDER}_ids")
        field_error(ORDER, "step_ids")
        form_errors(ORDER, ("step_ids",))
        st.form_submit_button("Apply order", icon=":material/swap_vert:", on_click=_reorder,
                              args=(sequence_id, len(labels)))
