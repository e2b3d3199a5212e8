"""The relationship map of a company or an opportunity: our people -> the stakeholders they own
-> the MEDDPICC roles those stakeholders play (one row per stakeholder-owner pair)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, exists, select
from sqlalchemy.orm import Session

from crm_core.models import (
    CompanyAccountTeam,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.queries.detail_common import roles_by_stakeholder
from crm_core.queries.teams import full_team_select

MAP_COLUMNS = ["stakeholder_id", "stakeholder", "roles", "user_id", "user", "on_team"]


def relationship_map(session: Session, *, company_id: int | None = None,
                     opportunity_id: int | None = None, limit: int = 60) -> pd.DataFrame:
    """Rows (stakeholder_id, stakeholder, roles, user_id, user, on_team) for a company's or an
    opportunity's stakeholders: one per owner, one with no user for an orphan.

    `roles` is a tuple of MEDDPICC role values; `on_team` says whether the owner is on the
    company's account team (company) or the opportunity's full team (opportunity). At most
    `limit` stakeholders, those with a MEDDPICC role first.
    """
    if (company_id is None) == (opportunity_id is None):
        raise ValueError("Give exactly one of company_id or opportunity_id.")
    has_role = exists().where(StakeholderMeddpiccRole.stakeholder_id == Stakeholder.id)
    stakeholders = select(Stakeholder.id, Stakeholder.name)
    if company_id is not None:
        stakeholders = stakeholders.where(Stakeholder.company_id == company_id)
        on_team = exists().where(CompanyAccountTeam.user_id == User.id,
                                 CompanyAccountTeam.company_id == company_id)
    else:
        stakeholders = stakeholders.join(
            StakeholderOpportunity, StakeholderOpportunity.stakeholder_id == Stakeholder.id
        ).where(StakeholderOpportunity.opportunity_id == opportunity_id)
        team = full_team_select().subquery()
        on_team = exists().where(team.c.user_id == User.id,
                                 team.c.opportunity_id == opportunity_id)
    chosen = session.execute(stakeholders.order_by(case((has_role, 0), else_=1),
                                                   Stakeholder.name, Stakeholder.id)
                             .limit(limit)).all()
    if not chosen:
        return pd.DataFrame(columns=MAP_COLUMNS)
    ids = [row.id for row in chosen]
    owners = session.execute(
        select(StakeholderRelationshipOwner.stakeholder_id, User.id, User.name,
               on_team.label("on_team"))
        .join(User, User.id == StakeholderRelationshipOwner.user_id)
        .where(StakeholderRelationshipOwner.stakeholder_id.in_(ids))
        .order_by(User.name, User.id)).all()
    owners_of: dict[int, list] = {}
    for stakeholder_id, user_id, name, user_on_team in owners:
        owners_of.setdefault(stakeholder_id, []).append((user_id, name, bool(user_on_team)))
    roles = roles_by_stakeholder(session, stakeholder_ids=ids)
    rows = []
    for row in chosen:
        for user_id, name, user_on_team in owners_of.get(row.id, [(None, None, False)]):
            rows.append((row.id, row.name, roles.get(row.id, ()), user_id, name, user_on_team))
    return pd.DataFrame(rows, columns=MAP_COLUMNS).astype({"user_id": "Int64"})
