"""What the four detail pages share: the ?id= of the record, the pick box, "not found", the
record header, and related-record tables whose names link to their own detail pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from crm_core.queries.audit_log import audit_events
from crm_core.validation import record_id
from crm_core.vocab import ENTITY_TYPES
from dashboard.data import load
from dashboard.format import markdown_text, shown_input
from dashboard.links import name_link_column, with_name_links
from dashboard.tables import download_csv

SEARCH_LIMIT = 20
DETAIL_SCRIPTS = {"user": "pages/user.py", "stakeholder": "pages/stakeholder.py",
                  "company": "pages/company.py", "opportunity": "pages/opportunity.py"}
PLURALS = {"user": "users", "stakeholder": "stakeholders", "company": "companies",
           "opportunity": "opportunities"}


def requested_id() -> tuple[str | None, int | None]:
    """(the raw ?id= text, the id it names) — (None, None) without one, (text, None) if bad."""
    raw = st.query_params.get("id")
    if raw is None or not raw.strip():
        return None, None
    return raw, record_id(raw)


SEARCH_HINTS = {"user": "Part of a name or email", "stakeholder": "Part of a name or email",
                "company": "Part of a name or website",
                "opportunity": "Part of its name or its company's name"}


def _a(noun: str) -> str:
    return f"an {noun}" if noun == "opportunity" else f"a {noun}"


def _open_picked(key: str) -> None:
    picked = st.session_state.get(key)
    if picked is not None:
        # Only ?id= in the URL: the page is shareable and the back button returns here.
        st.query_params.from_dict({"id": str(picked)})
        st.session_state[key] = None


def pick_record(entity_type: str, search: Callable[..., pd.DataFrame], *,
                expanded: bool) -> None:
    """A search box and the top matches in a select box; choosing one opens it (sets ?id=)."""
    label = ENTITY_TYPES.label(entity_type).lower()
    plural = PLURALS[entity_type]
    with st.expander(f"Find {_a(label)}", expanded=expanded, icon=":material/search:"):
        text = st.text_input(f"Search {plural}", key=f"{entity_type}_search",
                             placeholder=SEARCH_HINTS[entity_type])
        matches = load(search, text=text.strip(), limit=SEARCH_LIMIT)
        labels = dict(zip(matches["id"].tolist(), matches["label"].tolist(), strict=True))
        st.selectbox(f"Open {_a(label)}", options=list(labels), index=None,
                     format_func=lambda i: labels.get(i, str(i)), key=f"{entity_type}_pick",
                     placeholder=f"Choose one of {len(labels)} matching {plural}"
                     if labels else f"No {plural} match", on_change=_open_picked,
                     args=(f"{entity_type}_pick",))
        if len(labels) == SEARCH_LIMIT:
            st.caption(f"Showing the first {SEARCH_LIMIT} matches; type more to narrow them.")


def show_not_found(entity_type: str, raw_id: str) -> None:
    """A clear message for a bad or deleted id (with who deleted it, when the history says so)."""
    label = ENTITY_TYPES.label(entity_type).lower()
    deleted = None
    if (deleted_id := record_id(raw_id)) is not None:
        events = load(audit_events, entity_type=entity_type, entity_id=deleted_id, limit=1)
        last = events.events.iloc[0] if len(events.events) else None
        if last is not None and str(last["action"]).endswith(".deleted"):
            deleted = last
    if deleted is not None:
        st.warning(f"This {label} was deleted on {deleted['when']:%Y-%m-%d %H:%M} UTC by "
                   f"{markdown_text(deleted['who'])}.", icon=":material/delete:")
        st.caption(markdown_text(deleted["summary"]))
    else:
        st.warning(f"There is no {label} with id {markdown_text(shown_input(raw_id))}. It may "
                   f"have been deleted, or the link is wrong. Find {_a(label)} below.",
                   icon=":material/search_off:")


def record_header(name: str, *, caption: str | None = None) -> None:
    """The record's name as a header under the page title (markdown escaped)."""
    st.header(markdown_text(name), anchor=False)
    if caption:
        st.caption(markdown_text(caption))


def open_record(entity_type: str, profile_query: Callable[..., Any],
                search: Callable[..., pd.DataFrame]) -> tuple[int, Any]:
    """The record the URL names (its id and profile) under its header; otherwise the pick box,
    a "not found" message for a bad id, and the page stops."""
    raw_id, record_id = requested_id()
    profile = (load(profile_query, **{f"{entity_type}_id": record_id})
               if record_id else None)
    if raw_id is not None and profile is None:
        show_not_found(entity_type, raw_id)
    pick_record(entity_type, search, expanded=profile is None)
    if profile is None:
        st.stop()
    record_header(profile.name)
    return record_id, profile


def link_to(entity_type: str, entity_id: int, name: str, *, icon: str | None = None) -> None:
    """A same-tab link to a record's detail page, labelled with its name."""
    st.page_link(DETAIL_SCRIPTS[entity_type], label=markdown_text(name), icon=icon,
                 query_params={"id": str(int(entity_id))})


def pager(total: int, *, key: str, page_size: int) -> int:
    """A page picker when the list is longer than one page; returns the offset to load."""
    if total <= page_size:
        return 0
    pages = (total + page_size - 1) // page_size
    picker, note = st.columns([1, 5], vertical_alignment="bottom")
    page = picker.number_input("Page", min_value=1, max_value=pages, value=1, step=1,
                               key=f"{key}_of_{pages}")
    offset = (int(page) - 1) * page_size
    note.caption(f"Showing {offset + 1:,}–{min(offset + page_size, total):,} of {total:,} "
                 f"({pages:,} pages)")
    return offset


def _label_of(name: str, config: Any) -> str:
    if isinstance(config, str):
        return config
    if isinstance(config, Mapping) and config.get("label"):
        return str(config["label"])
    return name


def show_table(frame: pd.DataFrame, *, key: str, columns: Mapping[str, Any],
               links: Mapping[str, tuple[str, str]] | None = None, empty: str = "None yet.",
               file_name: str | None = None, styler: Callable | None = None,
               whole: Callable[[], Iterable[pd.DataFrame]] | None = None) -> None:
    """A related-records table: `columns` maps frame columns to labels or column configs,
    `links` maps a name column to (entity type, id column) so the name links to its page.

    A CSV download of the shown columns (names, not URLs) sits under the table: of the whole
    list when `whole` gives it (dashboard.data.whole_list; the frame is one page of it), else
    of the frame.
    """
    if frame.empty:
        st.caption(empty)
        return
    shown = list(columns)
    links = links or {}
    display = frame
    for name_column, (entity_type, id_column) in links.items():
        display = with_name_links(display, entity_type, id_column, name_column)
    config = {name: (name_link_column(_label_of(name, spec)) if name in links else spec)
              for name, spec in columns.items()}
    data: Any = display[shown]
    if styler is not None:
        data = styler(data)
    st.dataframe(data, hide_index=True, column_config=config, column_order=shown, key=key)
    labels = {n: _label_of(n, s) for n, s in columns.items()}

    def as_shown(part: pd.DataFrame) -> pd.DataFrame:
        return part[shown].rename(columns=labels)

    download_csv(as_shown(frame), file_name=file_name or key, key=f"{key}_csv",
                 whole=None if whole is None else lambda: map(as_shown, whole()))


def show_field(label: str, value: object) -> None:
    """A labelled fact; the value (people's text) is shown as plain text, never markdown."""
    st.caption(label)
    st.text("—" if value is None or value == "" else str(value))


def team_source(inherited: bool, added: bool) -> str:
    """Why a user is on an opportunity team, in words."""
    if inherited and added:
        return "Inherited from the company and added to this opportunity"
    return "Inherited from the company" if inherited else "Added to this opportunity"


def yes_no_column(label: str, *, help: str | None = None) -> Any:
    """A read-only tick box column."""
    return st.column_config.CheckboxColumn(label, help=help, disabled=True)


MONEY = {"format": "dollar"}


def link_list(frame: pd.DataFrame, entity_type: str, *, id_column: str, name_column: str,
              describe: Callable[[Any], str], icon: str, per_row: int = 3,
              empty: str = "None yet.") -> None:
    """A few related records as same-tab links in a grid, each with a one-line description."""
    if frame.empty:
        st.caption(empty)
        return
    rows = list(frame.itertuples(index=False))
    for start in range(0, len(rows), per_row):
        for cell, row in zip(st.columns(per_row), rows[start:start + per_row], strict=False):
            with cell.container(border=True):
                link_to(entity_type, getattr(row, id_column), getattr(row, name_column),
                        icon=icon)
                st.caption(markdown_text(describe(row)))
