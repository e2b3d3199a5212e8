"""The opportunity detail page: the deal's numbers and its buying committee with MEDDPICC roles
and owners (its full team comes from `crm_core.queries.teams.opportunity_full_team`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from crm_core.models import (
    Company,
    Opportunity,
    Stakeholder,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
)
from crm_core.queries.detail_common import add_roles_and_owners
from crm_core.queries.teams import full_team_select
from crm_core.vocab import OPEN_STAGES


@dataclass(frozen=True)
class OpportunityProfile:
    id: int
    name: str
    value: float
    probability: int
    weighted_value: float
    stage: str
    is_open: bool
    expected_close_date: date | None
    company_id: int
    company: str
    created_at: datetime | None


def opportunity_profile(session: Session, *, opportunity_id: int) -> OpportunityProfile | None:
    """The opportunity's fields, weighted value and company; None when there is no such one."""
    row = session.execute(
        select(Opportunity.id, Opportunity.name, Opportunity.value, Opportunity.probability,
               (Opportunity.value * Opportunity.probability / 100.0),
               Opportunity.stage, Opportunity.expected_close_date, Company.id, Company.name,
               Opportunity.created_at)
        .join(Company, Company.id == Opportunity.company_id)
        .where(Opportunity.id == opportunity_id)).first()
    if row is None:
        return None
    return OpportunityProfile(id=row[0], name=row[1], value=float(row[2]), probability=row[3],
                              weighted_value=float(row[4]), stage=row[5],
                              is_open=row[5] in OPEN_STAGES, expected_close_date=row[6],
                              company_id=row[7], company=row[8], created_at=row[9])


def opportunity_stakeholders(session: Session, *, opportunity_id: int) -> pd.DataFrame:
    """The linked stakeholders (buying committee) with job title, MEDDPICC roles, owners,
    whether orphaned, and whether any owner is on the opportunity's full team."""
    team = full_team_select().subquery()
    owned = exists().where(StakeholderRelationshipOwner.stakeholder_id == Stakeholder.id)
    owner_on_team = exists().where(
        StakeholderRelationshipOwner.stakeholder_id == Stakeholder.id,
        team.c.user_id == StakeholderRelationshipOwner.user_id,
        team.c.opportunity_id == opportunity_id)
    stmt = (select(Stakeholder.id.label("stakeholder_id"), Stakeholder.name.label("stakeholder"),
                   Stakeholder.job_title, (~owned).label("orphaned"),
                   owner_on_team.label("owner_on_team"))
            .join(StakeholderOpportunity, StakeholderOpportunity.stakeholder_id == Stakeholder.id)
            .where(StakeholderOpportunity.opportunity_id == opportunity_id)
            .order_by(Stakeholder.name, Stakeholder.id))
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["stakeholder_id", "stakeholder", "job_title", "orphaned",
                                  "owner_on_team"])
    return add_roles_and_owners(session, frame).astype({"orphaned": bool, "owner_on_team": bool})
