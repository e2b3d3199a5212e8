"""Regions (sales territories): created, renamed and deleted by an admin only.

Deleting a region leaves its users in no region (the foreign key sets it to NULL).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import ValidationError
from crm_core.models import Region, User
from crm_core.services._common import check_not_stale, get_or_raise


def _region_name(session: Session, value: object, own_id: int | None) -> str:
    name = validation.text(value, field="name", label="Region name", max_length=100)
    stmt = select(Region.name).where(func.lower(Region.name) == name.lower())
    if own_id is not None:
        stmt = stmt.where(Region.id != own_id)
    if (clash := session.scalar(stmt)) is not None:
        raise ValidationError(f"There is a region called '{clash}' already.", field="name")
    return name


def create_region(session: Session, *, actor: Actor, name: str) -> Region:
    """Add a region; names are unique whatever their case."""
    actor.require(Permission.ADMINISTER)
    region = Region(name=_region_name(session, name, None))
    session.add(region)
    session.flush()
    audit.record(session, actor, "region.created", "region", region.id,
                 summary=f"Created the region '{region.name}'", after={"name": region.name})
    return region


def rename_region(session: Session, *, actor: Actor, region_id: int, name: str,
                  seen_version: int | None = None) -> Region:
    """Give a region another name; refused if someone changed it since `seen_version`."""
    actor.require(Permission.ADMINISTER)
    region = get_or_raise(session, Region, region_id, for_update=True)
    check_not_stale(session, region, "region", seen_version)
    new_name = _region_name(session, name, region.id)
    before = {"name": region.name}
    region.name = new_name
    session.flush()
    audit.record(session, actor, "region.renamed", "region", region.id,
                 summary=f"Renamed the region '{before['name']}' to '{new_name}'", before=before,
                 after={"name": new_name})
    return region


def delete_region(session: Session, *, actor: Actor, region_id: int) -> int:
    """Delete a region; returns how many users it had (they are left in no region)."""
    actor.require(Permission.ADMINISTER)
    region = get_or_raise(session, Region, region_id, for_update=True)
    members = session.scalar(select(func.count()).where(User.region_id == region_id)) or 0
    name = region.name
    session.delete(region)
    session.flush()
    audit.record(session, actor, "region.deleted", "region", region_id,
                 summary=f"Deleted the region '{name}' ({members} user(s) left in no region)",
                 before={"name": name, "users": members})
    return members
