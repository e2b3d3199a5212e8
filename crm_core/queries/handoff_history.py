"""The latest handoffs, from the audit trail, and whether each was undone since."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import AuditEvent

HANDOFF, UNDONE = "user.handed_off", "user.handoff_undone"   # the audit actions


def recent_handoffs(session: Session, *, limit: int = 10) -> pd.DataFrame:
    """event_id, occurred_at, actor_email, summary, undone: the latest first."""
    rows = session.execute(
        select(AuditEvent.id, AuditEvent.occurred_at, AuditEvent.actor_email,
               AuditEvent.summary, AuditEvent.entity_id)
        .where(AuditEvent.action == HANDOFF).order_by(AuditEvent.id.desc()).limit(limit)).all()
    givers = {r.entity_id for r in rows}
    undone = {(a or {}).get("handoff_event_id") for a in session.scalars(
        select(AuditEvent.after).where(AuditEvent.action == UNDONE,
                                       AuditEvent.entity_type == "user",
                                       AuditEvent.entity_id.in_(givers or {0})))}
    return pd.DataFrame([(r.id, r.occurred_at, r.actor_email, r.summary, r.id in undone)
                         for r in rows],
                        columns=["event_id", "occurred_at", "actor_email", "summary", "undone"])
