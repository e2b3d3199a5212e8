"""Pick boxes of the detail pages: the top matches of a typed name (or email), never a whole
table. Each function returns (id, label) rows, names starting with the text first.

The matching ids are chosen first (filter, order, LIMIT on the one table), then labelled, so a
search over 200,000 stakeholders sorts only its matches and joins only the page it shows.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Select, case, or_, select
from sqlalchemy.orm import Session

from crm_core.models import Company, Opportunity, Stakeholder, User
from crm_core.validation import search_text
from crm_core.vocab import STAGES

DEFAULT_LIMIT = 20


def _top_ids(session: Session, stmt: Select, *, text: str, name_column, searched,
             browse_order, limit: int) -> list[int]:
    """Ids matching the text (names starting with it first, then by name), or, without text,
    the first `limit` in `browse_order`."""
    text = search_text(text)
    if not text:
        return list(session.scalars(stmt.order_by(*browse_order).limit(limit)))
    starts = case((name_column.istartswith(text, autoescape=True), 0), else_=1)
    stmt = stmt.where(or_(*(column.icontains(text, autoescape=True) for column in searched)))
    return list(session.scalars(stmt.order_by(starts, name_column, *browse_order).limit(limit)))


def _in_order(ids: list[int], labels: dict[int, str]) -> pd.DataFrame:
    return pd.DataFrame([(i, labels[i]) for i in ids if i in labels], columns=["id", "label"])


def _or_dash(value: str | None) -> str:
    return value or "—"


def search_users(session: Session, *, text: str = "", limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
    """Users whose name or email contains the text (all by name without text):
    'Alice Archer · Account Executive · alice@ourco.example'."""
    ids = _top_ids(session, select(User.id), text=text, name_column=User.name,
                   searched=(User.name, User.email), browse_order=(User.name, User.id),
                   limit=limit)
    rows = session.execute(select(User.id, User.name, User.job_title, User.email)
                           .where(User.id.in_(ids))).all()
    return _in_order(ids, {r.id: f"{r.name} · {_or_dash(r.job_title)} · {_or_dash(r.email)}"
                           for r in rows})


def search_stakeholders(session: Session, *, text: str = "",
                        limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
    """Stakeholders whose name or email contains the text (the newest without text):
    'Dana Diaz · CFO · Acme Corp'."""
    ids = _top_ids(session, select(Stakeholder.id), text=text, name_column=Stakeholder.name,
                   searched=(Stakeholder.name, Stakeholder.email),
                   browse_order=(Stakeholder.id.desc(),), limit=limit)
    rows = session.execute(select(Stakeholder.id, Stakeholder.name, Stakeholder.job_title,
                                  Company.name.label("company"))
                           .join(Company, Company.id == Stakeholder.company_id)
                           .where(Stakeholder.id.in_(ids))).all()
    return _in_order(ids, {r.id: f"{r.name} · {_or_dash(r.job_title)} · {r.company}"
                           for r in rows})


def search_companies(session: Session, *, text: str = "",
                     limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
    """Companies whose name or website contains the text (all by name without text):
    'Acme Corp · Manufacturing'."""
    ids = _top_ids(session, select(Company.id), text=text, name_column=Company.name,
                   searched=(Company.name, Company.website),
                   browse_order=(Company.name, Company.id), limit=limit)
    rows = session.execute(select(Company.id, Company.name, Company.industry)
                           .where(Company.id.in_(ids))).all()
    return _in_order(ids, {r.id: f"{r.name} · {_or_dash(r.industry)}" for r in rows})


def search_opportunities(session: Session, *, text: str = "",
                         limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
    """Opportunities whose name or company contains the text (the newest without text):
    'Acme Platform · Acme Corp · Solution · $120,000 · closes 2027-03-31' (deals of one company
    may share a name: stage, value and close date tell them apart)."""
    ids = _top_ids(session, select(Opportunity.id).join(
        Company, Company.id == Opportunity.company_id), text=text, name_column=Opportunity.name,
        searched=(Opportunity.name, Company.name), browse_order=(Opportunity.id.desc(),),
        limit=limit)
    rows = session.execute(select(Opportunity.id, Opportunity.name, Opportunity.stage,
                                  Opportunity.value, Opportunity.expected_close_date,
                                  Company.name.label("company"))
                           .join(Company, Company.id == Opportunity.company_id)
                           .where(Opportunity.id.in_(ids))).all()
    return _in_order(ids, {r.id: deal_label(r.name, r.stage, r.value, r.expected_close_date,
                                            company=r.company) for r in rows})


def deal_label(name: str, stage: str, value: float, close: date | None, *,
               company: str | None = None) -> str:
    """'Renewal · Acme · Proposal · $5,000 · closes 2027-01-31': deals of one company may share
    a name, so a picker tells them apart by stage, value and close date."""
    parts = [name, company, STAGES.label(stage), f"${value:,.0f}",
             f"closes {close.isoformat() if close else '—'}"]
    return " · ".join(p for p in parts if p)

