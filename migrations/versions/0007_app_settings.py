"""app settings: named values an admin sets, such as the stale threshold of relationships

An `app_settings` table (name -> value). A setting without a row has its default (the stale
threshold: 90 days), so an upgraded database behaves as before until an admin changes it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'app_settings',
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_app_settings')),
    )


def downgrade() -> None:
    op.drop_table('app_settings')
