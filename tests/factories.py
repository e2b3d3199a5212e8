"""Test factories: build hand-made datasets row by row (straight into the ORM, no services).

Each helper returns the new row; ids are what the database gives, so tests refer to rows by
the objects they built, and state their expected answers by name.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from itertools import count

from sqlalchemy.orm import Session

from crm_core.access import Actor
from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    Region,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    Task,
    TaskEntity,
    User,
)
from crm_core.vocab import default_probability

ADMIN = Actor(email="admin@example.com", role="admin", name="Ada Admin")
MANAGER = Actor(email="manager@example.com", role="manager", name="Max Manager")
VIEWER = Actor(email="viewer@example.com", role="viewer", name="Vera Viewer")

_serial = count(1)
TODAY = date.today()


def add_user(session: Session, name: str, *, email: str | None = None,
             job_title: str | None = "Account Executive", manager: User | None = None,
             region: Region | None = None, departed_on: date | None = None) -> User:
    user = User(name=name, email=email or f"{name.lower().replace(' ', '.')}@ourco.example",
                job_title=job_title, manager_id=manager.id if manager else None,
                region_id=region.id if region else None, departed_on=departed_on)
    session.add(user)
    session.flush()
    return user


def add_region(session: Session, name: str) -> Region:
    region = Region(name=name)
    session.add(region)
    session.flush()
    return region


def add_company(session: Session, name: str, *, industry: str | None = "Software",
                website: str | None = None, team: Iterable[User] = ()) -> Company:
    company = Company(name=name, industry=industry, website=website)
    session.add(company)
    session.flush()
    for user in team:
        session.add(CompanyAccountTeam(user_id=user.id, company_id=company.id))
    session.flush()
    return company


def add_stakeholder(session: Session, company: Company, name: str, *,
                    roles: Iterable[str] = (), owners: Iterable[User] = (),
                    job_title: str | None = "Director", email: str | None = None,
                    phone: str | None = None) -> Stakeholder:
    stakeholder = Stakeholder(
        name=name, company_id=company.id, job_title=job_title, phone=phone,
        email=email or f"{name.lower().replace(' ', '.')}.{next(_serial)}@customer.example")
    session.add(stakeholder)
    session.flush()
    for role in roles:
        session.add(StakeholderMeddpiccRole(stakeholder_id=stakeholder.id, meddpicc_role=role))
    for user in owners:
        session.add(StakeholderRelationshipOwner(stakeholder_id=stakeholder.id, user_id=user.id))
    session.flush()
    return stakeholder


def add_opportunity(session: Session, company: Company, name: str, *, value: float = 10_000,
                    stage: str = "qualification", probability: int | None = None,
                    close_in_days: int = 30, stakeholders: Iterable[Stakeholder] = (),
                    added_team: Iterable[User] = ()) -> Opportunity:
    opportunity = Opportunity(
        name=name, company_id=company.id, value=value, stage=stage,
        probability=default_probability(stage) if probability is None else probability,
        expected_close_date=TODAY + timedelta(days=close_in_days))
    session.add(opportunity)
    session.flush()
    for stakeholder in stakeholders:
        session.add(StakeholderOpportunity(stakeholder_id=stakeholder.id,
                                           opportunity_id=opportunity.id))
    for user in added_team:
        session.add(OpportunityAccountTeam(user_id=user.id, opportunity_id=opportunity.id))
    session.flush()
    return opportunity


def add_task(session: Session, description: str, *, due_in_days: int | None = 7,
             status: str = "open", priority: str = "medium", task_type: str = "task",
             next_step_type: str | None = None, parent: Task | None = None,
             sequence_order: int | None = None, dependency_type: str = "none",
             links: Iterable[tuple[str, int]] = (),
             completed_at: datetime | None = None) -> Task:
    task = Task(description=description, priority=priority, status=status, task_type=task_type,
                next_step_type=next_step_type,
                due_date=None if due_in_days is None else TODAY + timedelta(days=due_in_days),
                parent_task_id=parent.id if parent else None, sequence_order=sequence_order,
                dependency_type=dependency_type,
                completed_at=completed_at or (datetime.now() if status == "done" else None))
    session.add(task)
    session.flush()
    for entity_type, entity_id in links:
        session.add(TaskEntity(task_id=task.id, entity_type=entity_type, entity_id=entity_id))
    session.flush()
    return task


def add_touch(session: Session, owner: User, stakeholder: Stakeholder, *, days_ago: int,
              status: str = "done", links: Iterable[tuple[str, int]] | None = None) -> Task:
    """A task linked to the owner and the stakeholder, completed at noon `days_ago` days ago
    (when done): a touch of that ownership. `links` replaces the two links when given."""
    return add_task(
        session, f"Call {stakeholder.name}", due_in_days=-days_ago, status=status,
        links=[("stakeholder", stakeholder.id), ("user", owner.id)] if links is None else links,
        completed_at=(datetime.combine(TODAY - timedelta(days=days_ago), time(12))
                      if status == "done" else None))


def zip_of(files: dict[str, str | bytes]) -> bytes:
    """A ZIP archive holding the files (name -> content), as an upload would bring it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
