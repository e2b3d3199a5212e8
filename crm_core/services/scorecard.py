"""The MEDDPICC scorecard's recorded elements: a manager's status and note per opportunity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import Conflict, ValidationError
from crm_core.models import Opportunity, ScorecardEntry, utcnow
from crm_core.services._common import get_or_raise
from crm_core.vocab import (
    DERIVED_SCORECARD_ELEMENTS,
    SCORECARD_ELEMENTS,
    SCORECARD_STATUSES,
)

NOTE_MAX_LENGTH = 500
NO_ENTRY = "no entry"
"""What a form passes as `seen_updated_at` when the element had not been recorded yet."""


def record_scorecard_entry(session: Session, *, actor: Actor, opportunity_id: int, element: str,
                           status: str, note: str | None = "",
                           seen_updated_at: datetime | str | None = None) -> ScorecardEntry:
    """Record a manager's status and note for one of the six recorded MEDDPICC elements.

    Refused when the entry is not what the form showed: `seen_updated_at` is the entry's
    updated_at then, or NO_ENTRY when there was none (None: no check, for scripts).
    """
    actor.require(Permission.EDIT)
    element = validation.choice(element, SCORECARD_ELEMENTS, field="element",
                                label="Scorecard element")
    if element in DERIVED_SCORECARD_ELEMENTS:
        raise ValidationError(
            f"{SCORECARD_ELEMENTS.label(element)} is derived from the stakeholders' MEDDPICC "
            "roles and relationship owners, so it cannot be recorded here. Give a linked "
            f"stakeholder the {SCORECARD_ELEMENTS.label(element).lower()} role (and an owner "
            "on the team) instead.", field="element")
    status = validation.choice(status, SCORECARD_STATUSES, field="status", label="Status")
    note = validation.text(note, field="note", label="Note", required=False,
                           max_length=NOTE_MAX_LENGTH) or ""
    opportunity = get_or_raise(session, Opportunity, opportunity_id, for_update=True)
    entry = session.scalars(select(ScorecardEntry).where(
        ScorecardEntry.opportunity_id == opportunity_id, ScorecardEntry.element == element)
        .with_for_update()).one_or_none()
    label = SCORECARD_ELEMENTS.label(element)
    seen = None if seen_updated_at == NO_ENTRY else seen_updated_at
    if seen_updated_at is not None and entry is not None and entry.updated_at != seen:
        raise Conflict(f"{label} of '{opportunity.name}' was changed by {entry.updated_by} at "
                       f"{entry.updated_at:%Y-%m-%d %H:%M} UTC since you opened it (now "
                       f"{SCORECARD_STATUSES.label(entry.status)}). Reload to see it, then "
                       "make your change again.")
    before = None if entry is None else audit.snapshot(entry, ("status", "note"))
    if entry is None:
        entry = ScorecardEntry(opportunity_id=opportunity_id, element=element)
        session.add(entry)
    elif before == {"status": status, "note": note}:
        return entry
    entry.status, entry.note = status, note
    entry.updated_by, entry.updated_at = actor.email, utcnow()
    session.flush()
    audit.record(session, actor, "scorecard.recorded", "opportunity", opportunity_id,
                 summary=f"{label} of '{opportunity.name}': {SCORECARD_STATUSES.label(status)}",
                 before=None if before is None else {"element": element, **before},
                 after={"element": element, "status": status, "note": note})
    return entry
