"""What a new task can be linked to, scoped by what is already chosen: the chosen companies'
deals and stakeholders (and the chosen deals' stakeholders) first, then the rest that match."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import case, false, or_, select
from sqlalchemy.orm import Session

from crm_core.models import Company, Opportunity, Stakeholder, StakeholderOpportunity
from crm_core.queries.detail_search import deal_label
from crm_core.validation import search_text

LIMIT = 20


def _in(column, ids: Sequence[int]):
    return column.in_([int(i) for i in ids]) if ids else false()


def _matching(text: str, *columns):
    text = search_text(text)
    return or_(*(c.icontains(text, autoescape=True) for c in columns)) if text else None


def _ranked(session: Session, stmt, *, first, chosen, name_column, text_filter, limit: int):
    """The chosen ids, then the matches: those in scope (`first`) before the others."""
    scope = case((first, 0), else_=1)
    matches = stmt.where(~chosen) if text_filter is None else stmt.where(~chosen, text_filter)
    ids = list(session.scalars(stmt.where(chosen).order_by(name_column)))
    return ids + list(session.scalars(matches.order_by(scope, name_column).limit(limit)))


def company_choices(session: Session, *, text: str = "", chosen: Sequence[int] = (),
                    limit: int = LIMIT) -> pd.DataFrame:
    """id, label: the chosen companies, then those whose name contains the text."""
    ids = _ranked(session, select(Company.id), first=false(), chosen=_in(Company.id, chosen),
                  name_column=Company.name, text_filter=_matching(text, Company.name),
                  limit=limit)
    names = dict(session.execute(select(Company.id, Company.name)
                                 .where(Company.id.in_(ids))).tuples().all())
    return pd.DataFrame([(i, names[i]) for i in ids], columns=["id", "label"])


def deal_choices(session: Session, *, text: str = "", company_ids: Sequence[int] = (),
                 chosen: Sequence[int] = (), limit: int = LIMIT) -> pd.DataFrame:
    """id, label, company_id: the chosen deals, then the chosen companies' deals, then other
    deals whose name or company contains the text (a company's deals without any text)."""
    text_filter = _matching(text, Opportunity.name, Company.name)
    if text_filter is None and not company_ids:
        text_filter = false()   # nothing to scope by yet: only what is chosen
    elif text_filter is None:
        text_filter = _in(Opportunity.company_id, company_ids)
    ids = _ranked(session, select(Opportunity.id).join(Company),
                  first=_in(Opportunity.company_id, company_ids),
                  chosen=_in(Opportunity.id, chosen), name_column=Opportunity.name,
                  text_filter=text_filter, limit=limit)
    rows = {r.id: r for r in session.execute(
        select(Opportunity.id, Opportunity.name, Opportunity.stage, Opportunity.value,
               Opportunity.expected_close_date, Opportunity.company_id,
               Company.name.label("company")).join(Company).where(Opportunity.id.in_(ids)))}
    return pd.DataFrame([(i, deal_label(rows[i].name, rows[i].stage, rows[i].value,
                                        rows[i].expected_close_date, company=rows[i].company),
                          rows[i].company_id) for i in ids],
                        columns=["id", "label", "company_id"])


def stakeholder_choices(session: Session, *, text: str = "", company_ids: Sequence[int] = (),
                        opportunity_ids: Sequence[int] = (), chosen: Sequence[int] = (),
                        limit: int = LIMIT) -> pd.DataFrame:
    """id, label: the chosen stakeholders, then those of the chosen deals and companies, then
    others whose name or company contains the text."""
    on_deal = (select(StakeholderOpportunity.stakeholder_id)
               .where(_in(StakeholderOpportunity.opportunity_id, opportunity_ids)))
    in_scope = or_(_in(Stakeholder.company_id, company_ids), Stakeholder.id.in_(on_deal))
    text_filter = _matching(text, Stakeholder.name, Company.name)
    if text_filter is None:
        text_filter = in_scope if (company_ids or opportunity_ids) else false()
    ids = _ranked(session, select(Stakeholder.id).join(Company), first=in_scope,
                  chosen=_in(Stakeholder.id, chosen), name_column=Stakeholder.name,
                  text_filter=text_filter, limit=limit)
    rows = {r.id: r for r in session.execute(
        select(Stakeholder.id, Stakeholder.name, Company.name.label("company"))
        .join(Company).where(Stakeholder.id.in_(ids)))}
    return pd.DataFrame([(i, f"{rows[i].name} · {rows[i].company}") for i in ids],
                        columns=["id", "label"])
