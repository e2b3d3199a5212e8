"""The stakeholder detail page: who they are, the MEDDPICC roles they play, the deals they sit
in, and who on our side owns the relationship."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import exists, select
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
from crm_core.queries.detail_common import roles_by_stakeholder
from crm_core.queries.freshness import last_touch
from crm_core.queries.teams import full_team_select
from crm_core.vocab import OPEN_STAGES


@dataclass(frozen=True)
class StakeholderProfile:
    id: int
    name: str
    job_title: str | None
    email: str | None
    phone: str | None
    company_id: int
    company: str
    roles: tuple[str, ...]  # MEDDPICC role values, in display order
    created_at: datetime | None


def stakeholder_profile(session: Session, *, stakeholder_id: int) -> StakeholderProfile | None:
    """The stakeholder's fields, company and MEDDPICC roles; None when there is no such one."""
    row = session.execute(
        select(Stakeholder.id, Stakeholder.name, Stakeholder.job_title,
               Stakeholder.email, Stakeholder.phone, Company.id, Company.name,
               Stakeholder.created_at)
        .join(Company, Company.id == Stakeholder.company_id)
        .where(Stakeholder.id == stakeholder_id)).first()
    if row is None:
        return None
    roles = roles_by_stakeholder(session, stakeholder_ids=[stakeholder_id])
    return StakeholderProfile(id=row[0], name=row[1], job_title=row[2], email=row[3],
                              phone=row[4], company_id=row[5], company=row[6],
                              roles=roles.get(stakeholder_id, ()), created_at=row[7])


def stakeholder_owners(session: Session, *, stakeholder_id: int) -> pd.DataFrame:
    """Relationship owners with their job titles, whether each sits on the account team of the
    stakeholder's company, and each one's last touch (NaT when never touched)."""
    on_team = exists().where(CompanyAccountTeam.user_id == User.id,
                             CompanyAccountTeam.company_id == Stakeholder.company_id)
    stmt = (select(User.id.label("user_id"), User.name, User.job_title, User.email,
                   on_team.label("on_account_team"),
                   last_touch(StakeholderRelationshipOwner.stakeholder_id, User.id))
            .join(StakeholderRelationshipOwner, StakeholderRelationshipOwner.user_id == User.id)
            .join(Stakeholder, Stakeholder.id == StakeholderRelationshipOwner.stakeholder_id)
            .where(StakeholderRelationshipOwner.stakeholder_id == stakeholder_id)
            .order_by(User.name, User.id))
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["user_id", "name", "job_title", "email", "on_account_team",
                                  "last_touch"])
    return frame.astype({"on_account_team": bool})


def stakeholder_opportunities(session: Session, *, stakeholder_id: int) -> pd.DataFrame:
    """Opportunities the stakeholder is linked to (open first): stage, value, weighted value,
    close date, and whether an owner of theirs is on that opportunity's full team."""
    team = full_team_select().subquery()
    owner_on_team = exists().where(
        StakeholderRelationshipOwner.stakeholder_id == stakeholder_id,
        team.c.user_id == StakeholderRelationshipOwner.user_id,
        team.c.opportunity_id == Opportunity.id)
    is_open = Opportunity.stage.in_(OPEN_STAGES)
    stmt = (select(Opportunity.id.label("opportunity_id"), Opportunity.name.label("opportunity"),
                   Opportunity.stage, Opportunity.value, Opportunity.probability,
                   (Opportunity.value * Opportunity.probability / 100.0).label("weighted_value"),
                   Opportunity.expected_close_date, is_open.label("is_open"),
                   owner_on_team.label("owner_on_team"))
            .join(StakeholderOpportunity, StakeholderOpportunity.opportunity_id == Opportunity.id)
            .where(StakeholderOpportunity.stakeholder_id == stakeholder_id)
            .order_by(is_open.desc(), Opportunity.expected_close_date, Opportunity.name,
                      Opportunity.id))
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["opportunity_id", "opportunity", "stage", "value",
                                  "probability", "weighted_value", "expected_close_date",
                                  "is_open", "owner_on_team"])
    return frame.astype({"is_open": bool, "owner_on_team": bool, "value": float,
                         "weighted_value": float})
