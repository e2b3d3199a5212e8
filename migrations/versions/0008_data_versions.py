"""data versions per area: the cache key of every cached figure

A `data_versions` table (area, stripe, version): each committed write adds 1 to one stripe of
each area it changes (ownership, deals, tasks, settings, access); an area's version is the sum
of its stripes. A figure recomputes only when an area it reads has changed, in every app
process. A row appears with its stripe's first write.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'data_versions',
        sa.Column('area', sa.String(length=20), nullable=False),
        sa.Column('stripe', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('area', 'stripe', name=op.f('pk_data_versions')),
    )


def downgrade() -> None:
    op.drop_table('data_versions')
