"""The assignment sets the Manage forms show (and send back as what they SHOWED)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from crm_core.errors import NotFound
from crm_core.models import (
    ENTITY_MODELS,
    Company,
    CompanyAccountTeam,
    Opportunity,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.queries.teams import opportunity_full_team
from crm_core.vocab import MEDDPICC_ROLES


@dataclass(frozen=True)
class StakeholderAssignments:
    """A stakeholder with their owners, MEDDPICC roles and opportunity links."""

    stakeholder_id: int
    name: str
    job_title: str | None
    company_id: int
    company: str
    owners: pd.DataFrame          # user_id, name, job_title, email, on_account_team
    roles: tuple[str, ...]
    opportunities: pd.DataFrame   # opportunity_id, name, stage, value (linked ones)
    company_opportunities: pd.DataFrame  # every opportunity of the company (link options)

    @property
    def owner_ids(self) -> tuple[int, ...]:
        return tuple(int(i) for i in self.owners["user_id"])

    @property
    def opportunity_ids(self) -> tuple[int, ...]:
        return tuple(int(i) for i in self.opportunities["opportunity_id"])


def stakeholder_assignments(session: Session, *, stakeholder_id: int) -> StakeholderAssignments:
    """Everything the Ownership and Roles pages show about one stakeholder."""
    row = session.execute(
        select(Stakeholder.id, Stakeholder.name, Stakeholder.job_title, Stakeholder.company_id,
               Company.name.label("company"))
        .join(Company, Company.id == Stakeholder.company_id)
        .where(Stakeholder.id == stakeholder_id)).first()
    if row is None:
        raise NotFound(f"There is no stakeholder with id {stakeholder_id}.")
    on_team = select(CompanyAccountTeam.user_id).where(
        CompanyAccountTeam.company_id == row.company_id)
    owners = pd.DataFrame(session.execute(
        select(User.id, User.name, User.job_title, User.email, User.id.in_(on_team))
        .join(StakeholderRelationshipOwner, StakeholderRelationshipOwner.user_id == User.id)
        .where(StakeholderRelationshipOwner.stakeholder_id == stakeholder_id)
        .order_by(User.name)).all(),
        columns=["user_id", "name", "job_title", "email", "on_account_team"])
    held = set(session.scalars(select(StakeholderMeddpiccRole.meddpicc_role).where(
        StakeholderMeddpiccRole.stakeholder_id == stakeholder_id)))
    linked = select(StakeholderOpportunity.opportunity_id).where(
        StakeholderOpportunity.stakeholder_id == stakeholder_id)
    columns = ["opportunity_id", "name", "stage", "value", "expected_close_date"]
    company_opps = pd.DataFrame(session.execute(
        select(Opportunity.id, Opportunity.name, Opportunity.stage, Opportunity.value,
               Opportunity.expected_close_date, Opportunity.id.in_(linked))
        .where(Opportunity.company_id == row.company_id).order_by(Opportunity.name)).all(),
        columns=[*columns, "linked"])
    return StakeholderAssignments(
        stakeholder_id=row.id, name=row.name, job_title=row.job_title,
        company_id=row.company_id, company=row.company, owners=owners,
        roles=tuple(r for r in MEDDPICC_ROLES if r in held),
        # astype: an empty column has dtype object, which pandas would read as column names
        opportunities=company_opps[company_opps["linked"].astype(bool)][columns]
        .reset_index(drop=True),
        company_opportunities=company_opps[columns])


@dataclass(frozen=True)
class CompanyTeam:
    """A company's account team."""

    company_id: int
    name: str
    members: pd.DataFrame   # user_id, name, job_title, email

    @property
    def member_ids(self) -> tuple[int, ...]:
        return tuple(int(i) for i in self.members["user_id"])


def company_team(session: Session, *, company_id: int) -> CompanyTeam:
    """The account team of one company."""
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(f"There is no company with id {company_id}.")
    members = pd.DataFrame(session.execute(
        select(User.id, User.name, User.job_title, User.email)
        .join(CompanyAccountTeam, CompanyAccountTeam.user_id == User.id)
        .where(CompanyAccountTeam.company_id == company_id).order_by(User.name)).all(),
        columns=["user_id", "name", "job_title", "email"])
    return CompanyTeam(company_id=company.id, name=company.name, members=members)


@dataclass(frozen=True)
class OpportunityTeam:
    """An opportunity's full team: inherited from the company team plus members added to it."""

    opportunity_id: int
    name: str
    company_id: int
    company: str
    members: pd.DataFrame   # user_id, name, job_title, email, inherited, added, source

    @property
    def added_ids(self) -> tuple[int, ...]:
        return tuple(int(i) for i in self.members.loc[self.members["added"], "user_id"])

    @property
    def inherited_ids(self) -> tuple[int, ...]:
        return tuple(int(i) for i in self.members.loc[self.members["inherited"], "user_id"])


def opportunity_team(session: Session, *, opportunity_id: int) -> OpportunityTeam:
    """An opportunity's team, each member saying where they come from."""
    row = session.execute(
        select(Opportunity.id, Opportunity.name, Opportunity.company_id,
               Company.name.label("company"))
        .join(Company, Company.id == Opportunity.company_id)
        .where(Opportunity.id == opportunity_id)).first()
    if row is None:
        raise NotFound(f"There is no opportunity with id {opportunity_id}.")
    members = opportunity_full_team(session, opportunity_id=opportunity_id)
    members["source"] = [
        " and ".join(s for s, on in ((f"account team of {row.company}", i),
                                     ("added to this opportunity", a)) if on)
        for i, a in zip(members["inherited"], members["added"], strict=True)]
    return OpportunityTeam(opportunity_id=row.id, name=row.name, company_id=row.company_id,
                           company=row.company, members=members)


def record_values(session: Session, *, entity_type: str, entity_id: int) -> dict[str, Any]:
    """A record's stored fields and version, for an edit form (NotFound when it is gone)."""
    model = ENTITY_MODELS[entity_type]
    record = session.get(model, entity_id)
    if record is None:
        raise NotFound(f"There is no {entity_type} with id {entity_id} (it may have been "
                       "deleted).")
    return {c.key: getattr(record, c.key) for c in inspect(model).column_attrs}
