"""Shared table helpers: every table a person sees can be taken out as CSV, exactly as shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core.exporting import defuse_formula


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV without the index; text that a spreadsheet would run as a
    formula (e.g. a company named '=HYPERLINK(...)') gets a leading apostrophe."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(defuse_formula)
    return safe.to_csv(index=False).encode("utf-8")


def download_csv(frame: pd.DataFrame, *, file_name: str, key: str,
                 label: str = "Download CSV") -> None:
    """A download button with the frame as CSV (the columns and rows shown, no index).

    The CSV is written when the button is clicked, not on every render of the page.
    """
    st.download_button(label, data=lambda: csv_bytes(frame),
                       file_name=file_name if file_name.endswith(".csv") else f"{file_name}.csv",
                       mime="text/csv", key=key, icon=":material/download:",
                       disabled=frame.empty)
