"""First start: bring the database to the latest schema (and seed an empty one), once a process."""

from __future__ import annotations

import streamlit as st

from crm_core.db import database_url, migrate_to_head
from dashboard.data import engine


@st.cache_resource(show_spinner=False)
def _prepared(url: str) -> bool:
    with st.spinner("Preparing the database…"):
        migrate_to_head(engine())
    return True


def ensure_database() -> None:
    """Migrate the configured database to head on the first run of this process."""
    _prepared(database_url())
