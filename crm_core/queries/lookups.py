"""Pickers: find a stakeholder, company, opportunity or user by text (top matches, never all)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from crm_core.models import Company, Opportunity, Stakeholder, StakeholderRelationshipOwner, User


def _pattern(text: str) -> tuple[str, str]:
    needle = text.strip().lower().replace("\\", "").replace("%", "").replace("_", " ")
    return f"%{needle}%", f"{needle}%"


def search_stakeholders(session: Session, *, text: str = "", company_id: int | None = None,
                        limit: int = 20) -> pd.DataFrame:
    """Stakeholders whose name, email or company matches; names starting with it first."""
    anywhere, start = _pattern(text)
    stmt = (select(Stakeholder.id, Stakeholder.name, Stakeholder.job_title, Stakeholder.email,
                   Company.name.label("company"))
            .join(Company, Company.id == Stakeholder.company_id))
    if text.strip():
        stmt = stmt.where(or_(func.lower(Stakeholder.name).like(anywhere),
                              func.lower(Stakeholder.email).like(anywhere),
                              func.lower(Company.name).like(anywhere)))
    if company_id is not None:
        stmt = stmt.where(Stakeholder.company_id == company_id)
    first = case((func.lower(Stakeholder.name).like(start), 0), else_=1)
    rows = session.execute(stmt.order_by(first, Stakeholder.name, Stakeholder.id)
                           .limit(limit)).all()
    return pd.DataFrame(rows, columns=["stakeholder_id", "name", "job_title", "email", "company"])


def search_companies(session: Session, *, text: str = "", limit: int = 20) -> pd.DataFrame:
    """Companies whose name or industry matches; names starting with it first."""
    anywhere, start = _pattern(text)
    stmt = select(Company.id, Company.name, Company.industry)
    if text.strip():
        stmt = stmt.where(or_(func.lower(Company.name).like(anywhere),
                              func.lower(Company.industry).like(anywhere)))
    first = case((func.lower(Company.name).like(start), 0), else_=1)
    rows = session.execute(stmt.order_by(first, Company.name, Company.id).limit(limit)).all()
    return pd.DataFrame(rows, columns=["company_id", "name", "industry"])


def search_opportunities(session: Session, *, text: str = "", company_id: int | None = None,
                         limit: int = 20) -> pd.DataFrame:
    """Opportunities whose name or company matches; names starting with it first."""
    anywhere, start = _pattern(text)
    stmt = (select(Opportunity.id, Opportunity.name, Company.name.label("company"),
                   Opportunity.stage, Opportunity.value)
            .join(Company, Company.id == Opportunity.company_id))
    if text.strip():
        stmt = stmt.where(or_(func.lower(Opportunity.name).like(anywhere),
                              func.lower(Company.name).like(anywhere)))
    if company_id is not None:
        stmt = stmt.where(Opportunity.company_id == company_id)
    first = case((func.lower(Opportunity.name).like(start), 0), else_=1)
    rows = session.execute(stmt.order_by(first, Opportunity.name, Opportunity.id)
                           .limit(limit)).all()
    return pd.DataFrame(rows, columns=["opportunity_id", "name", "company", "stage", "value"])


def user_options(session: Session) -> pd.DataFrame:
    """Every user with how many stakeholder relationships they own (users are few)."""
    owned = (select(StakeholderRelationshipOwner.user_id,
                    func.count().label("owned"))
             .group_by(StakeholderRelationshipOwner.user_id).subquery())
    rows = session.execute(
        select(User.id, User.name, User.email, User.job_title,
               func.coalesce(owned.c.owned, 0))
        .outerjoin(owned, owned.c.user_id == User.id).order_by(User.name, User.id)).all()
    return pd.DataFrame(rows, columns=["user_id", "name", "email", "job_title", "owned"])
