"""Undo a whole handoff from the history: every relationship, seat and task link goes back to
the giver, and what the receiver held before stays with them. Refused, naming what changed,
when a moved record has changed since (a later write on it is in the audit trail)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm_core import audit
from crm_core.access import Actor, Permission
from crm_core.errors import Conflict, NotFound, ValidationError
from crm_core.models import (
    AuditEvent,
    CompanyAccountTeam,
    OpportunityAccountTeam,
    StakeholderRelationshipOwner,
    Task,
    TaskEntity,
    User,
)
from crm_core.queries.handoff_history import HANDOFF, UNDONE
from crm_core.services._common import get_or_raise, insert_ignoring_duplicates
from crm_core.services._handoff_moves import chunks
from crm_core.services.task_status import cancel_task
from crm_core.vocab import UNFINISHED_TASK_STATUSES


@dataclass(frozen=True)
class UndoResult:
    from_user: str
    to_user: str
    stakeholders: int
    account_seats: int
    opportunity_seats: int
    tasks: int


def _moved(after: dict) -> list[tuple[str, list[int]]]:
    """(entity type in the audit trail, ids) of every record the handoff moved."""
    return [("stakeholder", after["stakeholder_ids"]),
            ("company", after["account_team_company_ids"]),
            ("opportunity", after["opportunity_team_opportunity_ids"]),
            ("task", after["task_ids"])]


def _refuse_if_changed(session: Session, event: AuditEvent) -> None:
    later = []
    for entity_type, ids in _moved(event.after):
        for chunk in chunks(ids):
            later += session.execute(
                select(AuditEvent.id, AuditEvent.summary, AuditEvent.actor_email,
                       AuditEvent.occurred_at)
                .where(AuditEvent.id > event.id, AuditEvent.entity_type == entity_type,
                       AuditEvent.entity_id.in_(chunk))
                .order_by(AuditEvent.id).limit(3)).all()
    if later:
        first = min(later)
        raise Conflict(f"This handoff cannot be undone: {len(later)}+ record(s) it moved changed "
                       f"since, e.g. \"{first.summary}\" by {first.actor_email} at "
                       f"{first.occurred_at:%Y-%m-%d %H:%M} UTC. Undoing would overwrite that "
                       "change; move those records back by hand instead.")


def _swap(session: Session, model, column: str, ids: list[int], *, giver: int, receiver: int,
          keep: set[int], extra: dict | None = None) -> None:
    """Give each record back to the giver; take it from the receiver unless they had it."""
    user_column = "entity_id" if model is TaskEntity else "user_id"
    extra = extra or {}
    for chunk in chunks(ids):
        insert_ignoring_duplicates(session, model, [
            {column: i, user_column: giver, **extra} for i in chunk])
        drop = [i for i in chunk if i not in keep]
        if drop:
            session.execute(delete(model).where(
                getattr(model, column).in_(drop), getattr(model, user_column) == receiver,
                *(getattr(model, k) == v for k, v in extra.items())))


def undo_handoff(session: Session, *, actor: Actor, event_id: int) -> UndoResult:
    """Put everything the handoff recorded in audit event `event_id` back as it was."""
    actor.require(Permission.EDIT)
    event = session.get(AuditEvent, event_id)
    if event is None or event.action != HANDOFF:
        raise NotFound(f"No handoff with history entry {event_id}.")
    after = event.after or {}
    if "receiver_had" not in after:
        raise ValidationError("This handoff was recorded before handoffs could be undone; "
                              "hand the relationships back instead.")
    giver = get_or_raise(session, User, event.entity_id, for_update=True)
    receiver = get_or_raise(session, User, after["to_user_id"])
    undone = session.scalars(select(AuditEvent.after).where(
        AuditEvent.action == UNDONE, AuditEvent.entity_type == "user",
        AuditEvent.entity_id == giver.id, AuditEvent.id > event.id)).all()
    if any((a or {}).get("handoff_event_id") == event.id for a in undone):
        raise Conflict("This handoff was undone already.")
    _refuse_if_changed(session, event)
    had = after["receiver_had"]
    ids = {"giver": giver.id, "receiver": receiver.id}
    _swap(session, StakeholderRelationshipOwner, "stakeholder_id", after["stakeholder_ids"],
          keep=set(had.get("stakeholder_ids", [])), **ids)
    _swap(session, CompanyAccountTeam, "company_id", after["account_team_company_ids"],
          keep=set(had.get("account_team_company_ids", [])), **ids)
    stored = set(after.get("stored_opportunity_seat_ids", []))
    seats = after["opportunity_team_opportunity_ids"]
    _swap(session, OpportunityAccountTeam, "opportunity_id", seats,
          keep={i for i in seats if i not in stored}, **ids)
    _swap(session, TaskEntity, "task_id", after["task_ids"], keep=set(had.get("task_ids", [])),
          extra={"entity_type": "user"}, **ids)
    handover = after.get("handover_task_id")
    if handover and session.scalar(select(Task.status).where(Task.id == handover)) in \
            UNFINISHED_TASK_STATUSES:
        cancel_task(session, actor=actor, task_id=handover, reason="The handoff was undone.")
    result = UndoResult(giver.name, receiver.name, len(after["stakeholder_ids"]),
                        len(after["account_team_company_ids"]), len(seats),
                        len(after["task_ids"]))
    for entity_type, moved in _moved(after):   # each moved record's history says so
        for i in moved:
            audit.record(session, actor, "handoff.undone", entity_type, i,
                         summary=f"Handoff from {giver.name} to {receiver.name} undone")
    audit.record(session, actor, UNDONE, "user", giver.id,
                 summary=f"Undid the handoff of {result.stakeholders} relationship(s) from "
                         f"{giver.name} to {receiver.name}",
                 after={"handoff_event_id": event.id})
    return result
