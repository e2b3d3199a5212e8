"""task indexes: the unfinished tasks, the steps of sequences, completions

A partial index on the unfinished tasks (counts, due windows and roll-ups read ranges of it
without the table), one on the steps of sequences (a step's previous step, a sequence's
progress) and one on completions (tasks completed per week).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 19:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# (new index on tasks, columns, WHERE of a partial index or None)
INDEXES = [
    ("ix_tasks_unfinished", ["status", "task_type", "due_date", "parent_task_id",
                             "sequence_order", "dependency_type"],
     "status IN ('open', 'in_progress')"),
    ("ix_tasks_step_status", ["parent_task_id", "sequence_order", "status"],
     "parent_task_id IS NOT NULL"),
    ("ix_tasks_status_completed_at", ["status", "completed_at", "task_type"], None),
]


def upgrade() -> None:
    for name, columns, where in INDEXES:
        where = sa.text(where) if where else None
        op.create_index(name, "tasks", columns, unique=False, sqlite_where=where,
                        postgresql_where=where)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        # An analysed database would plan with made-up statistics for the new indexes.
        bind.exec_driver_sql("ANALYZE tasks")


def downgrade() -> None:
    for name, *_ in reversed(INDEXES):
        op.drop_index(name, table_name="tasks")
