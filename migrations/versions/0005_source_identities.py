"""source identities: where imported records came from; users may lack an email

A `source_identities` table (source system, object, external id -> our table and id), so a
record imported from another CRM is matched by its id there before any natural key, across
imports. `users.email` becomes nullable: a user imported from a name alone (a spreadsheet of
reps) exists without one and cannot sign in.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:30:00
"""

import warnings

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'source_identities',
        sa.Column('source_system', sa.String(length=40), nullable=False),
        sa.Column('source_object', sa.String(length=80), nullable=False),
        sa.Column('external_id', sa.String(length=255), nullable=False),
        sa.Column('record_table', sa.String(length=40), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.PrimaryKeyConstraint('source_system', 'source_object', 'external_id',
                                name=op.f('pk_source_identities')),
    )
    op.create_index('ix_source_identities_record', 'source_identities',
                    ['record_table', 'record_id'], unique=False)
    _users_email(nullable=True)


def _users_email(*, nullable: bool) -> None:
    # SQLite rebuilds the table in batch mode and would lose the expression index: drop it
    # first, build it again afterwards. Reflecting users also reflects the regions it points
    # at, whose expression index SQLAlchemy cannot reflect (and need not: regions stays as is).
    op.drop_index('uq_users_email_lower', table_name='users')
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based "
                                "index", sa.exc.SAWarning)
        with op.batch_alter_table('users') as batch:
            batch.alter_column('email', existing_type=sa.String(length=320), nullable=nullable)
    op.create_index('uq_users_email_lower', 'users', [sa.text('lower(email)')], unique=True)


def downgrade() -> None:
    _users_email(nullable=False)
    op.drop_index('ix_source_identities_record', table_name='source_identities')
    op.drop_table('source_identities')
