"""Settings read side: which MEDDPICC roles each stage requires; the stale threshold."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import AppSetting, StageRequiredRole
from crm_core.vocab import MEDDPICC_ROLES, STAGES


def required_roles(session: Session) -> dict[str, tuple[str, ...]]:
    """{stage: required MEDDPICC roles in vocabulary order} for every stage (empty if none)."""
    held: dict[str, set[str]] = {}
    for stage, role in session.execute(select(StageRequiredRole.stage,
                                              StageRequiredRole.meddpicc_role)):
        held.setdefault(stage, set()).add(role)
    return {stage: tuple(r for r in MEDDPICC_ROLES if r in held.get(stage, ()))
            for stage in STAGES}


STALE_AFTER_DAYS = "stale_after_days"
DEFAULT_STALE_AFTER_DAYS = 90


def stale_after_days(session: Session) -> int:
    """Days without a touch after which an ownership is stale (the admin setting, default 90)."""
    value = session.scalar(select(AppSetting.value).where(AppSetting.name == STALE_AFTER_DAYS))
    return int(value) if value is not None else DEFAULT_STALE_AFTER_DAYS
