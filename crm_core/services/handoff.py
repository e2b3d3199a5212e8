"""Bulk handoff: move a user's stakeholder relationships (and optionally team seats) to another.

`preview_handoff` says exactly what would move; `hand_off` moves exactly that, and refuses when
the set changed since the preview (its fingerprint no longer matches).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import validation
from crm_core.access import Actor, Permission
from crm_core.errors import Conflict, ValidationError
from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    Stakeholder,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    Task,
    TaskEntity,
    User,
)
from crm_core.services._common import get_or_raise, lock_in_order
from crm_core.services._handoff_moves import (
    chunks,
    move_owners,
    move_seats,
    move_tasks,
    receiver_had,
    record_handoff,
)
from crm_core.services.handover_task import create_handover_task as _create_task
from crm_core.services.people import refuse_departed
from crm_core.vocab import OPEN_STAGES, UNFINISHED_TASK_STATUSES


@dataclass(frozen=True)
class HandoffPreview:
    """What a handoff moves: stakeholders, account and opportunity seats, open tasks."""

    from_user_id: int
    to_user_id: int
    from_user: str
    to_user: str
    stakeholders: pd.DataFrame      # stakeholder_id, stakeholder, job_title, company, receiver_owns
    companies: pd.DataFrame         # company_id, company, stakeholders, account_seat_moves
    opportunities: pd.DataFrame     # opportunity_id, opportunity, company, stage, value, seat_moves
    tasks: pd.DataFrame             # task_id, description, due_date, status
    account_seat_company_ids: tuple[int, ...]
    opportunity_seat_ids: tuple[int, ...]
    fingerprint: str

    @property
    def stakeholder_ids(self) -> tuple[int, ...]:
        return tuple(int(i) for i in self.stakeholders["stakeholder_id"])

    @property
    def task_ids(self) -> tuple[int, ...]:
        return tuple(int(i) for i in self.tasks["task_id"])

    @property
    def is_empty(self) -> bool:
        return not (len(self.stakeholders) or self.account_seat_company_ids
                    or self.opportunity_seat_ids)


@dataclass(frozen=True)
class HandoffResult:
    """What a handoff moved."""

    stakeholders: int
    account_seats: int
    opportunity_seats: int
    tasks: int
    handover_task_id: int | None


def _owned_ids(session: Session, user_id: int, only: set[int] | None) -> list[int]:
    stmt = select(StakeholderRelationshipOwner.stakeholder_id).where(
        StakeholderRelationshipOwner.user_id == user_id)
    owned = set(session.scalars(stmt))
    if only is None:
        return sorted(owned)
    not_owned = sorted(only - owned)
    if not_owned:
        raise ValidationError("The user does not own the relationship with stakeholder id "
                              f"{', '.join(map(str, not_owned))}.", field="stakeholder_ids")
    return sorted(only)


def _frame(session: Session, stmt, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)


def _fingerprint(*parts: Iterable[int]) -> str:
    payload = json.dumps([sorted(int(i) for i in part) for part in parts])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def preview_handoff(session: Session, *, from_user_id: int, to_user_id: int,
                    stakeholder_ids: Iterable[int] | None = None,
                    include_team_seats: bool = False) -> HandoffPreview:
    """Exactly what handing `from_user_id`'s relationships to `to_user_id` would move."""
    if from_user_id == to_user_id:
        raise ValidationError("Pick a different user to receive the handoff.", field="to_user_id")
    giver = get_or_raise(session, User, from_user_id)
    receiver = get_or_raise(session, User, to_user_id)
    refuse_departed(session, [to_user_id], field="to_user_id")
    only = None if stakeholder_ids is None else {
        validation.identifier(i, field="stakeholder_ids", label="Stakeholder")
        for i in stakeholder_ids}
    moved = _owned_ids(session, from_user_id, only)
    rows = []
    for chunk in chunks(moved):
        receiver_owns = select(StakeholderRelationshipOwner.stakeholder_id).where(
            StakeholderRelationshipOwner.user_id == to_user_id)
        rows += session.execute(
            select(Stakeholder.id, Stakeholder.name, Stakeholder.job_title, Stakeholder.company_id,
                   Company.name, Stakeholder.id.in_(receiver_owns))
            .join(Company, Company.id == Stakeholder.company_id)
            .where(Stakeholder.id.in_(chunk))).all()
    stakeholders = pd.DataFrame(rows, columns=["stakeholder_id", "stakeholder", "job_title",
                                               "company_id", "company", "receiver_owns"])
    stakeholders = stakeholders.sort_values(["company", "stakeholder"], ignore_index=True)

    seat_filter = []
    if only is not None:  # a subset hands off the seats at those stakeholders' companies only
        seat_filter = [CompanyAccountTeam.company_id.in_(set(stakeholders["company_id"]) or {0})]
    account_seats = sorted(session.scalars(select(CompanyAccountTeam.company_id).where(
        CompanyAccountTeam.user_id == from_user_id, *seat_filter))) if include_team_seats else []
    opp_filter = [] if only is None else [
        Opportunity.company_id.in_(set(stakeholders["company_id"]) or {0})]
    opportunity_seats = sorted(session.scalars(
        select(OpportunityAccountTeam.opportunity_id)
        .join(Opportunity, Opportunity.id == OpportunityAccountTeam.opportunity_id)
        .where(OpportunityAccountTeam.user_id == from_user_id, *opp_filter))
    ) if include_team_seats else []

    company_ids = set(stakeholders["company_id"]) | set(account_seats)
    per_company = stakeholders.groupby("company_id").size()
    companies = _frame(session, select(Company.id, Company.name)
                       .where(Company.id.in_(company_ids or {0})).order_by(Company.name),
                       ["company_id", "company"])
    companies["stakeholders"] = [int(per_company.get(c, 0)) for c in companies["company_id"]]
    companies["account_seat_moves"] = companies["company_id"].isin(account_seats)

    opportunities = _affected_opportunities(session, moved, opportunity_seats, account_seats)

    tasks = _affected_tasks(session, from_user_id, moved, list(opportunities["opportunity_id"]),
                            account_seats)
    return HandoffPreview(
        from_user_id=from_user_id, to_user_id=to_user_id, from_user=giver.name,
        to_user=receiver.name, stakeholders=stakeholders, companies=companies,
        opportunities=opportunities, tasks=tasks,
        account_seat_company_ids=tuple(account_seats),
        opportunity_seat_ids=tuple(opportunity_seats),
        fingerprint=_fingerprint(moved, account_seats, opportunity_seats, tasks["task_id"]))


def _affected_opportunities(session: Session, stakeholder_ids: list[int],
                            opportunity_seats: list[int], account_seats: list[int]
                            ) -> pd.DataFrame:
    """The open opportunities a handoff touches: those linked to a stakeholder that moves,
    those whose seat moves, and those of the companies whose account seat moves. The same rule
    at any size: the ids are read in chunks, never replaced by a broader rule."""
    ids = set(opportunity_seats)
    for chunk in chunks(stakeholder_ids):
        ids.update(session.scalars(select(StakeholderOpportunity.opportunity_id).where(
            StakeholderOpportunity.stakeholder_id.in_(chunk))))
    for chunk in chunks(account_seats):
        ids.update(session.scalars(select(Opportunity.id).where(
            Opportunity.company_id.in_(chunk))))
    seats = set(opportunity_seats)
    rows = []
    for chunk in chunks(sorted(ids)):
        rows += session.execute(
            select(Opportunity.id, Opportunity.name, Company.name, Opportunity.stage,
                   Opportunity.value)
            .join(Company, Company.id == Opportunity.company_id)
            .where(Opportunity.id.in_(chunk), Opportunity.stage.in_(OPEN_STAGES))).all()
    frame = pd.DataFrame([(*row, row[0] in seats) for row in rows],
                         columns=["opportunity_id", "opportunity", "company", "stage", "value",
                                  "seat_moves"])
    return frame.sort_values(["company", "opportunity", "opportunity_id"], ignore_index=True)


def _affected_tasks(session: Session, user_id: int, stakeholder_ids: list[int],
                    opportunity_ids: list[int], company_ids: list[int]) -> pd.DataFrame:
    """Open tasks linked to the giver AND to a stakeholder, opportunity or seat that moves."""
    linked = []
    for entity_type, ids in (("stakeholder", stakeholder_ids), ("opportunity", opportunity_ids),
                             ("company", company_ids)):
        for chunk in chunks(ids):
            linked += session.scalars(select(TaskEntity.task_id).where(
                TaskEntity.entity_type == entity_type, TaskEntity.entity_id.in_(chunk)))
    mine = select(TaskEntity.task_id).where(TaskEntity.entity_type == "user",
                                            TaskEntity.entity_id == user_id)
    rows = []
    for chunk in chunks(sorted(set(linked))):
        rows += session.execute(
            select(Task.id, Task.description, Task.due_date, Task.status)
            .where(Task.id.in_(chunk), Task.id.in_(mine),
                   Task.status.in_(UNFINISHED_TASK_STATUSES))).all()
    frame = pd.DataFrame(rows, columns=["task_id", "description", "due_date", "status"])
    return frame.sort_values(["due_date", "task_id"], na_position="last", ignore_index=True)


def hand_off(session: Session, *, actor: Actor, from_user_id: int, to_user_id: int,
             seen_preview: str, stakeholder_ids: Iterable[int] | None = None,
             include_team_seats: bool = False, create_handover_task: bool = False,
             due_date: date | str | None = None) -> HandoffResult:
    """Move exactly what the preview with fingerprint `seen_preview` showed, in one transaction."""
    actor.require(Permission.EDIT)
    due = validation.a_date(due_date, field="due_date", label="Due date")
    get_or_raise(session, User, from_user_id, for_update=True)  # one handoff of a user at a time
    only = None if stakeholder_ids is None else list(stakeholder_ids)
    arguments = {"from_user_id": from_user_id, "to_user_id": to_user_id,
                 "stakeholder_ids": only, "include_team_seats": include_team_seats}
    moving = preview_handoff(session, **arguments)
    # Lock the records whose sets change, as the single-record services do, then look again:
    # nothing can change under the move any more.
    lock_in_order(session, Stakeholder, moving.stakeholder_ids)
    lock_in_order(session, Company, moving.account_seat_company_ids)
    lock_in_order(session, Opportunity, moving.opportunity_seat_ids)
    preview = preview_handoff(session, **arguments)
    if preview.fingerprint != seen_preview:
        raise Conflict(f"What {preview.from_user} hands off changed since the preview (now "
                       f"{len(preview.stakeholders)} stakeholder relationship(s), "
                       f"{len(preview.account_seat_company_ids)} account team seat(s), "
                       f"{len(preview.opportunity_seat_ids)} opportunity team seat(s), "
                       f"{len(preview.tasks)} open task(s)). Review the new preview, then "
                       "confirm again.")
    if preview.is_empty:
        raise ValidationError(f"{preview.from_user} has nothing to hand off.",
                              field="stakeholder_ids")
    events: list[dict] = []
    had = receiver_had(session, preview)
    move_owners(session, preview, events)
    opportunity_seats = move_seats(session, preview, events)
    move_tasks(session, preview)
    task_id = None
    if create_handover_task:
        task_id = _create_task(session, actor=actor, preview=preview, due_date=due)
    record_handoff(session, actor, preview, events, task_id, had)
    return HandoffResult(stakeholders=len(preview.stakeholders),
                         account_seats=len(preview.account_seat_company_ids),
                         opportunity_seats=opportunity_seats, tasks=len(preview.tasks),
                         handover_task_id=task_id)
