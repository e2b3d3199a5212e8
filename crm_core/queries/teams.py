"""Opportunity teams: the company's account team (inherited) plus members added to the deal.

The full team is derived, never stored: `full_team_select` is the one definition, used by every
query that needs it (team lists, off-team owners, MEDDPICC ownership checks).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Select, literal, select, union_all
from sqlalchemy.orm import Session

from crm_core.models import CompanyAccountTeam, Opportunity, OpportunityAccountTeam, User


def full_team_select() -> Select:
    """(opportunity_id, user_id, source) for every opportunity: 'inherited' or 'added'.

    A user both on the company team and added to the deal appears twice, once per source.
    """
    inherited = (select(Opportunity.id.label("opportunity_id"),
                        CompanyAccountTeam.user_id.label("user_id"),
                        literal("inherited").label("source"))
                 .join(CompanyAccountTeam, CompanyAccountTeam.company_id == Opportunity.company_id))
    added = select(OpportunityAccountTeam.opportunity_id.label("opportunity_id"),
                   OpportunityAccountTeam.user_id.label("user_id"),
                   literal("added").label("source"))
    return union_all(inherited, added)


def opportunity_full_team(session: Session, *, opportunity_id: int) -> pd.DataFrame:
    """One row per member: user_id, name, job_title, email, inherited (bool), added (bool)."""
    inherited = (select(CompanyAccountTeam.user_id)
                 .join(Opportunity, Opportunity.company_id == CompanyAccountTeam.company_id)
                 .where(Opportunity.id == opportunity_id))
    added = select(OpportunityAccountTeam.user_id).where(
        OpportunityAccountTeam.opportunity_id == opportunity_id)
    inherited_ids = set(session.scalars(inherited))
    added_ids = set(session.scalars(added))
    members = inherited_ids | added_ids
    columns = ["user_id", "name", "job_title", "email", "inherited", "added"]
    if not members:
        return pd.DataFrame(columns=columns)
    rows = session.execute(select(User.id, User.name, User.job_title, User.email)
                           .where(User.id.in_(members)).order_by(User.name)).all()
    return pd.DataFrame([(r.id, r.name, r.job_title, r.email, r.id in inherited_ids,
                          r.id in added_ids) for r in rows], columns=columns)
