"""task user links: an index on the user a task link names

An index on `CASE WHEN entity_type = 'user' THEN entity_id END` (and the task): the tasks of
a scope's users are found through it, and PostgreSQL keeps statistics of the indexed
expression, so it knows how many links a user has (an entity id of any type has far fewer)
and plans the tasks of a team of hundreds with a hash join rather than a lookup per link.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

USER_LINK_SQL = "(\nCASE\n    WHEN entity_type = 'user' THEN entity_id\n    ELSE NULL\nEND)"


def upgrade() -> None:
    op.create_index("ix_task_entities_user", "task_entities",
                    [sa.text(USER_LINK_SQL), "task_id"], unique=False)
    # The statistics of the new expression exist only once the table is analysed.
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("ANALYZE task_entities")
    elif bind.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        bind.exec_driver_sql("ANALYZE task_entities")


def downgrade() -> None:
    op.drop_index("ix_task_entities_user", table_name="task_entities")
