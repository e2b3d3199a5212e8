"""Shared fixtures: a fresh, migrated database per test on SQLite and (when configured) PostgreSQL.

Set CRM_TEST_POSTGRES_URL to run every database test on PostgreSQL too; without it those runs
skip with a visible reason. With CRM_REQUIRE_ALL_TESTS=1 (CI) any skipped test is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from crm_core.db import make_engine, migrate_to_head

POSTGRES_URL = os.environ.get("CRM_TEST_POSTGRES_URL")
REQUIRE_ALL = os.environ.get("CRM_REQUIRE_ALL_TESTS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, but CRM_REQUIRE_ALL_TESTS=1 forbids skips: {reason}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """A migrated SQLite file that each test copies (faster than migrating per test)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate_to_head(engine)
    engine.dispose()
    return str(path)


def _admin_engine() -> Engine:
    return create_engine(make_engine(POSTGRES_URL).url, isolation_level="AUTOCOMMIT",
                         poolclass=NullPool)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated PostgreSQL database used as the TEMPLATE of each test's database."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need CRM_TEST_POSTGRES_URL "
                    "(e.g. postgresql://postgres@127.0.0.1:5432/test)")
    name = f"crm_template_{os.getpid()}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(False))
    migrate_to_head(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_database_url(backend: str, request, tmp_path) -> Iterator[str]:
    """Yield the URL of a fresh migrated database of the backend; drop it afterwards."""
    if backend == "sqlite":
        path = tmp_path / "crm.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database: once on SQLite, once on PostgreSQL."""
    yield from fresh_database_url(request.param, request, tmp_path)


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(request, tmp_path) -> Iterator[Engine]:
    """A fresh migrated PostgreSQL database only (for PostgreSQL-specific behaviour)."""
    urls = fresh_database_url("postgresql", request, tmp_path)
    engine = make_engine(next(urls))
    yield engine
    engine.dispose()
    next(urls, None)


@pytest.fixture
def sqlite_engine(request, tmp_path) -> Iterator[Engine]:
    """A fresh migrated SQLite database only (for SQLite-specific behaviour)."""
    url = next(fresh_database_url("sqlite", request, tmp_path))
    engine = make_engine(url)
    yield engine
    engine.dispose()
