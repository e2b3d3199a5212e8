"""The create and edit forms of the Records page: one field list per record type, each field's
error under it, typed values kept on error, edit forms carrying the version they showed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from crm_core.queries.assignment_sets import company_team, record_values
from crm_core.queries.detail_search import search_companies
from crm_core.services import records
from crm_core.vocab import STAGES
from dashboard.data import load
from dashboard.detail import PLURALS
from dashboard.manage import field_error, form_errors, seen, show_values, submit


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"          # text, company, stage, date
    help: str | None = None


FIELDS: dict[str, tuple[Field, ...]] = {
    "user": (Field("name", "Name"),
             Field("email", "Email", help="Optional; without it the user is never matched to "
                                          "a signed-in person."),
             Field("job_title", "Job title")),
    "company": (Field("name", "Name"), Field("industry", "Industry"),
                Field("website", "Website", help="e.g. acme.com")),
    "stakeholder": (Field("name", "Name"), Field("job_title", "Job title"),
                    Field("email", "Email"), Field("phone", "Phone"),
                    Field("company_id", "Company", "company")),
    "opportunity": (Field("name", "Name"), Field("company_id", "Company", "company"),
                    Field("stage", "Stage", "stage"),
                    Field("value", "Value", help="In dollars, e.g. 120000 or $120,000"),
                    Field("probability", "Probability (%)",
                          help="0-100; blank takes the stage's default"),
                    Field("expected_close_date", "Expected close date", "date")),
}
CREATE = {"user": records.create_user, "company": records.create_company,
          "stakeholder": records.create_stakeholder, "opportunity": records.create_opportunity}
UPDATE = {"user": records.update_user, "company": records.update_company,
          "stakeholder": records.update_stakeholder, "opportunity": records.update_opportunity}
CREATED = "records_created"  # session_state: (entity type, id) of the last record created


def widget_key(mode: str, entity_type: str, field: str) -> str:
    return f"records_{mode}_{entity_type}_{field}"


def _form_values(mode: str, entity_type: str) -> dict[str, Any]:
    values = {}
    for field in FIELDS[entity_type]:
        value = st.session_state.get(widget_key(mode, entity_type, field.name))
        values[field.name] = value.strip() if isinstance(value, str) else value
    return values


def _blank(mode: str, entity_type: str) -> None:
    for field in FIELDS[entity_type]:
        key = widget_key(mode, entity_type, field.name)
        st.session_state[key] = "" if field.kind == "text" else None


def _create(entity_type: str) -> None:
    form = f"records_create_{entity_type}"

    def done(record) -> str:
        st.session_state[CREATED] = (entity_type, record.id)
        return f"Created {entity_type} '{record.name}'."

    if submit(form, CREATE[entity_type], done, **_form_values("create", entity_type)):
        _blank("create", entity_type)  # ready for the next one


def _update(entity_type: str, entity_id: int) -> None:
    form = f"records_edit_{entity_type}"
    submit(form, UPDATE[entity_type],
           lambda record: f"Saved {entity_type} '{record.name}'.",
           **{f"{entity_type}_id": entity_id}, seen_version=seen(form).get("version"),
           **_form_values("edit", entity_type))


def _company_options(mode: str, entity_type: str, current: int | None) -> dict[int, str]:
    text = st.session_state.get(widget_key(mode, entity_type, "company_search"), "")
    matches = load(search_companies, text=text.strip(), limit=20)
    options = dict(zip(matches["id"].tolist(), matches["label"].tolist(), strict=True))
    chosen = st.session_state.get(widget_key(mode, entity_type, "company_id")) or current
    if chosen is not None and chosen not in options:
        options = {chosen: load(company_team, company_id=chosen).name, **options}
    return options


def _widget(mode: str, entity_type: str, field: Field, companies: dict[int, str]) -> None:
    key = widget_key(mode, entity_type, field.name)
    if field.kind == "company":
        st.selectbox(field.label, options=list(companies), index=None, key=key,
                     format_func=lambda c: companies.get(c, str(c)),
                     placeholder="Choose a company (search above the form)")
    elif field.kind == "stage":
        st.selectbox(field.label, options=list(STAGES), index=None, key=key,
                     format_func=STAGES.label, placeholder="Choose a stage")
    elif field.kind == "date":
        st.date_input(field.label, value=None, key=key, format="YYYY-MM-DD")
    else:
        st.text_input(field.label, key=key, help=field.help)
    field_error(f"records_{mode}_{entity_type}", field.name)


def _form(mode: str, entity_type: str, *, current_company: int | None = None,
          submit_label: str, on_click, args: tuple) -> None:
    fields = FIELDS[entity_type]
    companies = {}
    if any(f.kind == "company" for f in fields):
        st.text_input("Search companies", key=widget_key(mode, entity_type, "company_search"),
                      placeholder="Part of the company's name")
        companies = _company_options(mode, entity_type, current_company)
    form = f"records_{mode}_{entity_type}"
    with st.form(f"{form}_form"):
        for field in fields:
            _widget(mode, entity_type, field, companies)
        st.form_submit_button(submit_label, type="primary", on_click=on_click, args=args,
                              key=f"{form}_save")
        form_errors(form, {f.name for f in fields})


def create_form(entity_type: str) -> None:
    """The form that creates a record of this type."""
    for field in FIELDS[entity_type]:  # first visit: empty fields of the right kind
        st.session_state.setdefault(widget_key("create", entity_type, field.name),
                                    "" if field.kind == "text" else None)
    _form("create", entity_type, submit_label=f"Create {entity_type}", on_click=_create,
          args=(entity_type,))


def _as_widget_value(field: Field, value: Any) -> Any:
    if field.kind in ("company", "stage"):
        return value
    if field.kind == "date":
        return value if isinstance(value, date) else None
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def edit_form(entity_type: str, entity_id: int) -> None:
    """The form that edits one record; it remembers the version it showed."""
    stored = load(record_values, entity_type=entity_type, entity_id=entity_id)
    form = f"records_edit_{entity_type}"
    show_values(form, {widget_key("edit", entity_type, f.name): _as_widget_value(f, stored[f.name])
                       for f in FIELDS[entity_type]},
                identity=(entity_type, entity_id), meta={"version": stored["version"]})
    st.caption(f"Editing {entity_type} id {entity_id} (version {stored['version']}). If someone "
               f"else saves this record before you, your save is refused and says what changed.")
    _form("edit", entity_type, current_company=stored.get("company_id"),
          submit_label="Save changes", on_click=_update, args=(entity_type, entity_id))


__all__ = ["CREATED", "FIELDS", "PLURALS", "create_form", "edit_form", "widget_key"]
