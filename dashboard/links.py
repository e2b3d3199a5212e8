"""Deep links to the detail pages: /user?id=3, /stakeholder?id=42, /company?id=7, /opportunity?id=9."""

from __future__ import annotations

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
