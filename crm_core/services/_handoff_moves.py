"""The row moves of a bulk handoff (owners, seats, task links) and their audit events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from crm_core.access import Actor
from crm_core.data_areas import note_writes
from crm_core.models import (
    AuditEvent,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    StakeholderRelationshipOwner,
    TaskEntity,
    utcnow,
)
from crm_core.services._common import insert_ignoring_duplicates

if TYPE_CHECKING:
    from crm_core.services.handoff import HandoffPreview

CHUNK = 500


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids in slices small enough for an IN (...) list."""
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _event(action: str, entity_type: str, entity_id: int, summary: str, before: dict | None,
           after: dict | None) -> dict:
    return {"action": action, "entity_type": entity_type, "entity_id": entity_id,
            "summary": summary, "before": before, "after": after}


def receiver_had(session: Session, preview: HandoffPreview) -> dict[str, list[int]]:
    """What of the moving set the receiver held before the move: an undo leaves it with them."""
    receiver = preview.to_user_id
    seats = [c for chunk in chunks(preview.account_seat_company_ids)
             for c in session.scalars(select(CompanyAccountTeam.company_id).where(
                 CompanyAccountTeam.user_id == receiver,
                 CompanyAccountTeam.company_id.in_(chunk)))]
    tasks = [t for chunk in chunks(preview.task_ids)
             for t in session.scalars(select(TaskEntity.task_id).where(
                 TaskEntity.entity_type == "user", TaskEntity.entity_id == receiver,
                 TaskEntity.task_id.in_(chunk)))]
    owned = [int(i) for i in preview.stakeholders.loc[preview.stakeholders["receiver_owns"],
                                                       "stakeholder_id"]]
    return {"stakeholder_ids": sorted(owned), "account_team_company_ids": sorted(seats),
            "task_ids": sorted(tasks)}


def move_owners(session: Session, preview: HandoffPreview, events: list[dict]) -> None:
    giver, receiver = preview.from_user_id, preview.to_user_id
    for chunk in chunks(preview.stakeholder_ids):
        session.execute(delete(StakeholderRelationshipOwner).where(
            StakeholderRelationshipOwner.user_id == giver,
            StakeholderRelationshipOwner.stakeholder_id.in_(chunk)))
        insert_ignoring_duplicates(session, StakeholderRelationshipOwner, [
            {"stakeholder_id": s, "user_id": receiver} for s in chunk])
    for row in preview.stakeholders.itertuples():
        sid = int(row.stakeholder_id)
        events.append(_event(
            "owner.handed_off", "stakeholder", sid,
            f"{preview.to_user} took over the relationship with {row.stakeholder} from "
            f"{preview.from_user} (handoff)",
            {"stakeholder_id": sid, "user_id": giver},
            {"stakeholder_id": sid, "user_id": receiver}))


def move_seats(session: Session, preview: HandoffPreview, events: list[dict]) -> int:
    """Move account and opportunity seats; returns how many opportunity seats were stored."""
    giver, receiver = preview.from_user_id, preview.to_user_id
    names = dict(zip(preview.companies["company_id"], preview.companies["company"], strict=True))
    for company_id in preview.account_seat_company_ids:
        session.execute(delete(CompanyAccountTeam).where(
            CompanyAccountTeam.user_id == giver, CompanyAccountTeam.company_id == company_id))
        insert_ignoring_duplicates(session, CompanyAccountTeam,
                                   [{"company_id": company_id, "user_id": receiver}])
        events.append(_event(
            "account_team.handed_off", "company", company_id,
            f"{preview.to_user} took {preview.from_user}'s seat on the account team of "
            f"{names.get(company_id, company_id)} (handoff)",
            {"company_id": company_id, "user_id": giver},
            {"company_id": company_id, "user_id": receiver}))
    stored = 0
    for opportunity_id in preview.opportunity_seat_ids:
        opportunity = session.get(Opportunity, opportunity_id)
        session.execute(delete(OpportunityAccountTeam).where(
            OpportunityAccountTeam.user_id == giver,
            OpportunityAccountTeam.opportunity_id == opportunity_id))
        inherited = session.scalar(select(CompanyAccountTeam.user_id).where(
            CompanyAccountTeam.company_id == opportunity.company_id,
            CompanyAccountTeam.user_id == receiver)) is not None
        after = None
        if not inherited:  # already on the company team: the opportunity has them, store nothing
            insert_ignoring_duplicates(session, OpportunityAccountTeam,
                                       [{"opportunity_id": opportunity_id, "user_id": receiver}])
            after = {"opportunity_id": opportunity_id, "user_id": receiver}
            stored += 1
        note = " (already on the company team)" if inherited else ""
        events.append(_event(
            "opportunity_team.handed_off", "opportunity", opportunity_id,
            f"{preview.to_user} took {preview.from_user}'s seat on the team of "
            f"{opportunity.name}{note} (handoff)",
            {"opportunity_id": opportunity_id, "user_id": giver}, after))
    return stored


def move_tasks(session: Session, preview: HandoffPreview) -> None:
    for chunk in chunks(preview.task_ids):
        session.execute(delete(TaskEntity).where(
            TaskEntity.entity_type == "user", TaskEntity.entity_id == preview.from_user_id,
            TaskEntity.task_id.in_(chunk)))
        insert_ignoring_duplicates(session, TaskEntity, [
            {"task_id": t, "entity_type": "user", "entity_id": preview.to_user_id}
            for t in chunk])


def record_handoff(session: Session, actor: Actor, preview: HandoffPreview, events: list[dict],
                   task_id: int | None, receiver_had: dict | None = None) -> None:
    """One event per moved relationship or seat, plus one summary on the giver with the lists
    and what the receiver held already (so an undo gives back exactly what moved)."""
    stored = [e["entity_id"] for e in events
              if e["action"] == "opportunity_team.handed_off" and e["after"] is not None]
    summary = _event(
        "user.handed_off", "user", preview.from_user_id,
        f"{preview.from_user} handed off {len(preview.stakeholders)} stakeholder "
        f"relationship(s), {len(preview.account_seat_company_ids)} account team seat(s) and "
        f"{len(preview.opportunity_seat_ids)} opportunity team seat(s) to {preview.to_user}",
        {"user_id": preview.from_user_id},
        {"to_user_id": preview.to_user_id, "stakeholder_ids": list(preview.stakeholder_ids),
         "account_team_company_ids": list(preview.account_seat_company_ids),
         "opportunity_team_opportunity_ids": list(preview.opportunity_seat_ids),
         "task_ids": list(preview.task_ids), "handover_task_id": task_id,
         "stored_opportunity_seat_ids": stored, "receiver_had": receiver_had or {}})
    now = utcnow()
    rows = [{**e, "occurred_at": now, "actor_email": actor.email, "actor_role": actor.role}
            for e in [*events, summary]]
    note_writes(session, (row["action"] for row in rows))
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(AuditEvent), rows[start:start + CHUNK])
