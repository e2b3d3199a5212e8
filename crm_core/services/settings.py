"""Settings (admins only): which MEDDPICC roles each open stage requires; the stale threshold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import delete
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import Conflict, ValidationError
from crm_core.models import AppSetting, StageRequiredRole
from crm_core.queries.settings import STALE_AFTER_DAYS, required_roles, stale_after_days
from crm_core.vocab import MEDDPICC_ROLES, OPEN_STAGES, STAGES


def set_required_roles(session: Session, *, actor: Actor, stage: str,
                       meddpicc_roles: Iterable[str]) -> bool:
    """Make exactly these MEDDPICC roles required in an open stage. False if nothing changed."""
    actor.require(Permission.ADMINISTER)
    stage = validation.choice(stage, STAGES, field="stage", label="Stage")
    if stage not in OPEN_STAGES:
        raise ValidationError(f"Stage '{STAGES.label(stage)}' is closed; only open stages "
                              "(where deals can still be won) require MEDDPICC roles.",
                              field="stage")
    if isinstance(meddpicc_roles, str):
        meddpicc_roles = [meddpicc_roles]
    roles = validation.choices(meddpicc_roles, MEDDPICC_ROLES, field="meddpicc_roles",
                               label="MEDDPICC role")
    before = list(required_roles(session)[stage])
    if before == roles:
        return False
    session.execute(delete(StageRequiredRole).where(StageRequiredRole.stage == stage))
    session.add_all(StageRequiredRole(stage=stage, meddpicc_role=r) for r in roles)
    session.flush()
    labels = ", ".join(MEDDPICC_ROLES.label(r) for r in roles) or "no roles"
    audit.record(session, actor, "settings.required_roles", "setting", None,
                 summary=f"{STAGES.label(stage)} now requires {labels}",
                 before={"stage": stage, "meddpicc_roles": before},
                 after={"stage": stage, "meddpicc_roles": roles})
    return True


def update_required_roles(session: Session, *, actor: Actor,
                          requirements: Mapping[str, Iterable[str]]) -> list[str]:
    """Set the required roles of several stages in one transaction; returns the changed stages."""
    actor.require(Permission.ADMINISTER)
    return [stage for stage, roles in requirements.items()
            if set_required_roles(session, actor=actor, stage=stage, meddpicc_roles=roles)]


MAX_STALE_AFTER_DAYS = 3650


def set_stale_after_days(session: Session, *, actor: Actor, days: object,
                         shown_days: int) -> bool:
    """Set the stale threshold in days; refused if it changed since the form showed
    `shown_days`. False if nothing changed."""
    actor.require(Permission.ADMINISTER)
    try:
        number = int(str(days).strip())
    except ValueError:
        raise ValidationError(f"The stale threshold '{days}' is not a whole number of days.",
                              field="days") from None
    if not 1 <= number <= MAX_STALE_AFTER_DAYS:
        raise ValidationError(f"The stale threshold must be between 1 and "
                              f"{MAX_STALE_AFTER_DAYS:,} days, got {number}.", field="days")
    before = stale_after_days(session)
    if before != shown_days:
        raise Conflict(f"Someone changed the stale threshold to {before} days since you opened "
                       "this form; look at it again before saving.")
    if number == before:
        return False
    setting = session.get(AppSetting, STALE_AFTER_DAYS)
    if setting is None:
        session.add(AppSetting(name=STALE_AFTER_DAYS, value=str(number)))
    else:
        setting.value = str(number)
    session.flush()
    audit.record(session, actor, "settings.stale_after_days", "setting", None,
                 summary=f"A relationship is now stale after {number} days without a touch",
                 before={"stale_after_days": before}, after={"stale_after_days": number})
    return True
