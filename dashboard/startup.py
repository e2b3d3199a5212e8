"""First start: bring the database to the latest schema, and seed demo data into an empty one.

Once per process and database URL. Demo data goes only into an empty database, and by default
only into the built-in SQLite file (`CRM_SEED_DEMO`: `auto`, `1` to seed any empty database,
`0` never), so a new production database is never filled with made-up customers.
"""

from __future__ import annotations

import os

import streamlit as st

from crm_core.db import database_url, is_empty, migrate_to_head, read_session
from crm_core.errors import Conflict
from dashboard.data import engine


def should_seed_demo() -> bool:
    """Whether an empty database gets the demo dataset (see CRM_SEED_DEMO)."""
    setting = os.environ.get("CRM_SEED_DEMO", "auto").strip().lower()
    if setting in ("1", "true", "yes", "on"):
        return True
    if setting in ("0", "false", "no", "off"):
        return False
    return not os.environ.get("CRM_DATABASE_URL")


@st.cache_resource(show_spinner="Preparing the database (on a first start: creating demo data)…")
def _prepared(url: str) -> bool:
    from crm_core.seeding import seed_database  # imports Faker: only on a first run


    migrate_to_head(engine())
    if should_seed_demo():
        with read_session(engine()) as session:
            empty = is_empty(session)
        if empty:
            try:
                seed_database(engine())
            except Conflict:
                pass  # another process seeded it a moment ago
    return True


def ensure_database() -> None:
    """Migrate (and on a first start seed) the configured database, once per process."""
    _prepared(database_url())
