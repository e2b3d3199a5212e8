"""What every engine does on both databases: SQL parameters (what people typed) never appear
in error messages or logs, and PostgreSQL statements give up after the statement timeout."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

TYPED = "secret-typed-by-a-person"


def test_a_failing_statement_does_not_show_what_was_typed(engine, caplog):
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    with pytest.raises(DBAPIError) as error, engine.connect() as connection:
        connection.execute(text("INSERT INTO no_such_table (name) VALUES (:name)"),
                           {"name": TYPED})
    assert TYPED not in str(error.value)
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(error.value)
    assert TYPED not in caplog.text


def test_postgresql_statements_time_out(postgres_engine):
    with postgres_engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar() == "2min"
