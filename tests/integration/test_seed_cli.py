"""`python seed.py` as a person runs it: --help, refusal on a database with data, --reset."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, text

from crm_core.db import make_engine
from crm_core.seeding import seed_database

ROOT = Path(__file__).resolve().parents[2]


def run_seed(url: str, *args: str) -> subprocess.CompletedProcess:
    """Run seed.py against the database URL; capture its output."""
    env = {**os.environ, "CRM_DATABASE_URL": url}
    return subprocess.run([sys.executable, "seed.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def counts(url: str) -> dict[str, int]:
    """Users, stakeholders, tasks and audit events in the database."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                    for table in ("users", "stakeholders", "tasks", "audit_events")}
    finally:
        engine.dispose()


def test_help_explains_every_option(db_url):
    result = run_seed(db_url, "--help")

    assert result.returncode == 0
    for option in ("--scale", "--seed", "--reset", "demo", "large", "CRM_DATABASE_URL"):
        assert option in result.stdout


def test_seeding_an_empty_database_loads_the_demo_and_prints_rows_per_table(db_url):
    result = run_seed(db_url)

    assert result.returncode == 0, result.stderr
    assert "stakeholder_relationship_owners" in result.stdout and "rows in" in result.stdout
    assert counts(db_url) == {"users": 15, "stakeholders": 400, "tasks": 1_500,
                              "audit_events": 1}


def test_a_database_that_was_never_migrated_is_migrated_then_seeded(tmp_path):
    url = f"sqlite:///{tmp_path / 'brand-new.db'}"

    result = run_seed(url)

    assert result.returncode == 0, result.stderr
    assert counts(url)["users"] == 15


def test_a_database_with_data_is_refused_and_left_unchanged(db_url, engine: Engine):
    seed_database(engine, seed=5)
    engine.dispose()
    before = counts(db_url)

    result = run_seed(db_url, "--seed", "6")

    assert result.returncode == 2
    assert "already holds data" in result.stderr and "--reset" in result.stderr
    assert counts(db_url) == before


def test_reset_deletes_everything_and_seeds_again_from_scratch(db_url, engine: Engine):
    seed_database(engine, seed=5)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_events (occurred_at, actor_email, actor_role, "
                                "action, entity_type, summary) VALUES (CURRENT_TIMESTAMP, "
                                "'a@example.com', 'admin', 'user.updated', 'user', 'x')"))
    engine.dispose()

    result = run_seed(db_url, "--reset", "--seed", "6")

    assert result.returncode == 0, result.stderr
    # The old audit trail went with the old database: only the new seed's event is left.
    assert counts(db_url) == {"users": 15, "stakeholders": 400, "tasks": 1_500,
                              "audit_events": 1}
    engine = make_engine(db_url)
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        seed = connection.execute(text("SELECT summary FROM audit_events")).scalar()
    engine.dispose()
    assert revision and "seed 6" in seed
