"""performance indexes: narrow covering indexes the large-scale query plans need

The two single-column link indexes become two-column ones (same leading column, so every
plan that used them still can, now without reading the table).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# (table, new index, columns, the index it replaces or None)
INDEXES = [
    ("stakeholders", "ix_stakeholders_id_company_id", ["id", "company_id"], None),
    ("stakeholder_relationship_owners", "ix_stakeholder_relationship_owners_user_stakeholder",
     ["user_id", "stakeholder_id"], "ix_stakeholder_relationship_owners_user_id"),
    ("stakeholder_opportunities", "ix_stakeholder_opportunities_opportunity_stakeholder",
     ["opportunity_id", "stakeholder_id"], "ix_stakeholder_opportunities_opportunity_id"),
]


def upgrade() -> None:
    for table, name, columns, replaced in INDEXES:
        op.create_index(name, table, columns, unique=False)
        if replaced:
            op.drop_index(replaced, table_name=table)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        # An analysed database would plan with made-up statistics for the new indexes.
        for table in sorted({table for table, *_ in INDEXES}):
            bind.exec_driver_sql(f"ANALYZE {table}")


def downgrade() -> None:
    for table, name, columns, replaced in reversed(INDEXES):
        if replaced:
            op.create_index(replaced, table, columns[:1], unique=False)
        op.drop_index(name, table_name=table)
