"""Deep links to the detail pages: /user?id=3, /stakeholder?id=42, /company?id=7,
/opportunity?id=9."""

from __future__ import annotations

from urllib.parse import quote_plus

import pandas as pd
import streamlit as st

DETAIL_PAGES = {"user": "user", "stakeholder": "stakeholder", "company": "company",
                "opportunity": "opportunity"}


def detail_url(entity_type: str, entity_id: int) -> str:
    """The relative URL of an entity's detail page."""
    return f"/{DETAIL_PAGES[entity_type]}?id={int(entity_id)}"


def with_links(frame: pd.DataFrame, entity_type: str, id_column: str,
               link_column: str) -> pd.DataFrame:
    """A copy of the frame with a column of detail-page URLs built from an id column."""
    result = frame.copy()
    result[link_column] = [None if pd.isna(i) else detail_url(entity_type, i)
                           for i in frame[id_column]]
    return result


def link_column(label: str, *, help: str | None = None) -> st.column_config.LinkColumn:
    """A dataframe column that shows 'Open' and goes to the detail page in the same tab."""
    return st.column_config.LinkColumn(label, help=help, display_text="Open")


# Tables show the record's name as the link text: the URL carries the name, and the column's
# display_text regex pulls it back out (Streamlit URL-decodes the captured group).
NAME_IN_URL = r"[?&]name=([^&#]*)"


def named_detail_url(entity_type: str, entity_id: int, name: str) -> str:
    """The detail URL with the record's name appended (shown by `name_link_column`)."""
    return f"{detail_url(entity_type, entity_id)}&name={quote_plus(str(name))}"


def with_name_links(frame: pd.DataFrame, entity_type: str, id_column: str,
                    name_column: str) -> pd.DataFrame:
    """A copy of the frame whose name column holds named detail URLs (None where no id)."""
    result = frame.copy()
    result[name_column] = [None if pd.isna(i) else named_detail_url(entity_type, i, name)
                           for i, name in zip(frame[id_column], frame[name_column], strict=True)]
    return result


def name_link_column(label: str, *, help: str | None = None) -> st.column_config.LinkColumn:
    """A dataframe column that shows each record's name as a link to its detail page."""
    return st.column_config.LinkColumn(label, help=help, display_text=NAME_IN_URL)
