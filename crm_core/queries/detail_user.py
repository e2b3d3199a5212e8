"""The user detail page: who this account team member is, where they sit, whom they own, and
how their load compares with the rest of the team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    Stakeholder,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.queries.detail_common import add_roles_and_owners
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
    """A user's relationship load; compare it with `team_load` (the same for every user)."""

    owned: int
    sole_owned: int
    owned_off_team: int
    companies: int
    opportunities: int
    open_opportunities: int
    rank: int  # 1 = owns the most relationships (ties share a rank)


@dataclass(frozen=True)
class TeamLoad:
    """The whole team's relationship load (team = every user)."""

    size: int
    average_owned: float
    average_sole_owned: float

    def times_average(self, owned: int) -> float | None:
        """owned / the average (1.0 = an average load), None when nobody owns anyone."""
        return owned / self.average_owned if self.average_owned else None


def user_profile(session: Session, *, user_id: int) -> UserProfile | None:
    """The user's own fields, or None when there is no such user (e.g. deleted)."""
    row = session.execute(select(User.id, User.name, User.email, User.job_title, User.created_at)
                          .where(User.id == user_id)).first()
    return UserProfile(*row) if row else None


def user_companies(session: Session, *, user_id: int, limit: int | None = 100,
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


def _users_team_sources(user_id: int) -> tuple[ColumnElement, ColumnElement]:
    """(inherited, added) as conditions on an Opportunity row: the user is on its company's
    account team / was added to it. Either puts them on its full team (the rule of
    teams.full_team_select, as two primary-key probes per opportunity)."""
    inherited = exists().where(CompanyAccountTeam.company_id == Opportunity.company_id,
                               CompanyAccountTeam.user_id == user_id)
    added = exists().where(OpportunityAccountTeam.opportunity_id == Opportunity.id,
                           OpportunityAccountTeam.user_id == user_id)
    return inherited, added


def _on_users_team(user_id: int) -> ColumnElement:
    """The user is on the opportunity's full team, as two uncorrelated lists (their companies,
    the deals they were added to): SQLite reads just those opportunities through two indexes,
    PostgreSQL tests each opportunity against two hashed lists. Each opportunity once."""
    return or_(
        Opportunity.company_id.in_(select(CompanyAccountTeam.company_id)
                                   .where(CompanyAccountTeam.user_id == user_id)),
        Opportunity.id.in_(select(OpportunityAccountTeam.opportunity_id)
                           .where(OpportunityAccountTeam.user_id == user_id)))


def user_opportunities(session: Session, *, user_id: int, open_only: bool = False,
                       limit: int | None = 100, offset: int = 0) -> pd.DataFrame:
    """Opportunities on whose full team the user is, each marked inherited and/or added;
    open ones first, then by expected close date."""
    inherited, added = _users_team_sources(user_id)
    is_open = Opportunity.stage.in_(OPEN_STAGES)
    stmt = (select(Opportunity.id.label("opportunity_id"), Opportunity.name.label("opportunity"),
                   Company.id.label("company_id"), Company.name.label("company"),
                   Opportunity.stage, Opportunity.value, Opportunity.probability,
                   (Opportunity.value * Opportunity.probability / 100.0).label("weighted_value"),
                   Opportunity.expected_close_date, inherited.label("inherited"),
                   added.label("added"))
            .join(Company, Company.id == Opportunity.company_id)
            .where(_on_users_team(user_id))
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


def user_owned_stakeholders(session: Session, *, user_id: int, limit: int | None = 100,
                            offset: int = 0) -> pd.DataFrame:
    """Stakeholders whose relationship the user owns, with company, MEDDPICC roles and the
    other owners (empty = the user is the only owner), by company then name."""
    # The page of ids first, its sort keys looked up once per owned stakeholder (correlated
    # subqueries, primary-key probes): joined instead, PostgreSQL hashes the whole
    # stakeholders table for a user's few hundred rows. Then the page's rows.
    owned = aliased(StakeholderRelationshipOwner)
    named = aliased(Stakeholder)
    company_name = (select(Company.name).join(named, named.company_id == Company.id)
                    .where(named.id == owned.stakeholder_id).scalar_subquery())
    stakeholder_name = (select(named.name).where(named.id == owned.stakeholder_id)
                        .scalar_subquery())
    page = (select(owned.stakeholder_id).where(owned.user_id == user_id)
            .order_by(company_name, stakeholder_name, owned.stakeholder_id)
            .limit(limit).offset(offset).subquery("page"))
    on_team = exists().where(CompanyAccountTeam.user_id == user_id,
                             CompanyAccountTeam.company_id == Stakeholder.company_id)
    stmt = (select(Stakeholder.id.label("stakeholder_id"), Stakeholder.name.label("stakeholder"),
                   Stakeholder.job_title, Company.id.label("company_id"),
                   Company.name.label("company"), on_team.label("on_account_team"))
            .join(page, page.c.stakeholder_id == Stakeholder.id)
            .join(Company, Company.id == Stakeholder.company_id)
            .order_by(Company.name, Stakeholder.name, Stakeholder.id))
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["stakeholder_id", "stakeholder", "job_title", "company_id",
                                  "company", "on_account_team"])
    frame = add_roles_and_owners(session, frame, exclude_owner=user_id)
    frame = frame.rename(columns={"owners": "other_owners"})
    return frame.astype({"on_account_team": bool})


def user_load(session: Session, *, user_id: int) -> UserLoad:
    """How many relationships the user owns (alone, off the account team), where they sit,
    and their rank by relationships owned."""
    mine = StakeholderRelationshipOwner
    other = aliased(StakeholderRelationshipOwner)
    has_other_owner = exists().where(other.stakeholder_id == mine.stakeholder_id,
                                     other.user_id != mine.user_id)
    on_team = exists().where(CompanyAccountTeam.user_id == mine.user_id,
                             CompanyAccountTeam.company_id == Stakeholder.company_id)
    companies = (select(func.count()).select_from(CompanyAccountTeam)
                 .where(CompanyAccountTeam.user_id == user_id).scalar_subquery())
    # The user's ownerships through (user_id, stakeholder_id), each company from the narrow
    # (id, company_id) index: a few hundred probes, not a table walk.
    owned, sole, off_team, companies = session.execute(
        select(func.count(), func.count().filter(~has_other_owner),
               func.count().filter(~on_team), companies)
        .select_from(mine).join(Stakeholder, Stakeholder.id == mine.stakeholder_id)
        .where(mine.user_id == user_id)).one()
    # Competition rank (like SQL rank()): 1 + how many users own more relationships. Each
    # user's count is a range of the (user_id, stakeholder_id) index, counted once per user:
    # cheaper than grouping every ownership (PostgreSQL would hash all of them).
    their_count = (select(func.count()).select_from(other).where(other.user_id == User.id)
                   .scalar_subquery())
    rank = 1 + (session.scalar(select(func.count()).select_from(User)
                               .where(their_count > owned)) or 0)
    opportunities, open_opportunities = session.execute(
        select(func.count(), func.count().filter(Opportunity.stage.in_(OPEN_STAGES)))
        .where(_on_users_team(user_id))).one()
    return UserLoad(owned=owned, sole_owned=sole, owned_off_team=off_team, companies=companies,
                    opportunities=opportunities, open_opportunities=open_opportunities,
                    rank=rank)


def team_load(session: Session) -> TeamLoad:
    """Users, and the relationships (and sole relationships) they own on average.

    Its own query, apart from user_load: the same for every user page (cached once), and the
    page loads the two side by side.
    """
    owners = StakeholderRelationshipOwner
    single_owner = (select(owners.stakeholder_id).group_by(owners.stakeholder_id)
                    .having(func.count() == 1).subquery())
    size, owner_rows, sole = session.execute(select(
        select(func.count()).select_from(User).scalar_subquery(),
        select(func.count()).select_from(owners).scalar_subquery(),
        select(func.count()).select_from(single_owner).scalar_subquery())).one()
    return TeamLoad(size=size, average_owned=owner_rows / size if size else 0.0,
                    average_sole_owned=sole / size if size else 0.0)
