"""Alembic environment: batch mode for SQLite, our naming convention, FKs off while rebuilding."""

from alembic import context
from sqlalchemy.pool import NullPool

from crm_core.db import database_url, make_engine
from crm_core.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.attributes.get("url") or database_url()
    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch operations rebuild tables; with FKs on, dropping the old table would cascade.
            # Said on the raw connection: the PRAGMA is a no-op inside a transaction.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=config.attributes.get("url") or database_url(),
                      target_metadata=target_metadata, render_as_batch=True, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
