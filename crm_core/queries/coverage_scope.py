"""The filters every coverage question takes, and the SQL building blocks they share.

Company-level filters (companies, industries, account team members, "only companies with open
opportunities") narrow the companies; the MEDDPICC role filter narrows the stakeholders.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, Subquery, exists, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from crm_core.errors import ValidationError
from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.queries.scope import WHOLE, Scope, departed_user_ids, scoped_company_ids
from crm_core.vocab import MEDDPICC_ROLES, OPEN_STAGES


@dataclass(frozen=True)
class CoverageFilters:
    """What a coverage question is narrowed to; empty means everything."""

    company_ids: tuple[int, ...] = ()
    industries: tuple[str, ...] = ()
    user_ids: tuple[int, ...] = ()  # stakeholders of the companies these users are on the team of
    meddpicc_roles: tuple[str, ...] = ()  # stakeholders playing any of these MEDDPICC roles
    only_with_open_opportunities: bool = False
    scope: str = WHOLE  # companies where someone in this scope is on the account team

    @classmethod
    def of(cls, **filters: Any) -> CoverageFilters:
        """Filters from keyword arguments (lists or tuples); unknown names raise TypeError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(filters) - known)
        if unknown:
            raise TypeError(f"unknown coverage filter(s): {', '.join(unknown)}")
        roles = tuple(filters.get("meddpicc_roles") or ())
        bad = [r for r in roles if r not in MEDDPICC_ROLES]
        if bad:
            raise ValidationError(f"'{bad[0]}' is not a MEDDPICC role.", field="meddpicc_roles")
        return cls(company_ids=_ints(filters.get("company_ids")),
                   industries=tuple(filters.get("industries") or ()),
                   user_ids=_ints(filters.get("user_ids")), meddpicc_roles=roles,
                   only_with_open_opportunities=bool(filters.get("only_with_open_opportunities")),
                   scope=str(Scope.parse(filters.get("scope"))))

    @property
    def active(self) -> bool:
        """True when any filter narrows the stakeholders."""
        return bool(self.company_ids or self.industries or self.user_ids or self.meddpicc_roles
                    or self.only_with_open_opportunities or self.scope != WHOLE)

    def without_users(self) -> CoverageFilters:
        """The same filters with the user filter dropped (it picks users, not stakeholders)."""
        return replace(self, user_ids=())


def _ints(values: Iterable[Any] | None) -> tuple[int, ...]:
    return tuple(int(v) for v in values or ())


@dataclass(frozen=True)
class RowsPage:
    """One page of a list: the rows shown, and how many rows the whole list has."""

    rows: pd.DataFrame
    total: int
    limit: int | None  # None: the whole list
    offset: int


def company_conditions(f: CoverageFilters, company_id: ColumnElement) -> list[ColumnElement]:
    """Conditions on a company id column for the company-level filters (uncorrelated IN)."""
    conditions: list[ColumnElement] = []
    if f.company_ids:
        conditions.append(company_id.in_(f.company_ids))
    if f.industries:
        conditions.append(company_id.in_(
            select(Company.id).where(Company.industry.in_(f.industries))))
    if f.user_ids:
        conditions.append(company_id.in_(
            select(CompanyAccountTeam.company_id).where(CompanyAccountTeam.user_id.in_(f.user_ids))))
    in_scope = scoped_company_ids(Scope.parse(f.scope))
    if in_scope is not None:
        conditions.append(company_id.in_(in_scope))
    if f.only_with_open_opportunities:
        conditions.append(company_id.in_(
            select(Opportunity.company_id).where(Opportunity.stage.in_(OPEN_STAGES))))
    return conditions


def stakeholder_conditions(f: CoverageFilters, *, probe: bool = False) -> list[ColumnElement]:
    """Conditions on the Stakeholder table for every filter.

    probe=True when the rows are already narrowed by something more selective (e.g. a few
    users' ownerships): SQLite then only tests each stakeholder found against the filters'
    lists, rather than starting from those lists (or looking each list entry up in a
    two-column index, which it does for an IN on the second column).
    """
    def column(c: ColumnElement) -> ColumnElement:
        return unindexed(c) if probe else c

    conditions = company_conditions(f, column(Stakeholder.company_id))
    if f.meddpicc_roles:
        conditions.append(column(Stakeholder.id).in_(
            select(StakeholderMeddpiccRole.stakeholder_id)
            .where(StakeholderMeddpiccRole.meddpicc_role.in_(f.meddpicc_roles))))
    return conditions


def scoped_stakeholder_ids(f: CoverageFilters) -> Select:
    """The ids of the stakeholders the filters keep."""
    return select(Stakeholder.id).where(*stakeholder_conditions(f))


def owner_counts(f: CoverageFilters) -> Subquery:
    """(stakeholder_id, owners) of every owned stakeholder in scope; only owners who have not
    departed count (a stakeholder whose only owners departed is orphaned).

    Aggregates the owners table alone, walking its primary key: the foreign key guarantees the
    stakeholder exists, so no join is needed unless a filter narrows the stakeholders.
    """
    owners = StakeholderRelationshipOwner
    stmt = (select(owners.stakeholder_id, func.count().label("owners"))
            .where(owners.user_id.not_in(departed_user_ids())).group_by(owners.stakeholder_id))
    if f.active:
        stmt = stmt.where(owners.stakeholder_id.in_(scoped_stakeholder_ids(f)))
    return stmt.subquery("owner_counts")


def active_owner_exists() -> ColumnElement:
    """True for a Stakeholder row with at least one owner who has not departed."""
    owners = StakeholderRelationshipOwner
    return exists().where(owners.stakeholder_id == Stakeholder.id,
                          owners.user_id.not_in(departed_user_ids()))


def owner_departed_ids(f: CoverageFilters) -> Select:
    """Stakeholders in scope orphaned because their owners departed: every owner has departed.

    Starts from the departed users' ownerships (few) and keeps those with no other owner still
    here.
    """
    owners, others = StakeholderRelationshipOwner, aliased(StakeholderRelationshipOwner)
    stmt = (select(owners.stakeholder_id).distinct()
            .where(owners.user_id.in_(departed_user_ids()),
                   ~exists().where(others.stakeholder_id == owners.stakeholder_id,
                                   others.user_id.not_in(departed_user_ids()))))
    if f.active:
        # Each of the few found is tested against the filters (probe), rather than building
        # the set of every stakeholder the filters keep.
        stmt = (stmt.join(Stakeholder, Stakeholder.id == owners.stakeholder_id)
                .where(*stakeholder_conditions(f, probe=True)))
    return stmt


def company_open_pipeline() -> Subquery:
    """(company_id, open_pipeline, open_opportunities) of companies with open opportunities."""
    return (select(Opportunity.company_id, func.sum(Opportunity.value).label("open_pipeline"),
                   func.count().label("open_opportunities"))
            .where(Opportunity.stage.in_(OPEN_STAGES)).group_by(Opportunity.company_id)
            .subquery("company_pipeline"))


class unindexed(FunctionElement):
    """A column SQLite's planner must not use an index for (rendered `+column` there, the
    documented way); other databases see the plain column, so their estimates stay right.

    Used where SQLite would otherwise start from an index that leads to a random-access walk
    (e.g. from each open opportunity to its links) instead of reading a link table in order.
    """

    inherit_cache = True
    name = "unindexed"


@compiles(unindexed)
def _plain_column(element: unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _unary_plus_column(element: unindexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def fetch_rows(session: Session, stmt: Select) -> list[Any]:
    """All rows of a column query, through the session's connection.

    Plain Core execution: the ORM's result machinery triples the cost of fetching the 20,000
    rows of a per-company breakdown and adds nothing for rows that are not objects.
    """
    return list(session.connection().execute(stmt).all())


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (0 of 0 is not 0%)."""
    return part / whole if whole else None


def filter_choices(session: Session, *, industries: Iterable[str] = (),
                   company_limit: int = 500) -> dict[str, pd.DataFrame | list[str]]:
    """What the coverage filters offer: industries, users, and the companies (largest open
    pipeline first, at most company_limit of them, narrowed to the chosen industries)."""
    industry_list = list(session.scalars(
        select(Company.industry).where(Company.industry.is_not(None)).distinct()
        .order_by(Company.industry)))
    users = pd.DataFrame(session.execute(select(User.id, User.name).order_by(User.name, User.id))
                         .all(), columns=["user_id", "name"])
    pipeline = company_open_pipeline()
    stmt = (select(Company.id, Company.name)
            .outerjoin(pipeline, pipeline.c.company_id == Company.id)
            .order_by(func.coalesce(pipeline.c.open_pipeline, 0).desc(), Company.name, Company.id)
            .limit(company_limit))
    industries = tuple(industries)
    if industries:
        stmt = stmt.where(Company.industry.in_(industries))
    companies = pd.DataFrame(fetch_rows(session, stmt), columns=["company_id", "name"])
    return {"industries": industry_list, "users": users, "companies": companies}
