"""What the app shows while its database cannot be used: a clear page instead of an error box,
which checks again by itself and brings the app back as soon as the database answers."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import streamlit as st

from crm_core.db import is_reachable
from dashboard.data import engine

RETRY_SECONDS = 5
UNAVAILABLE_TITLE = "The database cannot be reached"
logger = logging.getLogger(__name__)


@st.fragment(run_every=RETRY_SECONDS)
def _check_again() -> None:
    if is_reachable(engine()):
        st.rerun(scope="app")
    st.caption(f"Checked at {datetime.now(UTC):%H:%M:%S} UTC; checking again every "
               f"{RETRY_SECONDS} seconds.")


def show_database_unavailable(error: Exception) -> None:
    """Say the database cannot be reached (the details go to the server log), then wait for it."""
    logger.warning("The database cannot be reached: %s", error)
    st.title(UNAVAILABLE_TITLE, anchor=False)
    st.error("The app cannot reach its database, or the database did not answer in time. "
             "Nothing you saved before is lost; a change you were making just now was not "
             "saved. This page comes back by itself when the database answers again.",
             icon=":material/cloud_off:")
    _check_again()


def unavailable_page(error: Exception) -> st.Page:
    """The only page while the database cannot be reached at start-up."""
    return st.Page(lambda: show_database_unavailable(error), title="Database unavailable",
                   icon=":material/cloud_off:", url_path="unavailable", default=True)


def missing_database_page(path: object) -> st.Page:
    """The only page when CRM_DATABASE_URL names a SQLite file that does not exist."""

    def render() -> None:
        st.title("There is no database at the configured path", anchor=False)
        st.error("CRM_DATABASE_URL names a SQLite file that does not exist, so the app did "
                 "not create one (a mistyped path must not start a new, empty or made-up "
                 "database). Check the path. To start a new database there on purpose, set "
                 "CRM_SEED_DEMO=0 (empty) or CRM_SEED_DEMO=1 (the demo dataset).",
                 icon=":material/database:")
        st.text(str(path))  # shown as text, never as markdown

    return st.Page(render, title="No database", icon=":material/database:",
                   url_path="no-database", default=True)
