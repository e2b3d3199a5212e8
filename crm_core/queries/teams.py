"""Opportunity teams: the company's account team (inherited) plus members added to the deal.

The full team is derived, never stored: `full_team_select` is the one definition, used by every
query that needs it (team lists, the MEDDPICC check of owners off the deal team).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

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


def full_team_member_joins(opportunity, user_id) -> tuple[list[tuple], ColumnElement]:
    """The rule of full_team_select for one user per row of a query over opportunities: the
    two outer joins (target, on clause) that find the user on the company's account team or
    added to the deal, and the condition that either was found. Each join matches a primary
    key, so it adds no rows."""
    added = aliased(OpportunityAccountTeam, name="added_member")
    inherited = aliased(CompanyAccountTeam, name="inherited_member")
    joins = [(added, and_(added.opportunity_id == opportunity.id, added.user_id == user_id)),
             (inherited, and_(inherited.company_id == opportunity.company_id,
                              inherited.user_id == user_id))]
    return joins, or_(added.user_id.is_not(None), inherited.user_id.is_not(None))


def team_sources(team) -> tuple:
    """(inherited, added) aggregates over a full-team subquery: 1 when a member has the source."""
    inherited = func.max(case((team.c.source == "inherited", 1), else_=0))
    added = func.max(case((team.c.source == "added", 1), else_=0))
    return inherited.label("inherited"), added.label("added")


def opportunity_full_team(session: Session, *, opportunity_id: int) -> pd.DataFrame:
    """One row per member: user_id, name, job_title, email, inherited (bool), added (bool)."""
    team = full_team_select().subquery()
    stmt = (select(User.id.label("user_id"), User.name, User.job_title, User.email,
                   *team_sources(team))
            .join(team, team.c.user_id == User.id)
            .where(team.c.opportunity_id == opportunity_id)
            .group_by(User.id, User.name, User.job_title, User.email)
            .order_by(User.name, User.id))
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["user_id", "name", "job_title", "email", "inherited", "added"])
    return frame.astype({"inherited": bool, "added": bool})
