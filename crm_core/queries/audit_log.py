"""The audit trail as people read it: who changed what, when, before → after (paginated in SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.models import AuditEvent

ACCESS_EVENTS = "access_grant"  # the entity type of grants' audit events
COLUMNS = ["id", "when", "who", "action", "entity_type", "entity_id", "summary", "changes"]
# Keys of before/after that only repeat what the summary already says.
_QUIET_KEYS = {"version", "created_at", "id"}


@dataclass(frozen=True)
class AuditPage:
    """One page of audit events (newest first) and how many match in all."""

    events: pd.DataFrame
    total: int


def _as_datetime(value: date | datetime | None, *, end: bool) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    # A date as an upper bound means "up to the end of that day".
    return datetime.combine(value + timedelta(days=1), time()) if end else \
        datetime.combine(value, time())


def _short(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return f"{len(value)} item(s)" if len(value) > 5 else ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_changes(before: dict | None, after: dict | None) -> str:
    """'name: Acme → Acme Corp; value: 100 → 120' (fields that differ; one side for adds)."""
    before, after = before or {}, after or {}
    keys = [k for k in {**before, **after} if k not in _QUIET_KEYS]
    if before and after:
        keys = [k for k in keys if before.get(k) != after.get(k)]
        return "; ".join(f"{k}: {_short(before.get(k))} → {_short(after.get(k))}" for k in keys)
    side, arrow = (after, "→ ") if after else (before, "removed: ")
    return arrow + "; ".join(f"{k}: {_short(side[k])}" for k in keys) if keys else ""


def audit_events(session: Session, *, entity_type: str | None = None,
                 entity_id: int | None = None, actor_email: str | None = None,
                 since: date | datetime | None = None, until: date | datetime | None = None,
                 with_access_events: bool = False, limit: int | None = 50,
                 offset: int = 0) -> AuditPage:
    """Audit events matching the filters, newest first, one page of them (limit=None: all)
    and the total.

    Who got which access role is shown only `with_access_events` (to admins).
    """
    conditions = []
    if not with_access_events:
        conditions.append(AuditEvent.entity_type.is_distinct_from(ACCESS_EVENTS))
    if entity_type:
        conditions.append(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        conditions.append(AuditEvent.entity_id == int(entity_id))
    if actor_email:
        conditions.append(func.lower(AuditEvent.actor_email) == actor_email.strip().lower())
    if since is not None:
        conditions.append(AuditEvent.occurred_at >= _as_datetime(since, end=False))
    if until is not None:
        conditions.append(AuditEvent.occurred_at < _as_datetime(until, end=True))
    total = session.scalar(select(func.count(AuditEvent.id)).where(*conditions)) or 0
    rows = session.execute(
        select(AuditEvent.id, AuditEvent.occurred_at, AuditEvent.actor_email, AuditEvent.action,
               AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.summary,
               AuditEvent.before, AuditEvent.after)
        .where(*conditions).order_by(AuditEvent.id.desc())
        .limit(None if limit is None else max(1, int(limit))).offset(max(0, int(offset)))).all()
    frame = pd.DataFrame(
        [(r.id, r.occurred_at, r.actor_email, r.action, r.entity_type, r.entity_id, r.summary,
          describe_changes(r.before, r.after)) for r in rows], columns=COLUMNS)
    frame["entity_id"] = frame["entity_id"].astype("Int64")
    return AuditPage(events=frame, total=int(total))


def audit_actors(session: Session) -> list[str]:
    """Every email that has written something (for the History page's user filter)."""
    email = func.lower(AuditEvent.actor_email)
    return list(session.scalars(select(email).distinct().order_by(email)))
