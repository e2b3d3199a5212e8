"""The audit trail: every write service records one event in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from crm_core.access import Actor
from crm_core.data_areas import note_writes
from crm_core.models import AuditEvent, Base


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(record: Base, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The record's column values as JSON-ready data (for before/after)."""
    columns = fields or tuple(c.key for c in inspect(record).mapper.column_attrs)
    return {name: _jsonable(getattr(record, name)) for name in columns}


def record(session: Session, actor: Actor, action: str, entity_type: str,
           entity_id: int | None, *, summary: str = "", before: dict | None = None,
           after: dict | None = None) -> AuditEvent:
    """Add an audit event to the session's transaction (and bump its data areas at commit)."""
    note_writes(session, (action,))
    event = AuditEvent(actor_email=actor.email, actor_role=actor.role, action=action,
                       entity_type=entity_type, entity_id=entity_id, summary=summary,
                       before=_clean(before), after=_clean(after))
    session.add(event)
    session.flush()
    return event


def _clean(data: dict | None) -> dict | None:
    return None if data is None else {k: _jsonable(v) for k, v in data.items()}
