"""First start: bring the database to the latest schema, and seed demo data into an empty one.

Once per process and database URL. Demo data goes only into an empty database, and by default
only into a SQLite file (the local demo): a new PostgreSQL production database is never filled
with made-up customers unless CRM_SEED_DEMO=1 asks for it (CRM_SEED_DEMO=0: never seed).
"""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy.exc import IntegrityError

from crm_core.db import database_url, is_empty, is_sqlite, migrate_to_head, read_session
from crm_core.errors import Conflict
from dashboard.data import engine


def should_seed_demo(url: str) -> bool:
    """Whether an empty database at this URL gets the demo dataset (see CRM_SEED_DEMO)."""
    setting = os.environ.get("CRM_SEED_DEMO", "auto").strip().lower()
    if setting in ("1", "true", "yes", "on"):
        return True
    if setting in ("0", "false", "no", "off"):
        return False
    return is_sqlite(url)


def _database_is_empty() -> bool:
    with read_session(engine()) as session:
        return is_empty(session)


@st.cache_resource(show_spinner="Preparing the database (on a first start: creating demo data)…")
def _prepared(url: str) -> bool:
    from crm_core.seeding import seed_database  # imports Faker: only on a first run

    migrate_to_head(engine())
    # Only a database without any data gets the demo dataset; data is never reseeded.
    if should_seed_demo(url) and _database_is_empty():
        try:
            seed_database(engine())
        except (Conflict, IntegrityError):
            if _database_is_empty():
                raise
            # Another app process seeded it at the same moment: its data stands.
    return True


def ensure_database() -> None:
    """Migrate (and on a first start seed) the configured database, once per process."""
    _prepared(database_url())
