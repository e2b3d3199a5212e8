"""First start: bring the database to the latest schema, and seed demo data into an empty one.

Once per process and database URL. Demo data goes only into an empty database, and by default
only into the default SQLite file data/crm.db (the local demo): a database named in
CRM_DATABASE_URL is never filled with made-up customers unless CRM_SEED_DEMO=1 asks for it
(CRM_SEED_DEMO=0: never seed). A SQLite file named there that does not exist is not created
either (a typo must not start a new database) unless CRM_SEED_DEMO says what goes into it.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import IntegrityError

from crm_core.db import (
    database_url,
    default_database_url,
    is_empty,
    migrate_to_head,
    read_session,
    sqlite_file,
)
from crm_core.errors import Conflict
from dashboard.data import engine


class MissingDatabase(Exception):
    """CRM_DATABASE_URL names a SQLite file that does not exist."""

    def __init__(self, path: Path):
        super().__init__(f"There is no database file at {path}.")
        self.path = path


def _seed_setting() -> bool | None:
    setting = os.environ.get("CRM_SEED_DEMO", "auto").strip().lower()
    if setting in ("1", "true", "yes", "on"):
        return True
    if setting in ("0", "false", "no", "off"):
        return False
    return None  # auto


def should_seed_demo(url: str) -> bool:
    """Whether an empty database at this URL gets the demo dataset (see CRM_SEED_DEMO)."""
    setting = _seed_setting()
    return url == default_database_url() if setting is None else setting


def missing_named_file(url: str) -> Path | None:
    """The SQLite file CRM_DATABASE_URL names when it does not exist and nobody asked for a
    new database there (CRM_SEED_DEMO unset); None otherwise."""
    path = sqlite_file(url)
    if path is None or url == default_database_url() or _seed_setting() is not None:
        return None
    return None if path.exists() else path


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
    """Migrate (and on a first start seed) the configured database, once per process.

    Raises MissingDatabase for a named SQLite file that does not exist, and one of
    crm_core.db.UNAVAILABLE_ERRORS when the database cannot be reached.
    """
    url = database_url()
    if (missing := missing_named_file(url)) is not None:
        raise MissingDatabase(missing)
    _prepared(url)
