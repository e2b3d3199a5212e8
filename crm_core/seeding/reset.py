"""Start over: drop the whole database and recreate it through the migrations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from crm_core.db import is_sqlite, migrate_to_head
from crm_core.models import Base

SQLITE_COMPANION_SUFFIXES = ("", "-wal", "-shm", "-journal")


def reset_database(engine: Engine) -> None:
    """Delete every table and row (SQLite: the file itself), then migrate to the latest schema."""
    database = engine.url.database
    if is_sqlite(engine) and database and database != ":memory:":
        engine.dispose()  # no open connection may keep the old file alive
        for suffix in SQLITE_COMPANION_SUFFIXES:
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    else:
        with engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    migrate_to_head(engine)
