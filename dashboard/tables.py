"""Shared table helpers: every table a person sees can be taken out as CSV, the whole list under
its filters, with text a spreadsheet would run as a formula defused."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

import pandas as pd
import streamlit as st

from crm_core.exporting import defuse_formula


def defused(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame whose text cells cannot run as spreadsheet formulas: text starting
    with =, +, -, @, tab or CR (e.g. a company named '=HYPERLINK(...)') gets a leading
    apostrophe. Numbers stay numbers."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(defuse_formula)
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV without the index, defused (see `defused`)."""
    return defused(frame).to_csv(index=False).encode("utf-8")


def chunks_csv_bytes(chunks: Iterable[pd.DataFrame]) -> bytes:
    """The chunks, one list in order, as one defused UTF-8 CSV (header once), written chunk by
    chunk, so only one chunk is a DataFrame at a time. A list without rows is its header."""
    out = io.BytesIO()
    header = True
    for chunk in chunks:
        if chunk.empty and not header:
            continue
        out.write(defused(chunk).to_csv(index=False, header=header).encode("utf-8"))
        header = False
    return out.getvalue()


def download_csv(frame: pd.DataFrame, *, file_name: str, key: str,
                 label: str = "Download CSV",
                 whole: Callable[[], Iterable[pd.DataFrame]] | None = None) -> None:
    """A download button with the frame as CSV (the columns shown, no index).

    whole: the whole list under the current filters, in chunks shaped like `frame`, when the
    frame is only the page shown. The CSV is written when the button is clicked, not on every
    render of the page.
    """
    data: Callable[[], bytes] = (
        (lambda: csv_bytes(frame)) if whole is None else (lambda: chunks_csv_bytes(whole())))
    st.download_button(label, data=data,
                       file_name=file_name if file_name.endswith(".csv") else f"{file_name}.csv",
                       mime="text/csv", key=key, icon=":material/download:",
                       disabled=frame.empty)
