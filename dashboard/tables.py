"""Shared table helpers: every table a person sees can be taken out as CSV, exactly as shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def download_csv(frame: pd.DataFrame, *, file_name: str, key: str,
                 label: str = "Download CSV") -> None:
    """A download button with the frame as CSV (the columns and rows shown, no index)."""
    st.download_button(label, data=frame.to_csv(index=False).encode("utf-8"),
                       file_name=file_name if file_name.endswith(".csv") else f"{file_name}.csv",
                       mime="text/csv", key=key, icon=":material/download:",
                       disabled=frame.empty)
