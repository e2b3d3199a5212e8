"""The company detail page: the account, its account team, its stakeholders (orphans marked),
the owners of those relationships and its opportunities."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    Stakeholder,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.queries.detail_common import add_roles_and_owners
from crm_core.vocab import OPEN_STAGES


@dataclass(frozen=True)
class CompanyProfile:
    id: int
    name: str
    industry: str | None
    website: str | None
    stakeholders: int
    orphaned: int
    open_opportunities: int
    open_pipeline: float
    weighted_open_pipeline: float


def company_profile(session: Session, *, company_id: int) -> CompanyProfile | None:
    """The company's fields with its stakeholder and open-pipeline totals; None if absent."""
    row = session.execute(select(Company.id, Company.name, Company.industry, Company.website)
                          .where(Company.id == company_id)).first()
    if row is None:
        return None
    owned = exists().where(StakeholderRelationshipOwner.stakeholder_id == Stakeholder.id)
    stakeholders, orphaned = session.execute(
        select(func.count(), func.count().filter(~owned))
        .where(Stakeholder.company_id == company_id)).one()
    count, pipeline, weighted = session.execute(
        select(func.count(), func.coalesce(func.sum(Opportunity.value), 0),
               func.coalesce(func.sum(Opportunity.value * Opportunity.probability / 100.0), 0))
        .where(Opportunity.company_id == company_id,
               Opportunity.stage.in_(OPEN_STAGES))).one()
    return CompanyProfile(id=row[0], name=row[1], industry=row[2], website=row[3],
                          stakeholders=stakeholders, orphaned=orphaned, open_opportunities=count,
                          open_pipeline=float(pipeline), weighted_open_pipeline=float(weighted))


def company_team(session: Session, *, company_id: int) -> pd.DataFrame:
    """The account team with job titles and how many of the company's stakeholders each owns."""
    owned_here = (select(func.count()).select_from(StakeholderRelationshipOwner)
                  .join(Stakeholder, Stakeholder.id == StakeholderRelationshipOwner.stakeholder_id)
                  .where(StakeholderRelationshipOwner.user_id == User.id,
                         Stakeholder.company_id == company_id).scalar_subquery())
    stmt = (select(User.id.label("user_id"), User.name, User.job_title, User.email,
                   owned_here.label("owned_here"))
            .join(CompanyAccountTeam, CompanyAccountTeam.user_id == User.id)
            .where(CompanyAccountTeam.company_id == company_id)
            .order_by(User.name, User.id))
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["user_id", "name", "job_title", "email", "owned_here"])


def company_stakeholders(session: Session, *, company_id: int, orphaned_only: bool = False,
                         limit: int | None = 100, offset: int = 0) -> pd.DataFrame:
    """The company's stakeholders (orphans first, then by name) with job title, MEDDPICC roles,
    owners, whether orphaned, and how many opportunities each is linked to."""
    orphaned = ~exists().where(StakeholderRelationshipOwner.stakeholder_id == Stakeholder.id)
    linked = (select(func.count()).where(StakeholderOpportunity.stakeholder_id == Stakeholder.id)
              .scalar_subquery())
    stmt = (select(Stakeholder.id.label("stakeholder_id"), Stakeholder.name.label("stakeholder"),
                   Stakeholder.job_title, orphaned.label("orphaned"),
                   linked.label("opportunities"))
            .where(Stakeholder.company_id == company_id)
            .order_by(orphaned.desc(), Stakeholder.name, Stakeholder.id)
            .limit(limit).offset(offset))
    if orphaned_only:
        stmt = stmt.where(orphaned)
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["stakeholder_id", "stakeholder", "job_title", "orphaned",
                                  "opportunities"])
    return add_roles_and_owners(session, frame).astype({"orphaned": bool})


def company_owners(session: Session, *, company_id: int) -> pd.DataFrame:
    """Everyone who owns a relationship at the company: how many they own there and whether
    they sit on its account team (owners off the team are worth a look)."""
    on_team = exists().where(CompanyAccountTeam.user_id == User.id,
                             CompanyAccountTeam.company_id == company_id)
    stmt = (select(User.id.label("user_id"), User.name, User.job_title,
                   func.count().label("owned_here"), on_team.label("on_account_team"))
            .join(StakeholderRelationshipOwner, StakeholderRelationshipOwner.user_id == User.id)
            .join(Stakeholder, Stakeholder.id == StakeholderRelationshipOwner.stakeholder_id)
            .where(Stakeholder.company_id == company_id)
            .group_by(User.id, User.name, User.job_title)
            .order_by(func.count().desc(), User.name, User.id))
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["user_id", "name", "job_title", "owned_here", "on_account_team"])
    return frame.astype({"on_account_team": bool})


def company_opportunities(session: Session, *, company_id: int) -> pd.DataFrame:
    """The company's opportunities (open first, by close date): stage, value, weighted value,
    close date and how many stakeholders are linked."""
    linked = (select(func.count())
              .where(StakeholderOpportunity.opportunity_id == Opportunity.id).scalar_subquery())
    is_open = Opportunity.stage.in_(OPEN_STAGES)
    stmt = (select(Opportunity.id.label("opportunity_id"), Opportunity.name.label("opportunity"),
                   Opportunity.stage, Opportunity.value, Opportunity.probability,
                   (Opportunity.value * Opportunity.probability / 100.0).label("weighted_value"),
                   Opportunity.expected_close_date, is_open.label("is_open"),
                   linked.label("stakeholders"))
            .where(Opportunity.company_id == company_id)
            .order_by(is_open.desc(), Opportunity.expected_close_date, Opportunity.name,
                      Opportunity.id))
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["opportunity_id", "opportunity", "stage", "value",
                                  "probability", "weighted_value", "expected_close_date",
                                  "is_open", "stakeholders"])
    return frame.astype({"is_open": bool, "value": float, "weighted_value": float})
