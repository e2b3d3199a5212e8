"""First start: bring the database to the latest schema (and seed an empty one), once a process."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import IntegrityError

from crm_core.db import database_url, is_empty, migrate_to_head, read_session
from crm_core.errors import Conflict
from crm_core.seeding import seed_database
from dashboard.data import engine


def _database_is_empty() -> bool:
    with read_session(engine()) as session:
        return is_empty(session)


@st.cache_resource(show_spinner=False)
def _prepared(url: str) -> bool:
    with st.spinner("Preparing the database…"):
        migrate_to_head(engine())
        # Only a database without any data gets the demo dataset; data is never reseeded.
        if _database_is_empty():
            try:
                seed_database(engine())
            except (Conflict, IntegrityError):
                if _database_is_empty():
                    raise
                # Another app process seeded it at the same moment: its data stands.
    return True


def ensure_database() -> None:
    """Migrate the configured database to head (seeding an empty one) on the first run."""
    _prepared(database_url())
