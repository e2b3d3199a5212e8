"""Pick boxes of the detail pages: the top matches of a typed name (or email), never a whole
table. Each function returns (id, label) rows, names starting with the text first."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Select, case, func, literal, or_, select
from sqlalchemy.orm import Session

from crm_core.models import Company, Opportunity, Stakeholder, User
from crm_core.vocab import STAGES

DEFAULT_LIMIT = 20


def _ranked(stmt: Select, name_column, text: str, *searched) -> Select:
    text = text.strip()
    if text:
        stmt = stmt.where(or_(*(column.icontains(text, autoescape=True) for column in searched)))
        starts = case((name_column.istartswith(text, autoescape=True), 0), else_=1)
    else:
        starts = literal(0)
    return stmt.order_by(starts, name_column)


def _frame(session: Session, stmt: Select, limit: int) -> pd.DataFrame:
    return pd.DataFrame(session.execute(stmt.limit(limit)).all(), columns=["id", "label"])


def search_users(session: Session, *, text: str = "", limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
    """Users whose name or email contains the text: 'Alice Archer · Account Executive'."""
    label = User.name + " · " + _or_blank(User.job_title) + " · " + User.email
    stmt = _ranked(select(User.id, label), User.name, text, User.name, User.email)
    return _frame(session, stmt.order_by(User.id), limit)


def search_stakeholders(session: Session, *, text: str = "",
                        limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
    """Stakeholders whose name or email contains the text: 'Dana Diaz · CFO · Acme Corp'."""
    label = Stakeholder.name + " · " + _or_blank(Stakeholder.job_title) + " · " + Company.name
    stmt = _ranked(select(Stakeholder.id, label)
                   .join(Company, Company.id == Stakeholder.company_id),
                   Stakeholder.name, text, Stakeholder.name, Stakeholder.email)
    return _frame(session, stmt.order_by(Stakeholder.id), limit)


def search_companies(session: Session, *, text: str = "",
                     limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
    """Companies whose name or website contains the text: 'Acme Corp · Manufacturing'."""
    label = Company.name + " · " + _or_blank(Company.industry)
    stmt = _ranked(select(Company.id, label), Company.name, text, Company.name, Company.website)
    return _frame(session, stmt.order_by(Company.id), limit)


def search_opportunities(session: Session, *, text: str = "",
                         limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
    """Opportunities whose name or company contains the text: 'Acme Platform · Acme Corp'."""
    stmt = _ranked(select(Opportunity.id, Opportunity.name, Company.name.label("company"),
                          Opportunity.stage)
                   .join(Company, Company.id == Opportunity.company_id),
                   Opportunity.name, text, Opportunity.name, Company.name)
    rows = session.execute(stmt.order_by(Opportunity.id).limit(limit)).all()
    return pd.DataFrame([(r.id, f"{r.name} · {r.company} · {STAGES.label(r.stage)}")
                         for r in rows], columns=["id", "label"])


def _or_blank(column):
    return func.coalesce(column, "—")
