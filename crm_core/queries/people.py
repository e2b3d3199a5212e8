"""The sales organisation: people with their manager, region and departure; regions; the
choices of the scope control; whether someone has departed or has reports."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from crm_core.models import Region, StakeholderRelationshipOwner, User


def people(session: Session) -> pd.DataFrame:
    """Every user (users are few): user_id, name, email, job_title, manager_id, manager,
    region_id, region, departed_on, reports (direct), owned (relationships), version."""
    manager = aliased(User, name="manager")
    reports = (select(User.manager_id, func.count().label("reports"))
               .where(User.manager_id.is_not(None)).group_by(User.manager_id).subquery())
    owned = (select(StakeholderRelationshipOwner.user_id, func.count().label("owned"))
             .group_by(StakeholderRelationshipOwner.user_id).subquery())
    rows = session.execute(
        select(User.id, User.name, User.email, User.job_title, User.manager_id, manager.name,
               User.region_id, Region.name, User.departed_on,
               func.coalesce(reports.c.reports, 0), func.coalesce(owned.c.owned, 0),
               User.version)
        .outerjoin(manager, manager.id == User.manager_id)
        .outerjoin(Region, Region.id == User.region_id)
        .outerjoin(reports, reports.c.manager_id == User.id)
        .outerjoin(owned, owned.c.user_id == User.id)
        .order_by(User.name, User.id)).all()
    return pd.DataFrame(rows, columns=[
        "user_id", "name", "email", "job_title", "manager_id", "manager", "region_id", "region",
        "departed_on", "reports", "owned", "version"])


def regions(session: Session) -> pd.DataFrame:
    """Every region by name: region_id, name, users (how many belong to it), version."""
    members = (select(User.region_id, func.count().label("users"))
               .where(User.region_id.is_not(None)).group_by(User.region_id).subquery())
    rows = session.execute(
        select(Region.id, Region.name, func.coalesce(members.c.users, 0), Region.version)
        .outerjoin(members, members.c.region_id == Region.id)
        .order_by(Region.name, Region.id)).all()
    return pd.DataFrame(rows, columns=["region_id", "name", "users", "version"])


def departed_on_for_email(session: Session, *, email: str) -> date | None:
    """The departure date of the user with this email (case-insensitive), None if not departed."""
    return session.scalar(select(User.departed_on).where(
        func.lower(User.email) == email.strip().lower(), User.departed_on.is_not(None)))


def direct_reports(session: Session, *, manager_id: int) -> pd.DataFrame:
    """The users reporting directly to the manager: user_id, name, job_title, departed_on,
    reports (their own direct reports)."""
    below = aliased(User, name="below")
    reports = (select(below.manager_id, func.count().label("reports"))
               .group_by(below.manager_id).subquery())
    rows = session.execute(
        select(User.id, User.name, User.job_title, User.departed_on,
               func.coalesce(reports.c.reports, 0))
        .outerjoin(reports, reports.c.manager_id == User.id)
        .where(User.manager_id == manager_id).order_by(User.name, User.id)).all()
    return pd.DataFrame(rows, columns=["user_id", "name", "job_title", "departed_on", "reports"])
