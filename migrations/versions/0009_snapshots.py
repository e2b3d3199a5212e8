"""snapshots: the headline figures of each scope, one row per day

A `snapshots` table keyed by (scope, day): stakeholders, owned, orphaned (and owner departed),
single-owner, off the account team, open and gated deals, fully covered, value at risk
(and weighted), single-threaded deals, overdue and due-soon tasks. Rows are only ever added.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_COUNTS = ('stakeholders', 'owned', 'orphaned', 'orphaned_owner_departed', 'single_owner',
           'off_account_team', 'open_deals', 'gated_deals', 'fully_covered')


def upgrade() -> None:
    money = sa.Numeric(precision=14, scale=2, asdecimal=False)
    op.create_table(
        'snapshots',
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        sa.Column('value_at_risk', money, nullable=False),
        sa.Column('weighted_value_at_risk', money, nullable=False),
        sa.Column('single_threaded', sa.Integer(), nullable=False),
        sa.Column('overdue_tasks', sa.Integer(), nullable=False),
        sa.Column('due_soon_tasks', sa.Integer(), nullable=False),
        sa.Column('synthetic', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('taken_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.PrimaryKeyConstraint('scope', 'day', name=op.f('pk_snapshots')),
    )


def downgrade() -> None:
    op.drop_table('snapshots')
