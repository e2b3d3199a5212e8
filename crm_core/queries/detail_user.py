"""The user detail page: who this account team member is, where they sit, whom they own, and
how their load compares with the rest of the team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import distinct, exists, func, select
from sqlalchemy.orm import Session, aliased

from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    Stakeholder,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.queries.detail_common import add_roles_and_owners
from crm_core.queries.teams import full_team_select, team_sources
from crm_core.vocab import OPEN_STAGES


@dataclass(frozen=True)
class UserProfile:
    id: int
    name: str
    email: str
    job_title: str | None
    created_at: datetime | None


@dataclass(frozen=True)
class UserLoad:
    """A user's relationship load beside the team's average (team = every user)."""

    owned: int
    sole_owned: int
    owned_off_team: int
    companies: int
    opportunities: int
    open_opportunities: int
    team_size: int
    team_average_owned: float
    team_average_sole_owned: float
    rank: int  # 1 = owns the most relationships (ties share a rank)

    @property
    def owned_vs_average(self) -> float | None:
        """owned / team average (1.0 = an average load), None when nobody owns anyone."""
        return self.owned / self.team_average_owned if self.team_average_owned else None


def user_profile(session: Session, *, user_id: int) -> UserProfile | None:
    """The user's own fields, or None when there is no such user (e.g. deleted)."""
    row = session.execute(select(User.id, User.name, User.email, User.job_title, User.created_at)
                          .where(User.id == user_id)).first()
    return UserProfile(*row) if row else None


def user_companies(session: Session, *, user_id: int, limit: int = 100,
                   offset: int = 0) -> pd.DataFrame:
    """Companies on whose account team the user is: stakeholders, how many they own there,
    open opportunities."""
    owned_here = (select(func.count()).select_from(StakeholderRelationshipOwner)
                  .join(Stakeholder, Stakeholder.id == StakeholderRelationshipOwner.stakeholder_id)
                  .where(StakeholderRelationshipOwner.user_id == user_id,
                         Stakeholder.company_id == Company.id).scalar_subquery())
    stakeholders = (select(func.count()).where(Stakeholder.company_id == Company.id)
                    .scalar_subquery())
    open_opportunities = (select(func.count()).where(Opportunity.company_id == Company.id,
                                                     Opportunity.stage.in_(OPEN_STAGES))
                          .scalar_subquery())
    stmt = (select(Company.id.label("company_id"), Company.name.label("company"),
                   Company.industry, stakeholders.label("stakeholders"),
                   owned_here.label("owned_by_user"),
                   open_opportunities.label("open_opportunities"))
            .join(CompanyAccountTeam, CompanyAccountTeam.company_id == Company.id)
            .where(CompanyAccountTeam.user_id == user_id)
            .order_by(Company.name, Company.id).limit(limit).offset(offset))
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["company_id", "company", "industry", "stakeholders",
                                 "owned_by_user", "open_opportunities"])


def user_opportunities(session: Session, *, user_id: int, open_only: bool = False,
                       limit: int = 100, offset: int = 0) -> pd.DataFrame:
    """Opportunities on whose full team the user is, each marked inherited and/or added;
    open ones first, then by expected close date."""
    team = full_team_select().subquery()
    inherited, added = team_sources(team)
    is_open = Opportunity.stage.in_(OPEN_STAGES)
    stmt = (select(Opportunity.id.label("opportunity_id"), Opportunity.name.label("opportunity"),
                   Company.id.label("company_id"), Company.name.label("company"),
                   Opportunity.stage, Opportunity.value, Opportunity.probability,
                   (Opportunity.value * Opportunity.probability / 100.0).label("weighted_value"),
                   Opportunity.expected_close_date, inherited, added)
            .join(team, team.c.opportunity_id == Opportunity.id)
            .join(Company, Company.id == Opportunity.company_id)
            .where(team.c.user_id == user_id)
            .group_by(Opportunity.id, Opportunity.name, Company.id, Company.name,
                      Opportunity.stage, Opportunity.value, Opportunity.probability,
                      Opportunity.expected_close_date)
            .order_by(is_open.desc(), Opportunity.expected_close_date, Opportunity.name,
                      Opportunity.id)
            .limit(limit).offset(offset))
    if open_only:
        stmt = stmt.where(is_open)
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["opportunity_id", "opportunity", "company_id", "company",
                                  "stage", "value", "probability", "weighted_value",
                                  "expected_close_date", "inherited", "added"])
    return frame.astype({"inherited": bool, "added": bool, "value": float,
                         "weighted_value": float})


def user_owned_stakeholders(session: Session, *, user_id: int, limit: int = 100,
                            offset: int = 0) -> pd.DataFrame:
    """Stakeholders whose relationship the user owns, with company, MEDDPICC roles and the
    other owners (empty = the user is the only owner), by company then name."""
    on_team = exists().where(CompanyAccountTeam.user_id == user_id,
                             CompanyAccountTeam.company_id == Stakeholder.company_id)
    stmt = (select(Stakeholder.id.label("stakeholder_id"), Stakeholder.name.label("stakeholder"),
                   Stakeholder.job_title, Company.id.label("company_id"),
                   Company.name.label("company"), on_team.label("on_account_team"))
            .join(StakeholderRelationshipOwner,
                  StakeholderRelationshipOwner.stakeholder_id == Stakeholder.id)
            .join(Company, Company.id == Stakeholder.company_id)
            .where(StakeholderRelationshipOwner.user_id == user_id)
            .order_by(Company.name, Stakeholder.name, Stakeholder.id)
            .limit(limit).offset(offset))
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["stakeholder_id", "stakeholder", "job_title", "company_id",
                                  "company", "on_account_team"])
    frame = add_roles_and_owners(session, frame, exclude_owner=user_id)
    frame = frame.rename(columns={"owners": "other_owners"})
    return frame.astype({"on_account_team": bool})


def user_load(session: Session, *, user_id: int) -> UserLoad:
    """How many relationships the user owns (alone, off-team) against the team's average."""
    mine = StakeholderRelationshipOwner
    other = aliased(StakeholderRelationshipOwner)
    has_other_owner = exists().where(other.stakeholder_id == mine.stakeholder_id,
                                     other.user_id != mine.user_id)
    on_team = exists().where(CompanyAccountTeam.user_id == mine.user_id,
                             CompanyAccountTeam.company_id == Stakeholder.company_id)
    owned, sole, off_team = session.execute(
        select(func.count(), func.count().filter(~has_other_owner),
               func.count().filter(~on_team))
        .select_from(mine).join(Stakeholder, Stakeholder.id == mine.stakeholder_id)
        .where(mine.user_id == user_id)).one()

    # Competition rank (like SQL rank()): 1 + how many users own more relationships.
    heavier = (select(mine.user_id).group_by(mine.user_id).having(func.count() > owned)
               .subquery())
    rank = 1 + (session.scalar(select(func.count()).select_from(heavier)) or 0)
    team_size = session.scalar(select(func.count()).select_from(User)) or 0
    all_owner_rows = session.scalar(select(func.count()).select_from(mine)) or 0
    single_owner = (select(mine.stakeholder_id).group_by(mine.stakeholder_id)
                    .having(func.count() == 1).subquery())
    all_sole = session.scalar(select(func.count()).select_from(single_owner)) or 0

    companies = session.scalar(select(func.count()).select_from(CompanyAccountTeam)
                               .where(CompanyAccountTeam.user_id == user_id)) or 0
    team = full_team_select().subquery()
    opportunities, open_opportunities = session.execute(
        select(func.count(distinct(team.c.opportunity_id)),
               func.count(distinct(team.c.opportunity_id)).filter(
                   Opportunity.stage.in_(OPEN_STAGES)))
        .select_from(team).join(Opportunity, Opportunity.id == team.c.opportunity_id)
        .where(team.c.user_id == user_id)).one()
    return UserLoad(owned=owned, sole_owned=sole, owned_off_team=off_team, companies=companies,
                    opportunities=opportunities, open_opportunities=open_opportunities,
                    team_size=team_size,
                    team_average_owned=all_owner_rows / team_size if team_size else 0.0,
                    team_average_sole_owned=all_sole / team_size if team_size else 0.0,
                    rank=rank)
