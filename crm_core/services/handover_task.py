"""The handover task a bulk handoff can leave for the receiver (through the task service)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from crm_core.access import Actor, Permission
from crm_core.services.tasks import create_task

if TYPE_CHECKING:
    from crm_core.services.handoff import HandoffPreview

MAX_COMPANIES_NAMED = 3


def handover_description(preview: HandoffPreview) -> str:
    """'Take over 12 stakeholder relationships from Alice Archer (Acme Corp, Globex, +1 more)'."""
    names = list(preview.companies["company"])
    shown = ", ".join(names[:MAX_COMPANIES_NAMED])
    more = f", +{len(names) - MAX_COMPANIES_NAMED} more" if len(names) > MAX_COMPANIES_NAMED else ""
    parts = [f"{len(preview.stakeholders)} stakeholder relationship(s)"]
    seats = len(preview.account_seat_company_ids) + len(preview.opportunity_seat_ids)
    if seats:
        parts.append(f"{seats} team seat(s)")
    where = f" ({shown}{more})" if names else ""
    return f"Handover: take over {' and '.join(parts)} from {preview.from_user}{where}"


def create_handover_task(session: Session, *, actor: Actor, preview: HandoffPreview,
                         due_date: date | None) -> int:
    """An open, high-priority task linked to the receiver and the companies affected (created
    by the task service, so it is validated and audited like any other task)."""
    actor.require(Permission.EDIT)
    links = [("user", preview.to_user_id)] + [("company", int(c))
                                              for c in preview.companies["company_id"]]
    task = create_task(session, actor=actor, links=links,
                       description=handover_description(preview), due_date=due_date,
                       priority="high", next_step_type="internal")
    return task.id
