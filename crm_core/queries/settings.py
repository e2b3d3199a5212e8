"""Settings read side: which MEDDPICC roles each stage requires."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import StageRequiredRole
from crm_core.vocab import MEDDPICC_ROLES, STAGES


def required_roles(session: Session) -> dict[str, tuple[str, ...]]:
    """{stage: required MEDDPICC roles in vocabulary order} for every stage (empty if none)."""
    held: dict[str, set[str]] = {}
    for stage, role in session.execute(select(StageRequiredRole.stage,
                                              StageRequiredRole.meddpicc_role)):
        held.setdefault(stage, set()).add(role)
    return {stage: tuple(r for r in MEDDPICC_ROLES if r in held.get(stage, ()))
            for stage in STAGES}
