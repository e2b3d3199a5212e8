"""The new-task form: a task linked to companies, deals, stakeholders and users, each list
scoped by what is already chosen (a chosen company's deals and stakeholders first, a chosen
deal's company linked with it), and the task just created completed in one press."""

from __future__ import annotations

import streamlit as st

from crm_core.queries.link_choices import company_choices, deal_choices, stakeholder_choices
from crm_core.services import task_status
from crm_core.services import tasks as task_services
from crm_core.vocab import PRIORITIES
from dashboard.data import load
from dashboard.format import markdown_text
from dashboard.manage import field_error, form_errors, submit
from dashboard.people_picker import person_labels
from dashboard.task_forms import next_step_select

NEW = "task_new"
CREATED = f"{NEW}_created"    # session_state: (task id, description) of the task just created
FIELDS = ("description", "due_date", "priority", "next_step_type", "links")
DEFAULTS = {f"{NEW}_description": "", f"{NEW}_due_date": None, f"{NEW}_priority": "medium",
            f"{NEW}_next_step_type": None, f"{NEW}_companies": [], f"{NEW}_deals": [],
            f"{NEW}_stakeholders": [], f"{NEW}_find": ""}


def _links(deal_companies: dict[int, int], context: tuple[str, int, str] | None
           ) -> list[tuple[str, int]]:
    state = st.session_state
    deals = state[f"{NEW}_deals"]
    # A chosen deal's company is linked with it: one choice instead of two.
    companies = dict.fromkeys([*state[f"{NEW}_companies"],
                               *(deal_companies[d] for d in deals if d in deal_companies)])
    links = ([("company", c) for c in companies] + [("opportunity", d) for d in deals]
             + [("stakeholder", s) for s in state[f"{NEW}_stakeholders"]]
             + [("user", u) for u in state.get(f"{NEW}_users", [])])
    if context and state.get(f"{NEW}_context", False) and context[:2] not in links:
        links.append((context[0], int(context[1])))
    return links


def _created(task) -> str:
    st.session_state[CREATED] = (task.id, task.description)   # offered for completion
    return f"Task '{task.description}' created."


def _create(deal_companies: dict[int, int], context: tuple[str, int, str] | None) -> None:
    state = st.session_state
    state.pop(CREATED, None)
    if submit(NEW, task_services.create_task, _created,
              description=state[f"{NEW}_description"], due_date=state[f"{NEW}_due_date"],
              priority=state[f"{NEW}_priority"], next_step_type=state[f"{NEW}_next_step_type"],
              links=_links(deal_companies, context)):
        state.update(DEFAULTS)


def _complete_created() -> None:
    task_id, description = st.session_state.pop(CREATED)
    submit(NEW, task_status.complete_task, f"Task '{description}' completed.", task_id=task_id)


def _multiselect(label: str, frame, key: str) -> None:
    labels = dict(zip(frame["id"].tolist(), frame["label"].tolist(), strict=True))
    st.multiselect(label, list(labels), format_func=lambda i: labels.get(i, str(i)), key=key,
                   placeholder="Type in Find, or choose")


def new_task_form(me: int | None, context: tuple[str, int, str] | None) -> None:
    """Create a task linked to any records (you by default, and the record the list shows)."""
    state = st.session_state
    for key, value in DEFAULTS.items():
        state.setdefault(key, value)
    if CREATED in state:
        st.button(f"Complete '{markdown_text(state[CREATED][1])}' now", key=f"{NEW}_complete",
                  icon=":material/check:", on_click=_complete_created)
    st.text_area("Description", key=f"{NEW}_description", height=80)
    field_error(NEW, "description")
    left, middle, right = st.columns(3)
    left.date_input("Due date", key=f"{NEW}_due_date", format="YYYY-MM-DD")
    with left:
        field_error(NEW, "due_date")
    middle.selectbox("Priority", list(PRIORITIES), key=f"{NEW}_priority",
                     format_func=PRIORITIES.label)
    with right:
        next_step_select(f"{NEW}_next_step_type")
    find = st.text_input("Find records to link", key=f"{NEW}_find",
                         placeholder="Part of a company, deal or stakeholder name").strip()
    companies = tuple(state[f"{NEW}_companies"])
    deals = load(deal_choices, text=find, company_ids=companies, chosen=state[f"{NEW}_deals"])
    chosen_deals = tuple(state[f"{NEW}_deals"])
    company_column, deal_column = st.columns(2)
    with company_column:
        _multiselect("Companies", load(company_choices, text=find, chosen=companies),
                     f"{NEW}_companies")
    with deal_column:
        _multiselect("Deals", deals, f"{NEW}_deals")
    people_column, user_column = st.columns(2)
    with people_column:
        _multiselect("Stakeholders", load(stakeholder_choices, text=find, company_ids=companies,
                                          opportunity_ids=chosen_deals,
                                          chosen=state[f"{NEW}_stakeholders"]),
                     f"{NEW}_stakeholders")
    labels = person_labels(opportunity_id=chosen_deals[0] if chosen_deals else None,
                           company_id=companies[0] if companies else None)
    state.setdefault(f"{NEW}_users", [me] if me in labels else [])
    user_column.multiselect("Users", list(labels), format_func=labels.get, key=f"{NEW}_users")
    if context:
        st.checkbox(f"Link to {context[0]} {markdown_text(context[2])}", value=True,
                    key=f"{NEW}_context")
    field_error(NEW, "links")
    form_errors(NEW, FIELDS)
    deal_companies = dict(zip(deals["id"].tolist(), deals["company_id"].tolist(), strict=True))
    st.button("Create task", type="primary", key=f"{NEW}_submit", on_click=_create,
              args=(deal_companies, context), icon=":material/add_task:")
