"""What the Manage pages share: picking a record by search, form errors next to their field,
the confirmation after a save, and forms that remember what they SHOWED (for conflict checks)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from crm_core.errors import CrmError, NotFound, ValidationError
from crm_core.queries.lookups import user_options
from crm_core.validation import record_id
from dashboard.data import load, write
from dashboard.format import markdown_text

SEARCH_LIMIT = 20
ERRORS = "manage_errors"   # session_state: {form: {field: message}}
DONE = "manage_done"       # session_state: the confirmation of the last save


# --- picking a record ---------------------------------------------------------------------------

def _remember_pick(param: str, key: str) -> None:
    picked = st.session_state.get(key)
    if picked is not None:
        st.query_params[param] = str(picked)  # the URL names the record: shareable, reloadable


def picked_id(param: str) -> int | None:
    """The record id the page's URL names (?stakeholder=42), None without a valid one."""
    return record_id(st.query_params.get(param))


def pick(param: str, search: Callable[..., pd.DataFrame], *, label: str, plural: str,
         key: str) -> int | None:
    """A search box and its top matches; choosing one puts ?param=id in the URL. Returns it."""
    current = picked_id(param)
    with st.expander(f"Find a {label}", expanded=current is None, icon=":material/search:"):
        text = st.text_input(f"Search {plural}", key=f"{key}_search",
                             placeholder="Part of a name or email")
        matches = load(search, text=text.strip(), limit=SEARCH_LIMIT)
        labels = dict(zip(matches["id"].tolist(), matches["label"].tolist(), strict=True))
        st.selectbox(f"Choose a {label}", options=list(labels), index=None,
                     format_func=lambda i: labels.get(i, str(i)), key=f"{key}_pick",
                     placeholder=f"{len(labels)} matching {plural}" if labels
                     else f"No {plural} match", on_change=_remember_pick,
                     args=(param, f"{key}_pick"))
        if len(labels) == SEARCH_LIMIT:
            st.caption(f"Showing the first {SEARCH_LIMIT} matches; type more to narrow them.")
    return current


def users() -> pd.DataFrame:
    """Every user (few): user_id, name, email, job_title, owned, departed_on."""
    return load(user_options)


def user_labels(frame: pd.DataFrame | None = None, *, with_owned: bool = False,
                keep: Iterable[int] = (), include_departed: bool = False) -> dict[int, str]:
    """{user_id: 'Alice Archer · Account Executive'} for select boxes: the users who have not
    departed (who may be given something new), plus those in `keep` (e.g. a team's current
    members) or every departed one with include_departed (e.g. to filter or hand off by)."""
    frame = users() if frame is None else frame
    kept = {int(i) for i in keep}
    return {int(r.user_id): f"{r.name} · {r.job_title or '—'}"
            + (" · departed" if pd.notna(r.departed_on) else "")
            + (f" · owns {r.owned:,}" if with_owned else "")
            for r in frame.itertuples()
            if include_departed or pd.isna(r.departed_on) or int(r.user_id) in kept}


# --- saving and reporting -----------------------------------------------------------------------

def load_record(query: Callable[..., Any], **filters: Any) -> Any:
    """The query's result for one record, or None after a "not found" warning (deleted)."""
    try:
        return load(query, **filters)
    except NotFound as error:
        st.warning(markdown_text(error), icon=":material/search_off:")
        return None


def submit(form: str, service: Callable[..., Any], success: str | Callable[[Any], str],
           **kwargs: Any) -> bool:
    """Form callback: run the service; keep its error for the field it names, or confirm."""
    st.session_state.setdefault(ERRORS, {})[form] = {}
    try:
        result = write(service, **kwargs)
    except ValidationError as error:
        st.session_state[ERRORS][form] = {error.field or "form": error.message}
        return False
    except CrmError as error:
        st.session_state[ERRORS][form] = {"form": str(error)}
        return False
    st.session_state[DONE] = success(result) if callable(success) else success
    return True


def set_error(form: str, field: str, message: str) -> None:
    """Record an error found before calling the service (e.g. nothing chosen)."""
    st.session_state.setdefault(ERRORS, {})[form] = {field: message}


def has_error(form: str) -> bool:
    return bool(st.session_state.get(ERRORS, {}).get(form))


def field_error(form: str, field: str) -> None:
    """The error of this form's field, if the last save had one (shown under the field)."""
    message = st.session_state.get(ERRORS, {}).get(form, {}).get(field)
    if message:
        st.error(markdown_text(message), icon=":material/error:")


def form_errors(form: str, fields: Iterable[str]) -> None:
    """Errors of the form itself and of fields the form does not show."""
    for field, message in st.session_state.get(ERRORS, {}).get(form, {}).items():
        if field not in fields:
            st.error(markdown_text(message), icon=":material/error:")


def show_confirmation() -> None:
    """The confirmation of the last successful save, once, as one banner at the top of the page
    (a toast as well would say it twice). Confirmations quote names people typed: they are
    shown as text, never as markdown."""
    if done := st.session_state.pop(DONE, None):
        st.success(markdown_text(done), icon=":material/check_circle:")


# --- forms that remember what they showed ------------------------------------------------

def show_values(form: str, values: dict[str, Any], *, identity: Any,
                meta: dict[str, Any] | None = None) -> None:
    """Put the stored values into the form's widgets (keys of `values`) when the record or its
    stored values changed since the form last showed them, unless the user is fixing an error
    in it. `meta` (e.g. the version) is remembered with them but fills no widget."""
    shown_key = f"{form}__shown"
    shown = st.session_state.get(shown_key)
    now = (identity, values, meta or {})
    # Streamlit forgets the state of widgets a run did not draw (another tab of the Records
    # page, say): coming back, they are filled again from the stored values.
    forgotten = any(key not in st.session_state for key in values)
    if forgotten or (shown != now and not (shown and shown[0] == identity
                                            and has_error(form))):
        for key, value in values.items():
            st.session_state[key] = value
    st.session_state[shown_key] = now


def seen(form: str) -> dict[str, Any]:
    """What the form showed when the user submitted it (widget values and meta)."""
    shown = st.session_state.get(f"{form}__shown")
    return {**shown[1], **shown[2]} if shown else {}


def clear_form(form: str) -> None:
    """Forget what the form showed, so its widgets are refilled on the next run."""
    st.session_state.pop(f"{form}__shown", None)
