"""team hierarchy: regions, each user's manager and region, departed users

A `regions` table (case-insensitive unique names); on users a nullable `manager_id` (the
reporting line; a manager's team is everyone below them at any depth), `region_id` and
`departed_on` (a departed user keeps their history but no longer signs in or takes new
ownerships). Deleting a manager or a region leaves the users without one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'regions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    )
    op.create_index('uq_regions_name_lower', 'regions', [sa.text('lower(name)')], unique=True)
    # SQLite rebuilds the table in batch mode and would lose the expression index: drop it
    # first and build it again afterwards, on both databases alike.
    op.drop_index('uq_users_email_lower', table_name='users')
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('manager_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('departed_on', sa.Date(), nullable=True))
        batch.create_foreign_key(op.f('fk_users_manager_id_users'), 'users', ['manager_id'],
                                 ['id'], ondelete='SET NULL')
        batch.create_foreign_key(op.f('fk_users_region_id_regions'), 'regions', ['region_id'],
                                 ['id'], ondelete='SET NULL')
        batch.create_check_constraint(op.f('ck_users_not_own_manager'),
                                      'manager_id IS NULL OR manager_id <> id')
        batch.create_index(op.f('ix_users_manager_id'), ['manager_id'], unique=False)
        batch.create_index(op.f('ix_users_region_id'), ['region_id'], unique=False)
    op.create_index('uq_users_email_lower', 'users', [sa.text('lower(email)')], unique=True)


def downgrade() -> None:
    op.drop_index('uq_users_email_lower', table_name='users')
    with op.batch_alter_table('users') as batch:
        batch.drop_index(op.f('ix_users_region_id'))
        batch.drop_index(op.f('ix_users_manager_id'))
        batch.drop_constraint(op.f('ck_users_not_own_manager'), type_='check')
        batch.drop_constraint(op.f('fk_users_region_id_regions'), type_='foreignkey')
        batch.drop_constraint(op.f('fk_users_manager_id_users'), type_='foreignkey')
        batch.drop_column('departed_on')
        batch.drop_column('region_id')
        batch.drop_column('manager_id')
    op.create_index('uq_users_email_lower', 'users', [sa.text('lower(email)')], unique=True)
    op.drop_index('uq_regions_name_lower', table_name='regions')
    op.drop_table('regions')
