"""gap plans: which MEDDPICC gap of a deal each step of a gap plan works on

A `gap_plan_steps` table (task id -> opportunity id, MEDDPICC role): a gap plan is a task
sequence whose steps close a deal's gaps; the table says which gap each step belongs to, so
the gap lists show a plan's progress.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ROLES = ("decision_maker", "economic_buyer", "influencer", "champion", "gatekeeper", "user",
         "technical_buyer")


def upgrade() -> None:
    op.create_table(
        'gap_plan_steps',
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('opportunity_id', sa.Integer(), nullable=False),
        sa.Column('meddpicc_role', sa.String(length=30), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.CheckConstraint("meddpicc_role IN ({})".format(", ".join(f"'{r}'" for r in ROLES)),
                           name=op.f('ck_gap_plan_steps_meddpicc_role')),
        sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'],
                                name=op.f('fk_gap_plan_steps_opportunity_id_opportunities'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['task_id'], ['tasks.id'],
                                name=op.f('fk_gap_plan_steps_task_id_tasks'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('task_id', name=op.f('pk_gap_plan_steps')),
    )
    op.create_index('ix_gap_plan_steps_gap', 'gap_plan_steps', ['opportunity_id', 'meddpicc_role'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_gap_plan_steps_gap', table_name='gap_plan_steps')
    op.drop_table('gap_plan_steps')
