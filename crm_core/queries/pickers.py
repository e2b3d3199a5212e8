"""Who may be chosen as an owner or team member: the users who have not departed, the account
(or deal) team first, each with their current load; and whether a chosen owner is on the team."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import case, exists, false, func, select
from sqlalchemy.orm import Session

from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Stakeholder,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.queries.teams import full_team_select


@dataclass(frozen=True)
class OffTeam:
    company: str
    names: tuple[str, ...]


def people_to_choose(session: Session, *, company_id: int | None = None,
                     opportunity_id: int | None = None) -> pd.DataFrame:
    """user_id, name, job_title, owned (relationships owned today), on_team: every user who has
    not departed, the team first (the deal's full team for an opportunity, else the company's
    account team), then by name."""
    if opportunity_id is not None:
        team = full_team_select().subquery()
        on_team = exists().where(team.c.user_id == User.id,
                                 team.c.opportunity_id == opportunity_id)
    elif company_id is not None:
        on_team = exists().where(CompanyAccountTeam.user_id == User.id,
                                 CompanyAccountTeam.company_id == company_id)
    else:
        on_team = false()
    owned = (select(StakeholderRelationshipOwner.user_id, func.count().label("owned"))
             .group_by(StakeholderRelationshipOwner.user_id).subquery())
    flag = case((on_team, 1), else_=0)
    rows = session.execute(
        select(User.id, User.name, User.job_title, func.coalesce(owned.c.owned, 0), flag)
        .outerjoin(owned, owned.c.user_id == User.id)
        .where(User.departed_on.is_(None))
        .order_by(flag.desc(), User.name, User.id)).all()
    frame = pd.DataFrame(rows, columns=["user_id", "name", "job_title", "owned", "on_team"])
    frame["on_team"] = frame["on_team"].astype(bool)
    return frame


def off_account_team_names(session: Session, *, stakeholder_id: int,
                           user_ids: Sequence[int]) -> OffTeam | None:
    """Which of these users are off the account team of the stakeholder's company (names in
    order), or None when all are on it (or no such stakeholder: the service says so then)."""
    on_team = exists().where(CompanyAccountTeam.user_id == User.id,
                             CompanyAccountTeam.company_id == Stakeholder.company_id)
    rows = session.execute(select(Company.name, User.name).select_from(Stakeholder)
                           .join(Company).join(User, User.id.in_(list(user_ids)))
                           .where(Stakeholder.id == stakeholder_id, ~on_team)
                           .order_by(User.name, User.id)).all()
    if not rows:
        return None
    return OffTeam(company=rows[0][0], names=tuple(r[1] for r in rows))


def not_on_account_teams(session: Session, *, user_id: int,
                         company_ids: Sequence[int]) -> tuple[str, ...]:
    """The names of these companies whose account team the user is not on, by name."""
    on_team = exists().where(CompanyAccountTeam.user_id == user_id,
                             CompanyAccountTeam.company_id == Company.id)
    return tuple(session.scalars(select(Company.name).where(
        Company.id.in_([int(i) for i in company_ids]), ~on_team).order_by(Company.name)))
