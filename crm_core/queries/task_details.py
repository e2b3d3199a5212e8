"""One task up close: its links by name, and which user the signed-in person is ("my tasks")."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.models import TaskEntity, User
from crm_core.queries._task_sql import entity_name
from crm_core.vocab import ENTITY_TYPES


def task_links(session: Session, *, task_id: int) -> pd.DataFrame:
    """The task's links: entity_type, entity_id, name (by type, then name)."""
    type_rank = {t: i for i, t in enumerate(ENTITY_TYPES)}
    rows = session.execute(select(TaskEntity.entity_type, TaskEntity.entity_id, entity_name())
                           .where(TaskEntity.task_id == task_id)).all()
    rows.sort(key=lambda r: (type_rank[r[0]], str(r[2]), r[1]))
    return pd.DataFrame(rows, columns=["entity_type", "entity_id", "name"])


def user_id_for_email(session: Session, *, email: str | None) -> int | None:
    """The user (account team member) with this email, case-insensitively, if any."""
    if not email:
        return None
    return session.scalar(select(User.id).where(func.lower(User.email) == email.strip().lower()))
