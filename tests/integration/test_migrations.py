"""Migrations: upgrading an empty database to head gives exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from crm_core.db import migrate_to_head
from crm_core.models import Base

CONTRACT = {
    "users": {"id", "name", "email", "job_title", "created_at"},
    "companies": {"id", "name", "industry", "website"},
    "stakeholders": {"id", "name", "job_title", "email", "phone", "company_id", "created_at"},
    "stakeholder_meddpicc_roles": {"stakeholder_id", "meddpicc_role", "created_at"},
    "stakeholder_relationship_owners": {"stakeholder_id", "user_id", "created_at"},
    "opportunities": {"id", "name", "value", "probability", "expected_close_date", "stage",
                      "company_id", "created_at"},
    "tasks": {"id", "description", "due_date", "priority", "status", "next_step_type",
              "created_at", "completed_at", "task_type", "parent_task_id", "sequence_order",
              "dependency_type"},
    "company_account_teams": {"user_id", "company_id", "created_at"},
    "opportunity_account_teams": {"user_id", "opportunity_id", "created_at"},
    "stakeholder_opportunities": {"stakeholder_id", "opportunity_id", "created_at"},
    "task_entities": {"task_id", "entity_type", "entity_id", "created_at"},
}


def test_head_matches_the_models_with_no_autogenerate_difference(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_contract_table_has_its_contract_columns(engine):
    inspector = inspect(engine)
    for table, columns in CONTRACT.items():
        assert columns <= {c["name"] for c in inspector.get_columns(table)}, table


def test_assignment_tables_have_composite_primary_keys(engine):
    inspector = inspect(engine)
    keys = {t: set(inspector.get_pk_constraint(t)["constrained_columns"]) for t in [
        "stakeholder_meddpicc_roles", "stakeholder_relationship_owners",
        "company_account_teams", "opportunity_account_teams", "stakeholder_opportunities",
        "task_entities"]}
    assert keys == {
        "stakeholder_meddpicc_roles": {"stakeholder_id", "meddpicc_role"},
        "stakeholder_relationship_owners": {"stakeholder_id", "user_id"},
        "company_account_teams": {"user_id", "company_id"},
        "opportunity_account_teams": {"user_id", "opportunity_id"},
        "stakeholder_opportunities": {"stakeholder_id", "opportunity_id"},
        "task_entities": {"task_id", "entity_type", "entity_id"},
    }


def test_every_foreign_key_column_is_indexed(engine):
    inspector = inspect(engine)
    for table in inspector.get_table_names():
        indexed = [tuple(i["column_names"]) for i in inspector.get_indexes(table)]
        indexed.append(tuple(inspector.get_pk_constraint(table)["constrained_columns"]))
        for fk in inspector.get_foreign_keys(table):
            column = fk["constrained_columns"][0]
            assert any(cols and cols[0] == column for cols in indexed), (table, column)


def test_the_case_insensitive_email_indexes_exist(engine):
    names = {i["name"] for t in ("users", "stakeholders") for i in inspect(engine).get_indexes(t)}
    if engine.dialect.name == "sqlite":   # SQLite's inspector does not list expression indexes
        with engine.connect() as c:
            names |= {r[0] for r in c.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'index'"))}
    assert {"uq_users_email_lower", "uq_stakeholders_email_lower"} <= names


def test_the_default_required_roles_ship_with_the_schema(engine):
    with engine.connect() as c:
        rows = set(c.execute(text("SELECT stage, meddpicc_role FROM stage_required_roles")))
    assert ("qualification", "economic_buyer") in rows
    assert ("solution", "technical_buyer") in rows
    assert not any(stage == "prospecting" for stage, _ in rows)
    assert len(rows) == 17


def test_migrating_twice_is_a_no_op(engine):
    migrate_to_head(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() is not None
        assert compare_metadata(context, Base.metadata) == []
