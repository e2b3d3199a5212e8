"""initial schema: the whole table contract, audit, access and settings tables

Also ships the default MEDDPICC roles each stage requires (vocab.DEFAULT_REQUIRED_ROLES as of
this revision, copied here so the revision never changes).

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 16:06:19.392059
"""

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

DEFAULT_REQUIRED_ROLES = {
    "qualification": ("economic_buyer", "champion"),
    "discovery": ("economic_buyer", "champion"),
    "solution": ("economic_buyer", "champion", "decision_maker", "technical_buyer"),
    "proposal": ("economic_buyer", "champion", "decision_maker", "technical_buyer"),
    "negotiation": ("economic_buyer", "champion", "decision_maker", "technical_buyer",
                    "gatekeeper"),
}


def upgrade() -> None:
    op.create_table('access_grants',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('access_role', sa.String(length=20), nullable=False),
    sa.Column('granted_by', sa.String(length=320), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("access_role IN ('viewer', 'manager', 'admin')", name=op.f('ck_access_grants_access_role')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_access_grants_email_lower')),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_access_grants'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('actor_email', sa.String(length=320), nullable=False),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), server_default='', nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_actor_email', ['actor_email', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_occurred_at', ['occurred_at'], unique=False)

    op.create_table('companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('industry', sa.String(length=100), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_companies'))
    )
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_companies_industry'), ['industry'], unique=False)

    op.create_table('stage_required_roles',
    sa.Column('stage', sa.String(length=30), nullable=False),
    sa.Column('meddpicc_role', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("meddpicc_role IN ('decision_maker', 'economic_buyer', 'influencer', 'champion', 'gatekeeper', 'user', 'technical_buyer')", name=op.f('ck_stage_required_roles_meddpicc_role')),
    sa.CheckConstraint("stage IN ('prospecting', 'qualification', 'discovery', 'solution', 'proposal', 'negotiation', 'closed_won', 'closed_lost')", name=op.f('ck_stage_required_roles_stage')),
    sa.PrimaryKeyConstraint('stage', 'meddpicc_role', name=op.f('pk_stage_required_roles'))
    )
    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('priority', sa.String(length=20), server_default='medium', nullable=False),
    sa.Column('status', sa.String(length=20), server_default='open', nullable=False),
    sa.Column('next_step_type', sa.String(length=30), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('task_type', sa.String(length=20), server_default='task', nullable=False),
    sa.Column('parent_task_id', sa.Integer(), nullable=True),
    sa.Column('sequence_order', sa.Integer(), nullable=True),
    sa.Column('dependency_type', sa.String(length=30), server_default='none', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("(status = 'done') = (completed_at IS NOT NULL)", name=op.f('ck_tasks_completed_at_when_done')),
    sa.CheckConstraint("dependency_type IN ('none', 'finish_to_start', 'start_to_start')", name=op.f('ck_tasks_dependency_type')),
    sa.CheckConstraint("next_step_type IS NULL OR next_step_type IN ('call', 'email', 'meeting', 'demo', 'proposal', 'follow_up', 'internal', 'other')", name=op.f('ck_tasks_next_step_type')),
    sa.CheckConstraint("priority IN ('low', 'medium', 'high', 'urgent')", name=op.f('ck_tasks_priority')),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'done', 'cancelled')", name=op.f('ck_tasks_status')),
    sa.CheckConstraint("task_type IN ('task', 'sequence')", name=op.f('ck_tasks_task_type')),
    sa.CheckConstraint('(parent_task_id IS NULL) = (sequence_order IS NULL)', name=op.f('ck_tasks_step_has_order')),
    sa.CheckConstraint('parent_task_id IS NULL OR parent_task_id <> id', name=op.f('ck_tasks_not_own_parent')),
    sa.CheckConstraint('sequence_order IS NULL OR sequence_order >= 1', name=op.f('ck_tasks_sequence_order')),
    sa.ForeignKeyConstraint(['parent_task_id'], ['tasks.id'], name=op.f('fk_tasks_parent_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_status_due_date', ['status', 'due_date'], unique=False)
        batch_op.create_index('uq_tasks_parent_task_id_sequence_order', ['parent_task_id', 'sequence_order'], unique=True)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users'))
    )
    op.create_table('company_account_teams',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_account_teams_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_company_account_teams_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'company_id', name=op.f('pk_company_account_teams'))
    )
    with op.batch_alter_table('company_account_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_account_teams_company_id'), ['company_id'], unique=False)

    op.create_table('opportunities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=2, asdecimal=False), server_default='0', nullable=False),
    sa.Column('probability', sa.Integer(), server_default='0', nullable=False),
    sa.Column('expected_close_date', sa.Date(), nullable=True),
    sa.Column('stage', sa.String(length=30), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("stage IN ('prospecting', 'qualification', 'discovery', 'solution', 'proposal', 'negotiation', 'closed_won', 'closed_lost')", name=op.f('ck_opportunities_stage')),
    sa.CheckConstraint('probability >= 0 AND probability <= 100', name=op.f('ck_opportunities_probability_range')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_opportunities_value_non_negative')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_opportunities_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunities'))
    )
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opportunities_company_id'), ['company_id'], unique=False)
        batch_op.create_index('ix_opportunities_stage_company', ['stage', 'company_id'], unique=False)

    op.create_table('stakeholders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_stakeholders_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholders'))
    )
    with op.batch_alter_table('stakeholders', schema=None) as batch_op:
        batch_op.create_index('ix_stakeholders_company_id_id', ['company_id', 'id'], unique=False)

    op.create_table('task_entities',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("entity_type IN ('company', 'opportunity', 'stakeholder', 'user')", name=op.f('ck_task_entities_entity_type')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_entities_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'entity_type', 'entity_id', name=op.f('pk_task_entities'))
    )
    with op.batch_alter_table('task_entities', schema=None) as batch_op:
        batch_op.create_index('ix_task_entities_entity', ['entity_type', 'entity_id', 'task_id'], unique=False)

    op.create_table('meddpicc_scorecard_entries',
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('element', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('updated_by', sa.String(length=320), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("element IN ('metrics', 'decision_criteria', 'decision_process', 'paper_process', 'identify_pain', 'competition')", name=op.f('ck_meddpicc_scorecard_entries_element')),
    sa.CheckConstraint("status IN ('unknown', 'identified', 'confirmed')", name=op.f('ck_meddpicc_scorecard_entries_status')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_meddpicc_scorecard_entries_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opportunity_id', 'element', name=op.f('pk_meddpicc_scorecard_entries'))
    )
    op.create_table('opportunity_account_teams',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_opportunity_account_teams_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_opportunity_account_teams_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'opportunity_id', name=op.f('pk_opportunity_account_teams'))
    )
    with op.batch_alter_table('opportunity_account_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opportunity_account_teams_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('stakeholder_meddpicc_roles',
    sa.Column('stakeholder_id', sa.Integer(), nullable=False),
    sa.Column('meddpicc_role', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("meddpicc_role IN ('decision_maker', 'economic_buyer', 'influencer', 'champion', 'gatekeeper', 'user', 'technical_buyer')", name=op.f('ck_stakeholder_meddpicc_roles_meddpicc_role')),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholders.id'], name=op.f('fk_stakeholder_meddpicc_roles_stakeholder_id_stakeholders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('stakeholder_id', 'meddpicc_role', name=op.f('pk_stakeholder_meddpicc_roles'))
    )
    with op.batch_alter_table('stakeholder_meddpicc_roles', schema=None) as batch_op:
        batch_op.create_index('ix_stakeholder_meddpicc_roles_role', ['meddpicc_role', 'stakeholder_id'], unique=False)

    op.create_table('stakeholder_opportunities',
    sa.Column('stakeholder_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_stakeholder_opportunities_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholders.id'], name=op.f('fk_stakeholder_opportunities_stakeholder_id_stakeholders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('stakeholder_id', 'opportunity_id', name=op.f('pk_stakeholder_opportunities'))
    )
    with op.batch_alter_table('stakeholder_opportunities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stakeholder_opportunities_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('stakeholder_relationship_owners',
    sa.Column('stakeholder_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholders.id'], name=op.f('fk_stakeholder_relationship_owners_stakeholder_id_stakeholders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_stakeholder_relationship_owners_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('stakeholder_id', 'user_id', name=op.f('pk_stakeholder_relationship_owners'))
    )
    with op.batch_alter_table('stakeholder_relationship_owners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stakeholder_relationship_owners_user_id'), ['user_id'], unique=False)
    # Case-insensitive unique emails (expression indexes, which autogenerate cannot render).
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    op.create_index("uq_stakeholders_email_lower", "stakeholders", [sa.text("lower(email)")],
                    unique=True)
    required = sa.table("stage_required_roles", sa.column("stage", sa.String),
                        sa.column("meddpicc_role", sa.String))
    op.bulk_insert(required, [
        {"stage": stage, "meddpicc_role": role}
        for stage, roles in DEFAULT_REQUIRED_ROLES.items() for role in roles
    ])


def downgrade() -> None:
    op.drop_index("uq_stakeholders_email_lower", table_name="stakeholders")
    op.drop_index("uq_users_email_lower", table_name="users")
    with op.batch_alter_table('stakeholder_relationship_owners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stakeholder_relationship_owners_user_id'))

    op.drop_table('stakeholder_relationship_owners')
    with op.batch_alter_table('stakeholder_opportunities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stakeholder_opportunities_opportunity_id'))

    op.drop_table('stakeholder_opportunities')
    with op.batch_alter_table('stakeholder_meddpicc_roles', schema=None) as batch_op:
        batch_op.drop_index('ix_stakeholder_meddpicc_roles_role')

    op.drop_table('stakeholder_meddpicc_roles')
    with op.batch_alter_table('opportunity_account_teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_account_teams_opportunity_id'))

    op.drop_table('opportunity_account_teams')
    op.drop_table('meddpicc_scorecard_entries')
    with op.batch_alter_table('task_entities', schema=None) as batch_op:
        batch_op.drop_index('ix_task_entities_entity')

    op.drop_table('task_entities')
    with op.batch_alter_table('stakeholders', schema=None) as batch_op:
        batch_op.drop_index('ix_stakeholders_company_id_id')

    op.drop_table('stakeholders')
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunities_stage_company')
        batch_op.drop_index(batch_op.f('ix_opportunities_company_id'))

    op.drop_table('opportunities')
    with op.batch_alter_table('company_account_teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_account_teams_company_id'))

    op.drop_table('company_account_teams')
    op.drop_table('users')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('uq_tasks_parent_task_id_sequence_order')
        batch_op.drop_index('ix_tasks_status_due_date')

    op.drop_table('tasks')
    op.drop_table('stage_required_roles')
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_companies_industry'))

    op.drop_table('companies')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_occurred_at')
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index('ix_audit_events_actor_email')

    op.drop_table('audit_events')
    op.drop_table('access_grants')
