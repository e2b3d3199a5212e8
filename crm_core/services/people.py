"""People in the sales organisation: each user's manager (no cycles), region, and departure.

A departed user keeps their history (ownerships, seats, tasks, audit) but cannot sign in and is
refused as a new owner, team member or manager (`refuse_departed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import ValidationError
from crm_core.models import Region, User
from crm_core.queries.scope import team_cte
from crm_core.services._common import check_not_stale, get_or_raise


def refuse_departed(session: Session, user_ids: Iterable[int], *, field: str = "user_id") -> None:
    """Raise ValidationError when any of these users has departed (they take nothing new)."""
    ids = list(user_ids)
    if not ids:
        return
    gone = session.execute(select(User.name, User.departed_on).where(
        User.id.in_(ids), User.departed_on.is_not(None)).order_by(User.name)).first()
    if gone is not None:
        raise ValidationError(f"{gone.name} departed on {gone.departed_on:%Y-%m-%d} and cannot "
                              "take new relationships or team seats.", field=field)


def _user_to_change(session: Session, actor: Actor, user_id: int,
                    seen_version: int | None) -> User:
    """The user, locked, once the actor may edit and the form is not stale."""
    actor.require(Permission.EDIT)
    user = get_or_raise(session, User, user_id, for_update=True)
    check_not_stale(session, user, "user", seen_version)
    return user


def _change(session: Session, actor: Actor, user: User, action: str, summary: str,
            **after: Any) -> User:
    before = {name: getattr(user, name) for name in after}
    for name, value in after.items():
        setattr(user, name, value)
    session.flush()
    audit.record(session, actor, action, "user", user.id, summary=summary, before=before,
                 after=after)
    return user


def set_manager(session: Session, *, actor: Actor, user_id: int, manager_id: int | None,
                seen_version: int | None = None) -> User:
    """Make manager_id the user's manager (None: nobody). A reporting line never loops: the
    manager may not be the user or anyone below them (checked in SQL over the whole line)."""
    user = _user_to_change(session, actor, user_id, seen_version)
    manager = None
    if manager_id is not None:
        manager_id = validation.identifier(manager_id, field="manager_id", label="Manager")
        if manager_id == user.id:
            raise ValidationError(f"{user.name} cannot be their own manager.", field="manager_id")
        manager = get_or_raise(session, User, manager_id)
        refuse_departed(session, [manager_id], field="manager_id")
        team = team_cte(user.id)
        if session.scalar(select(exists().where(team.c.user_id == manager_id))):
            raise ValidationError(
                f"{manager.name} reports to {user.name} (directly or through others), so "
                f"{manager.name} cannot also be {user.name}'s manager: the reporting line "
                "would go round in a circle.", field="manager_id")
    summary = (f"{user.name} now reports to {manager.name}" if manager
               else f"{user.name} no longer has a manager")
    return _change(session, actor, user, "user.manager_set", summary, manager_id=manager_id)


def set_region(session: Session, *, actor: Actor, user_id: int, region_id: int | None,
               seen_version: int | None = None) -> User:
    """Put the user in a region (None: no region)."""
    user = _user_to_change(session, actor, user_id, seen_version)
    region = None
    if region_id is not None:
        region_id = validation.identifier(region_id, field="region_id", label="Region")
        region = get_or_raise(session, Region, region_id)
    summary = (f"{user.name} is now in the region {region.name}" if region
               else f"{user.name} is in no region")
    return _change(session, actor, user, "user.region_set", summary, region_id=region_id)


def place_user(session: Session, *, actor: Actor, user_id: int, manager_id: int | None,
               region_id: int | None, seen_version: int | None = None) -> User:
    """Set the user's manager and region together (one transaction; each change audited)."""
    user = _user_to_change(session, actor, user_id, seen_version)
    if manager_id != user.manager_id:
        set_manager(session, actor=actor, user_id=user_id, manager_id=manager_id)
    if region_id != user.region_id:
        set_region(session, actor=actor, user_id=user_id, region_id=region_id)
    return user


def mark_departed(session: Session, *, actor: Actor, user_id: int, departed_on: Any,
                  seen_version: int | None = None) -> User:
    """Mark the user departed on that date (not in the future). Their relationships stay theirs
    until handed off: a stakeholder only they own becomes orphaned (owner departed)."""
    user = _user_to_change(session, actor, user_id, seen_version)
    day = validation.a_date(departed_on, field="departed_on", label="Departure date",
                            required=True)
    if day > date.today():
        raise ValidationError("The departure date cannot be in the future; mark the user "
                              "departed on their last day or after.", field="departed_on")
    return _change(session, actor, user, "user.departed", f"{user.name} departed on {day}",
                   departed_on=day)


def mark_returned(session: Session, *, actor: Actor, user_id: int,
                  seen_version: int | None = None) -> User:
    """Undo a departure: the user can sign in and take relationships again."""
    user = _user_to_change(session, actor, user_id, seen_version)
    if user.departed_on is None:
        raise ValidationError(f"{user.name} has not departed.", field="departed_on")
    return _change(session, actor, user, "user.returned", f"{user.name} is back",
                   departed_on=None)

