"""Relationship-ownership coverage: how many stakeholders have an owner, overall and broken down.

Owned = at least one relationship owner; orphaned = none; single-owner = exactly one (a risk if
that person leaves); multi-owner = two or more. Every figure is computed in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from crm_core.models import Company, CompanyAccountTeam, Stakeholder, StakeholderMeddpiccRole, User
from crm_core.queries.coverage_scope import (
    CoverageFilters,
    company_conditions,
    company_open_pipeline,
    fetch_rows,
    owner_counts,
    owner_departed_ids,
    share,
    stakeholder_conditions,
)
from crm_core.vocab import MEDDPICC_ROLES

COUNT_COLUMNS = ["stakeholders", "owned", "orphaned", "single_owner", "multi_owner"]
SORTS = ("orphaned", "pipeline", "single_owner", "stakeholders", "owned_share", "name")


@dataclass(frozen=True)
class CoverageSummary:
    """Stakeholder ownership coverage of everything the filters keep."""

    stakeholders: int
    owned: int
    orphaned: int
    single_owner: int
    multi_owner: int
    owned_share: float | None
    orphaned_owner_departed: int = 0  # of the orphaned: every owner they had has departed


def coverage_summary(session: Session, **filters: Any) -> CoverageSummary:
    """Total, owned, orphaned (and of them, orphaned because the owners departed), single-owner
    and multi-owner stakeholders, and the owned share."""
    f = CoverageFilters.of(**filters)
    total = session.scalar(select(func.count()).select_from(Stakeholder)
                           .where(*stakeholder_conditions(f))) or 0
    counts = owner_counts(f)
    owned, single, multi = session.execute(select(
        func.count(), func.coalesce(func.sum(case((counts.c.owners == 1, 1), else_=0)), 0),
        func.coalesce(func.sum(case((counts.c.owners > 1, 1), else_=0)), 0))).one()
    departed = session.scalar(select(func.count()).select_from(
        owner_departed_ids(f).subquery())) or 0
    return CoverageSummary(stakeholders=int(total), owned=int(owned), orphaned=int(total - owned),
                           single_owner=int(single), multi_owner=int(multi),
                           owned_share=share(int(owned), int(total)),
                           orphaned_owner_departed=int(departed))


def _per_company(f: CoverageFilters) -> Select:
    """(company_id, stakeholders, owned, single_owner, multi_owner) of companies in scope.

    Two aggregates joined on company: stakeholder totals from the (company_id, id) index, and
    owner counts joined to stakeholders by primary key; no correlated subquery per row.
    """
    totals = (select(Stakeholder.company_id, func.count().label("stakeholders"))
              .where(*stakeholder_conditions(f)).group_by(Stakeholder.company_id)
              .subquery("totals"))
    counts = owner_counts(f)
    owned = (select(Stakeholder.company_id, func.count().label("owned"),
                    func.sum(case((counts.c.owners == 1, 1), else_=0)).label("single_owner"),
                    func.sum(case((counts.c.owners > 1, 1), else_=0)).label("multi_owner"))
             .select_from(counts).join(Stakeholder, Stakeholder.id == counts.c.stakeholder_id)
             .group_by(Stakeholder.company_id).subquery("owned"))
    return (select(totals.c.company_id, totals.c.stakeholders,
                   func.coalesce(owned.c.owned, 0).label("owned"),
                   func.coalesce(owned.c.single_owner, 0).label("single_owner"),
                   func.coalesce(owned.c.multi_owner, 0).label("multi_owner"))
            .outerjoin(owned, owned.c.company_id == totals.c.company_id))


def _with_shares(frame: pd.DataFrame) -> pd.DataFrame:
    """Orphaned from stakeholders - owned, and the owned share (None for 0 stakeholders)."""
    for column in ["stakeholders", "owned", "single_owner", "multi_owner"]:
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["orphaned"] = frame["stakeholders"] - frame["owned"]
    frame["owned_share"] = [share(o, t) for o, t in zip(frame["owned"], frame["stakeholders"],
                                                        strict=True)]
    return frame


def _order(sort_by: str, *, orphaned, pipeline, single, stakeholders, owned, name) -> list:
    if sort_by not in SORTS:
        raise ValueError(f"sort_by must be one of {', '.join(SORTS)}, not {sort_by!r}")
    owned_share = owned * 1.0 / stakeholders
    return {"orphaned": [orphaned.desc(), pipeline.desc()],
            "pipeline": [pipeline.desc(), orphaned.desc()],
            "single_owner": [single.desc(), pipeline.desc()],
            "stakeholders": [stakeholders.desc(), pipeline.desc()],
            "owned_share": [owned_share.asc(), orphaned.desc()],
            "name": [name.asc()]}[sort_by] + [name.asc()]


def coverage_by_company(session: Session, *, sort_by: str = "orphaned", limit: int | None = None,
                        offset: int = 0, **filters: Any) -> pd.DataFrame:
    """One row per company with stakeholders in scope: the coverage counts, owned share, and
    open pipeline; sorted by sort_by (see SORTS), optionally one page of them."""
    f = CoverageFilters.of(**filters)
    per_company = _per_company(f).subquery("per_company")
    pipeline = company_open_pipeline()
    open_pipeline = func.coalesce(pipeline.c.open_pipeline, 0)
    pc = per_company.c
    stmt = (select(Company.id, Company.name, Company.industry, pc.stakeholders, pc.owned,
                   pc.single_owner, pc.multi_owner, open_pipeline.label("open_pipeline"),
                   func.coalesce(pipeline.c.open_opportunities, 0).label("open_opportunities"))
            .join(per_company, pc.company_id == Company.id)
            .outerjoin(pipeline, pipeline.c.company_id == Company.id)
            .order_by(*_order(sort_by, orphaned=pc.stakeholders - pc.owned,
                              pipeline=open_pipeline, single=pc.single_owner,
                              stakeholders=pc.stakeholders, owned=pc.owned, name=Company.name),
                      Company.id)
            .limit(limit).offset(offset or None))
    frame = pd.DataFrame(fetch_rows(session, stmt), columns=[
        "company_id", "company", "industry", "stakeholders", "owned", "single_owner",
        "multi_owner", "open_pipeline", "open_opportunities"])
    frame["open_pipeline"] = frame["open_pipeline"].astype(float)
    return _with_shares(frame)[["company_id", "company", "industry", *COUNT_COLUMNS,
                                "owned_share", "open_pipeline", "open_opportunities"]]


def coverage_by_industry(session: Session, *, sort_by: str = "orphaned",
                         **filters: Any) -> pd.DataFrame:
    """One row per industry (None: companies without one): companies, coverage counts, owned
    share and open pipeline."""
    f = CoverageFilters.of(**filters)
    per_company = _per_company(f).subquery("per_company")
    pipeline = company_open_pipeline()
    pc = per_company.c
    open_pipeline = func.coalesce(func.sum(pipeline.c.open_pipeline), 0)
    stakeholders, owned = func.sum(pc.stakeholders), func.sum(pc.owned)
    stmt = (select(Company.industry, func.count().label("companies"), stakeholders, owned,
                   func.sum(pc.single_owner), func.sum(pc.multi_owner), open_pipeline)
            .select_from(per_company).join(Company, Company.id == pc.company_id)
            .outerjoin(pipeline, pipeline.c.company_id == Company.id)
            .group_by(Company.industry)
            .order_by(*_order(sort_by, orphaned=stakeholders - owned, pipeline=open_pipeline,
                              single=func.sum(pc.single_owner), stakeholders=stakeholders,
                              owned=owned, name=Company.industry)))
    frame = pd.DataFrame(fetch_rows(session, stmt), columns=[
        "industry", "companies", "stakeholders", "owned", "single_owner", "multi_owner",
        "open_pipeline"])
    frame["open_pipeline"] = frame["open_pipeline"].astype(float)
    return _with_shares(frame)[["industry", "companies", *COUNT_COLUMNS, "owned_share",
                                "open_pipeline"]]


def coverage_by_team_member(session: Session, **filters: Any) -> pd.DataFrame:
    """One row per account team member: the coverage of the stakeholders of the companies whose
    account team they are on (most orphaned first). The user filter picks the rows."""
    f = CoverageFilters.of(**filters)
    per_company = _per_company(f.without_users()).subquery("per_company")
    pc = per_company.c
    team = CompanyAccountTeam
    stmt = (select(User.id, User.name, User.job_title, func.count().label("companies"),
                   func.sum(pc.stakeholders), func.sum(pc.owned), func.sum(pc.single_owner),
                   func.sum(pc.multi_owner))
            .select_from(team).join(per_company, pc.company_id == team.company_id)
            .join(User, User.id == team.user_id)
            .group_by(User.id, User.name, User.job_title)
            .order_by((func.sum(pc.stakeholders) - func.sum(pc.owned)).desc(), User.name))
    if f.user_ids:
        stmt = stmt.where(team.user_id.in_(f.user_ids))
    frame = pd.DataFrame(fetch_rows(session, stmt), columns=[
        "user_id", "name", "job_title", "companies", "stakeholders", "owned", "single_owner",
        "multi_owner"])
    return _with_shares(frame)[["user_id", "name", "job_title", "companies", *COUNT_COLUMNS,
                                "owned_share"]]


def coverage_by_meddpicc_role(session: Session, **filters: Any) -> pd.DataFrame:
    """One row per MEDDPICC role (vocabulary order): the coverage of the stakeholders playing
    it, e.g. how many economic buyers have no owner. A stakeholder counts under each role."""
    f = CoverageFilters.of(**filters)
    roles = StakeholderMeddpiccRole
    counts = owner_counts(f)
    stmt = (select(roles.meddpicc_role, func.count().label("stakeholders"),
                   func.count(counts.c.stakeholder_id).label("owned"),
                   func.sum(case((counts.c.owners == 1, 1), else_=0)).label("single_owner"),
                   func.sum(case((counts.c.owners > 1, 1), else_=0)).label("multi_owner"))
            .outerjoin(counts, counts.c.stakeholder_id == roles.stakeholder_id)
            .group_by(roles.meddpicc_role))
    in_companies = company_conditions(f, Stakeholder.company_id)
    if in_companies:
        stmt = stmt.where(roles.stakeholder_id.in_(select(Stakeholder.id).where(*in_companies)))
    if f.meddpicc_roles:
        stmt = stmt.where(roles.meddpicc_role.in_(f.meddpicc_roles))
    found = {row.meddpicc_role: row for row in session.execute(stmt)}
    shown = [r for r in MEDDPICC_ROLES if not f.meddpicc_roles or r in f.meddpicc_roles]
    frame = pd.DataFrame([
        (role, MEDDPICC_ROLES.label(role), *(
            (found[role].stakeholders, found[role].owned, found[role].single_owner,
             found[role].multi_owner) if role in found else (0, 0, 0, 0)))
        for role in shown],
        columns=["meddpicc_role", "label", "stakeholders", "owned", "single_owner",
                 "multi_owner"])
    return _with_shares(frame)[["meddpicc_role", "label", *COUNT_COLUMNS, "owned_share"]]
