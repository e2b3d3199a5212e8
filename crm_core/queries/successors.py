"""Who should take over a rep's book, company by company: the users who have not departed,
ranked by their seat on that account, the accounts they share with the rep, their accounts in
the same industry, the same region, and a lighter load, each with the reason in words.

A successor with a similar book keeps more of the revenue than a star with none, so what they
share with the rep ranks before how few relationships they own.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Stakeholder,
    StakeholderRelationshipOwner,
    User,
)

COLUMNS = ["company_id", "company", "rank", "user_id", "name", "reason"]


def _book(session: Session, user_id: int) -> pd.DataFrame:
    """The companies of the stakeholders the user owns: company_id, company, industry."""
    rows = session.execute(
        select(Company.id, Company.name, Company.industry).distinct()
        .join(Stakeholder, Stakeholder.company_id == Company.id)
        .join(StakeholderRelationshipOwner,
              StakeholderRelationshipOwner.stakeholder_id == Stakeholder.id)
        .where(StakeholderRelationshipOwner.user_id == user_id).order_by(Company.name)).all()
    return pd.DataFrame(rows, columns=["company_id", "company", "industry"])


def successor_suggestions(session: Session, *, from_user_id: int, per_company: int = 3
                          ) -> pd.DataFrame:
    """company_id, company, rank (1 best), user_id, name, reason: the best `per_company`
    successors for each company of the user's book."""
    book = _book(session, from_user_id)
    if book.empty:
        return pd.DataFrame(columns=COLUMNS)
    giver_region = session.scalar(select(User.region_id).where(User.id == from_user_id))
    owned = (select(StakeholderRelationshipOwner.user_id, func.count().label("owned"))
             .group_by(StakeholderRelationshipOwner.user_id).subquery())
    users = session.execute(
        select(User.id, User.name, User.region_id, func.coalesce(owned.c.owned, 0))
        .outerjoin(owned, owned.c.user_id == User.id)
        .where(User.departed_on.is_(None), User.id != from_user_id)).all()
    # Seats on the book's accounts, and accounts per industry, per user (both small results).
    book_ids = [int(i) for i in book["company_id"]]
    seats = set(session.execute(select(CompanyAccountTeam.user_id, CompanyAccountTeam.company_id)
                                .where(CompanyAccountTeam.company_id.in_(book_ids))).tuples())
    industries = {(u, i): n for u, i, n in session.execute(
        select(CompanyAccountTeam.user_id, Company.industry, func.count())
        .join(Company, Company.id == CompanyAccountTeam.company_id)
        .where(Company.industry.in_(set(book["industry"].dropna())))
        .group_by(CompanyAccountTeam.user_id, Company.industry))}
    shared = {u.id: sum((u.id, c) in seats for c in book_ids) for u in users}
    rows = []
    for company in book.itertuples():
        scored = []
        for u in users:
            on_account = (u.id, int(company.company_id)) in seats
            same_industry = industries.get((u.id, company.industry), 0)
            same_region = giver_region is not None and u.region_id == giver_region
            key = (not on_account, -shared[u.id], -same_industry, not same_region, u[3], u.name)
            scored.append((key, u, on_account, same_industry, same_region))
        scored.sort(key=lambda s: s[0])
        for rank, (_, u, on_account, same_industry, same_region) in enumerate(
                scored[:per_company], start=1):
            reasons = (["on this account team"] if on_account else []) + [
                f"shares {shared[u.id]} of {len(book_ids)} accounts",
                f"{same_industry} account(s) in {company.industry or 'no industry'}"]
            if same_region:
                reasons.append("same region")
            reasons.append(f"owns {u[3]}")
            rows.append((int(company.company_id), company.company, rank, u.id, u.name,
                         "; ".join(reasons)))
    return pd.DataFrame(rows, columns=COLUMNS)


def book_stakeholders(session: Session, *, from_user_id: int) -> pd.DataFrame:
    """stakeholder_id, company_id, company: the relationships the user owns."""
    rows = session.execute(
        select(Stakeholder.id, Company.id, Company.name)
        .join(Company, Company.id == Stakeholder.company_id)
        .join(StakeholderRelationshipOwner,
              StakeholderRelationshipOwner.stakeholder_id == Stakeholder.id)
        .where(StakeholderRelationshipOwner.user_id == from_user_id)
        .order_by(Company.name, Stakeholder.id)).all()
    return pd.DataFrame(rows, columns=["stakeholder_id", "company_id", "company"])
