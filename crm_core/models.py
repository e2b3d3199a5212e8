"""SQLAlchemy 2.0 models: the table contract of DESIGN.md plus audit, access and settings tables.

Every fact is stored once. The database enforces foreign keys, composite keys on assignment
tables, vocabulary CHECKs and case-insensitive unique emails, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from crm_core import vocab

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Naive UTC now: what every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def _in(column: str, vocabulary: vocab.Vocabulary) -> str:
    values = ", ".join(f"'{v}'" for v in vocabulary)
    return f"{column} IN ({values})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _created_at() -> Mapped[datetime]:
    return mapped_column(DateTime, default=utcnow, server_default=func.current_timestamp())


# Money: exact NUMERIC on PostgreSQL, floats in Python (SQLite has no decimal type anyway).
Money = Numeric(14, 2, asdecimal=False)


class Region(Base):
    """A sales region or territory that users belong to; a scope of its own on the dashboards."""

    __tablename__ = "regions"
    __table_args__ = (Index("uq_regions_name_lower", func.lower("name"), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = _created_at()
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    users: Mapped[list[User]] = relationship(back_populates="region", viewonly=True)

    __mapper_args__ = {"version_id_col": version}


class User(Base):
    """Someone on our side: an account team member, with a reporting line and a region.

    A departed user (departed_on set) keeps their history but cannot sign in or be picked as a
    new owner or team member.
    """

    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_email_lower", func.lower("email"), unique=True),
        CheckConstraint("manager_id IS NULL OR manager_id <> id", name="not_own_manager"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # None for a user imported from a name alone (a rep in a spreadsheet): they cannot sign in.
    email: Mapped[str | None] = mapped_column(String(320))
    job_title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = _created_at()
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("regions.id", ondelete="SET NULL"), index=True)
    departed_on: Mapped[date | None] = mapped_column(Date)

    manager: Mapped[User | None] = relationship(
        remote_side=[id], back_populates="reports", viewonly=True)
    reports: Mapped[list[User]] = relationship(back_populates="manager", viewonly=True)
    region: Mapped[Region | None] = relationship(back_populates="users", viewonly=True)

    owned_stakeholders: Mapped[list[Stakeholder]] = relationship(
        secondary="stakeholder_relationship_owners", back_populates="owners", viewonly=True)
    companies: Mapped[list[Company]] = relationship(
        secondary="company_account_teams", back_populates="account_team", viewonly=True)
    opportunities: Mapped[list[Opportunity]] = relationship(
        secondary="opportunity_account_teams", back_populates="added_team_members", viewonly=True)

    __mapper_args__ = {"version_id_col": version}


class Company(Base):
    """A customer or prospect account. Deleting it deletes its stakeholders and opportunities."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(100), index=True)
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = _created_at()
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    stakeholders: Mapped[list[Stakeholder]] = relationship(
        back_populates="company", passive_deletes=True)
    opportunities: Mapped[list[Opportunity]] = relationship(
        back_populates="company", passive_deletes=True)
    account_team: Mapped[list[User]] = relationship(
        secondary="company_account_teams", back_populates="companies", viewonly=True)

    __mapper_args__ = {"version_id_col": version}


class Stakeholder(Base):
    """Someone at the customer."""

    __tablename__ = "stakeholders"
    __table_args__ = (
        Index("uq_stakeholders_email_lower", func.lower("email"), unique=True),
        # Narrow covering index: coverage queries walk stakeholders by company without the table.
        Index("ix_stakeholders_company_id_id", "company_id", "id"),
        # Narrow covering index: a stakeholder's company by id without reading the wide rows
        # (owner load looks up every owned stakeholder's company, in owner order).
        Index("ix_stakeholders_id_company_id", "id", "company_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = _created_at()
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    company: Mapped[Company] = relationship(back_populates="stakeholders")
    owners: Mapped[list[User]] = relationship(
        secondary="stakeholder_relationship_owners", back_populates="owned_stakeholders",
        viewonly=True)
    roles: Mapped[list[StakeholderMeddpiccRole]] = relationship(
        back_populates="stakeholder", passive_deletes=True)
    opportunities: Mapped[list[Opportunity]] = relationship(
        secondary="stakeholder_opportunities", back_populates="stakeholders", viewonly=True)

    __mapper_args__ = {"version_id_col": version}


class StakeholderMeddpiccRole(Base):
    """A MEDDPICC role a stakeholder plays (the only place such roles live)."""

    __tablename__ = "stakeholder_meddpicc_roles"
    __table_args__ = (
        CheckConstraint(_in("meddpicc_role", vocab.MEDDPICC_ROLES), name="meddpicc_role"),
        Index("ix_stakeholder_meddpicc_roles_role", "meddpicc_role", "stakeholder_id"),
    )

    stakeholder_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="CASCADE"), primary_key=True)
    meddpicc_role: Mapped[str] = mapped_column(String(30), primary_key=True)
    created_at: Mapped[datetime] = _created_at()

    stakeholder: Mapped[Stakeholder] = relationship(back_populates="roles")


class StakeholderRelationshipOwner(Base):
    """A user owns the relationship with a stakeholder."""

    __tablename__ = "stakeholder_relationship_owners"
    __table_args__ = (
        # Covers a user's ownerships (owner load, the user page) without the table.
        Index("ix_stakeholder_relationship_owners_user_stakeholder", "user_id", "stakeholder_id"),
    )

    stakeholder_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = _created_at()


class Opportunity(Base):
    """A deal with a company."""

    __tablename__ = "opportunities"
    __table_args__ = (
        CheckConstraint("probability >= 0 AND probability <= 100", name="probability_range"),
        CheckConstraint("value >= 0", name="value_non_negative"),
        CheckConstraint(_in("stage", vocab.STAGES), name="stage"),
        Index("ix_opportunities_stage_company", "stage", "company_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Money, default=0, server_default="0")
    probability: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    expected_close_date: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(30))
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = _created_at()
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    company: Mapped[Company] = relationship(back_populates="opportunities")
    stakeholders: Mapped[list[Stakeholder]] = relationship(
        secondary="stakeholder_opportunities", back_populates="opportunities", viewonly=True)
    added_team_members: Mapped[list[User]] = relationship(
        secondary="opportunity_account_teams", back_populates="opportunities", viewonly=True)

    __mapper_args__ = {"version_id_col": version}


_UNFINISHED = _in("status", vocab.UNFINISHED_TASK_STATUSES)


class Task(Base):
    """A task, a sequence (parent) or a step of a sequence (has a parent and a sequence_order)."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(_in("priority", vocab.PRIORITIES), name="priority"),
        CheckConstraint(_in("status", vocab.TASK_STATUSES), name="status"),
        CheckConstraint(f"next_step_type IS NULL OR {_in('next_step_type', vocab.NEXT_STEP_TYPES)}",
                        name="next_step_type"),
        CheckConstraint(_in("task_type", vocab.TASK_TYPES), name="task_type"),
        CheckConstraint(_in("dependency_type", vocab.DEPENDENCY_TYPES), name="dependency_type"),
        CheckConstraint("sequence_order IS NULL OR sequence_order >= 1", name="sequence_order"),
        CheckConstraint("(parent_task_id IS NULL) = (sequence_order IS NULL)",
                        name="step_has_order"),
        CheckConstraint("parent_task_id IS NULL OR parent_task_id <> id", name="not_own_parent"),
        CheckConstraint("(status = 'done') = (completed_at IS NOT NULL)",
                        name="completed_at_when_done"),
        # Two steps of one sequence can never share a position.
        Index("uq_tasks_parent_task_id_sequence_order", "parent_task_id", "sequence_order",
              unique=True),
        Index("ix_tasks_status_due_date", "status", "due_date"),
        # Unfinished tasks only (they stay few while finished ones pile up): the counts, due
        # windows and roll-ups read ranges of it without the table. Queries must spell the
        # statuses out (queries._task_sql.is_unfinished) for a planner to use it.
        Index("ix_tasks_unfinished", "status", "task_type", "due_date", "parent_task_id",
              "sequence_order", "dependency_type",
              sqlite_where=text(_UNFINISHED), postgresql_where=text(_UNFINISHED)),
        # Steps in order with their status: a step's previous step (blocked or not) and a
        # sequence's progress without the table.
        Index("ix_tasks_step_status", "parent_task_id", "sequence_order", "status",
              sqlite_where=text("parent_task_id IS NOT NULL"),
              postgresql_where=text("parent_task_id IS NOT NULL")),
        # Completions per week: one range (status = 'done', completed_at) per week. Not
        # partial: SQLite plans a statement again on every run when it compares a bound
        # status with the status of a partial index's WHERE.
        Index("ix_tasks_status_completed_at", "status", "completed_at", "task_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(20), default="medium", server_default="medium")
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    next_step_type: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = _created_at()
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    task_type: Mapped[str] = mapped_column(String(20), default="task", server_default="task")
    parent_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"))
    sequence_order: Mapped[int | None] = mapped_column(Integer)
    dependency_type: Mapped[str] = mapped_column(
        String(30), default="none", server_default="none")
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    parent: Mapped[Task | None] = relationship(back_populates="steps", remote_side=[id])
    steps: Mapped[list[Task]] = relationship(
        back_populates="parent", order_by=sequence_order, passive_deletes=True)
    links: Mapped[list[TaskEntity]] = relationship(back_populates="task", passive_deletes=True)

    __mapper_args__ = {"version_id_col": version}


class CompanyAccountTeam(Base):
    """A user is on a company's account team."""

    __tablename__ = "company_account_teams"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = _created_at()


class OpportunityAccountTeam(Base):
    """A user added to one opportunity's team (on top of the inherited company team)."""

    __tablename__ = "opportunity_account_teams"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = _created_at()


class StakeholderOpportunity(Base):
    """A stakeholder is part of an opportunity's buying committee."""

    __tablename__ = "stakeholder_opportunities"
    __table_args__ = (
        # Covers an opportunity's links: walked in opportunity order without the table.
        Index("ix_stakeholder_opportunities_opportunity_stakeholder", "opportunity_id",
              "stakeholder_id"),
    )

    stakeholder_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="CASCADE"), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = _created_at()


# The user id of a task's link to a user, NULL for a link to a record. Written once: a query
# must use exactly this expression for the index (and its statistics) to apply. Laid out as
# PostgreSQL prints it back, so the schema compares equal to the models.
USER_LINK_SQL = "(\nCASE\n    WHEN entity_type = 'user' THEN entity_id\n    ELSE NULL\nEND)"


class TaskEntity(Base):
    """A task's link to a company, opportunity, stakeholder or user.

    The link is generic (entity_type, entity_id), so the database cannot hold a foreign key for
    entity_id: crm_core validates it on write and removes links when the entity is deleted.
    """

    __tablename__ = "task_entities"
    __table_args__ = (
        CheckConstraint(_in("entity_type", vocab.ENTITY_TYPES), name="entity_type"),
        Index("ix_task_entities_entity", "entity_type", "entity_id", "task_id"),
        # The user a link names (USER_LINK_SQL): PostgreSQL keeps statistics of an indexed
        # expression, so it knows a user has hundreds of links, not the dozen an entity id
        # of any type has, and plans a large team's tasks with one hash join.
        Index("ix_task_entities_user", text(USER_LINK_SQL), "task_id"),
    )

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = _created_at()

    task: Mapped[Task] = relationship(back_populates="links")


class AuditEvent(Base):
    """One write: when, who, what, before and after. Kept when the entity is deleted."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id", "id"),
        Index("ix_audit_events_actor_email", "actor_email", "id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_email: Mapped[str] = mapped_column(String(320))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DataVersion(Base):
    """How many committed writes changed an area of data (the cache key of what reads it):
    the sum over the area's stripes (crm_core.data_areas)."""

    __tablename__ = "data_versions"

    area: Mapped[str] = mapped_column(String(20), primary_key=True)
    stripe: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class SourceIdentity(Base):
    """Where an imported record came from: another CRM's object and id -> our table and id.

    Generic like task links (no foreign key on record_id): the delete services remove a deleted
    record's rows, and the importer ignores (and re-points) any whose record is gone.
    """

    __tablename__ = "source_identities"
    __table_args__ = (
        Index("ix_source_identities_record", "record_table", "record_id"),
    )

    source_system: Mapped[str] = mapped_column(String(40), primary_key=True)
    source_object: Mapped[str] = mapped_column(String(80), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    record_table: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = _created_at()


class AccessGrant(Base):
    """Which access role a signed-in email has in this app (granted by an admin)."""

    __tablename__ = "access_grants"
    __table_args__ = (CheckConstraint(_in("access_role", vocab.ACCESS_ROLES), name="access_role"),
                      CheckConstraint("email = lower(email)", name="email_lower"))

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    access_role: Mapped[str] = mapped_column(String(20))
    granted_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = _created_at()


class StageRequiredRole(Base):
    """Setting: a MEDDPICC role that opportunities in this stage must have covered."""

    __tablename__ = "stage_required_roles"
    __table_args__ = (
        CheckConstraint(_in("stage", vocab.STAGES), name="stage"),
        CheckConstraint(_in("meddpicc_role", vocab.MEDDPICC_ROLES), name="meddpicc_role"),
    )

    stage: Mapped[str] = mapped_column(String(30), primary_key=True)
    meddpicc_role: Mapped[str] = mapped_column(String(30), primary_key=True)
    created_at: Mapped[datetime] = _created_at()


class AppSetting(Base):
    """Setting: one named value an admin sets (e.g. the stale threshold); absent means default."""

    __tablename__ = "app_settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ScorecardEntry(Base):
    """A manager's assessment of one recorded MEDDPICC element of an opportunity."""

    __tablename__ = "meddpicc_scorecard_entries"
    __table_args__ = (
        CheckConstraint(_in("element", vocab.Vocabulary(
            "recorded", [t for t in vocab.SCORECARD_ELEMENTS.terms
                         if t.value in vocab.RECORDED_SCORECARD_ELEMENTS])), name="element"),
        CheckConstraint(_in("status", vocab.SCORECARD_STATUSES), name="status"),
    )

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True)
    element: Mapped[str] = mapped_column(String(30), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_by: Mapped[str] = mapped_column(String(320))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Snapshot(Base):
    """The headline figures of one scope on one day, taken once and never rewritten.

    Days without a row are gaps in a trend, never filled in. `synthetic` marks the demo
    history the seed writes before the first real snapshot.
    """

    __tablename__ = "snapshots"

    # (scope, day): a scope's trend is one range of the primary key.
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    stakeholders: Mapped[int] = mapped_column(Integer)
    owned: Mapped[int] = mapped_column(Integer)
    orphaned: Mapped[int] = mapped_column(Integer)
    orphaned_owner_departed: Mapped[int] = mapped_column(Integer)
    single_owner: Mapped[int] = mapped_column(Integer)
    off_account_team: Mapped[int] = mapped_column(Integer)
    open_deals: Mapped[int] = mapped_column(Integer)
    gated_deals: Mapped[int] = mapped_column(Integer)
    fully_covered: Mapped[int] = mapped_column(Integer)
    value_at_risk: Mapped[float] = mapped_column(Money)
    weighted_value_at_risk: Mapped[float] = mapped_column(Money)
    single_threaded: Mapped[int] = mapped_column(Integer)
    overdue_tasks: Mapped[int] = mapped_column(Integer)
    due_soon_tasks: Mapped[int] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(default=False, server_default=false())
    taken_at: Mapped[datetime] = _created_at()


class GapPlanStep(Base):
    """A step of a gap plan: the task (a step of a sequence) that works towards closing one
    MEDDPICC gap (a required role) of an opportunity."""

    __tablename__ = "gap_plan_steps"
    __table_args__ = (
        CheckConstraint(_in("meddpicc_role", vocab.MEDDPICC_ROLES), name="meddpicc_role"),
        Index("ix_gap_plan_steps_gap", "opportunity_id", "meddpicc_role"),
    )

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"))
    meddpicc_role: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = _created_at()


ENTITY_MODELS: dict[str, type[Base]] = {
    "company": Company,
    "opportunity": Opportunity,
    "stakeholder": Stakeholder,
    "user": User,
}
