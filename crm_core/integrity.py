"""The integrity check: dangling task links, orphaned rows and task-parent cycles.

The database enforces foreign keys; this catches what it cannot (the generic task link) and
proves that nothing bypassed it. The tests assert it is empty after every write path.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, literal, not_, select
from sqlalchemy.orm import Session, aliased

from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    Task,
    TaskEntity,
    User,
)
from crm_core.vocab import ENTITY_TYPES

_ENTITY_TABLES = {"company": Company, "opportunity": Opportunity, "stakeholder": Stakeholder,
                  "user": User}

# (child model, foreign key column name, parent model)
_FOREIGN_KEYS = [
    (Stakeholder, "company_id", Company),
    (Opportunity, "company_id", Company),
    (StakeholderMeddpiccRole, "stakeholder_id", Stakeholder),
    (StakeholderRelationshipOwner, "stakeholder_id", Stakeholder),
    (StakeholderRelationshipOwner, "user_id", User),
    (CompanyAccountTeam, "user_id", User),
    (CompanyAccountTeam, "company_id", Company),
    (OpportunityAccountTeam, "user_id", User),
    (OpportunityAccountTeam, "opportunity_id", Opportunity),
    (StakeholderOpportunity, "stakeholder_id", Stakeholder),
    (StakeholderOpportunity, "opportunity_id", Opportunity),
    (TaskEntity, "task_id", Task),
]


def integrity_problems(session: Session, *, limit: int = 100) -> list[str]:
    """Every integrity problem found, in words (empty when the database is sound)."""
    return (_dangling_task_links(session, limit) + _orphaned_rows(session, limit)
            + _bad_steps(session, limit) + _parent_cycles(session, limit))


def _dangling_task_links(session: Session, limit: int) -> list[str]:
    problems = []
    for entity_type in ENTITY_TYPES:
        model = _ENTITY_TABLES[entity_type]
        rows = session.execute(
            select(TaskEntity.task_id, TaskEntity.entity_id)
            .where(TaskEntity.entity_type == entity_type,
                   not_(exists().where(model.id == TaskEntity.entity_id)))
            .limit(limit)).all()
        problems += [f"task {r.task_id} links to missing {entity_type} {r.entity_id}"
                     for r in rows]
    return problems


def _orphaned_rows(session: Session, limit: int) -> list[str]:
    problems = []
    for child, column_name, parent in _FOREIGN_KEYS:
        column = getattr(child, column_name)
        rows = session.execute(
            select(column).where(not_(exists().where(parent.id == column))).limit(limit)).all()
        problems += [f"{child.__tablename__}.{column_name} = {r[0]} points at no "
                     f"{parent.__tablename__} row" for r in rows]
    return problems


def _bad_steps(session: Session, limit: int) -> list[str]:
    parent = aliased(Task)
    rows = session.execute(
        select(Task.id, Task.parent_task_id).join(parent, parent.id == Task.parent_task_id)
        .where(parent.task_type != "sequence").limit(limit)).all()
    return [f"task {r.id} is a step of task {r.parent_task_id}, which is not a sequence"
            for r in rows]


def _parent_cycles(session: Session, limit: int) -> list[str]:
    # Walk up from every task with a parent; a walk that returns to its start is a cycle.
    # Depth is bounded so that a cycle cannot make the recursion run forever.
    walk = (select(Task.id.label("start"), Task.parent_task_id.label("current"),
                   literal(1).label("depth"))
            .where(Task.parent_task_id.is_not(None))
            .cte("walk", recursive=True))
    step = aliased(Task)
    walk = walk.union_all(
        select(walk.c.start, step.parent_task_id, walk.c.depth + 1)
        .join(step, step.id == walk.c.current)
        .where(and_(step.parent_task_id.is_not(None), walk.c.current != walk.c.start,
                    walk.c.depth < 64)))
    rows = session.execute(
        select(walk.c.start).where(walk.c.current == walk.c.start).distinct()
        .order_by(walk.c.start).limit(limit)).all()
    return [f"task {r.start} is its own ancestor (parent cycle)" for r in rows]


__all__ = ["integrity_problems"]
