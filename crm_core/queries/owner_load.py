"""How relationship ownership spreads across users: load per user, owners off the account team,
and the users x companies coverage matrix of the largest open accounts."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, aliased

from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    Stakeholder,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.queries.coverage import coverage_by_company
from crm_core.queries.coverage_lists import meddpicc_role_labels
from crm_core.queries.coverage_scope import (
    CoverageFilters,
    RowsPage,
    company_conditions,
    company_open_pipeline,
    fetch_rows,
    scoped_stakeholder_ids,
    stakeholder_conditions,
    unindexed,
)
from crm_core.vocab import OPEN_STAGES

Owner = StakeholderRelationshipOwner


def owner_load(session: Session, **filters: Any) -> pd.DataFrame:
    """One row per user (the user filter picks them): stakeholders owned, of which they are the
    sole owner, companies touched, and the open opportunities and pipeline those stakeholders
    are linked to (each opportunity counted once per user). Users who own nobody have 0s.

    The same statement as the benchmark's hand-written reference (bench/baselines.py), with
    the filters added: each part groups the ownerships by user and users are joined last.
    """
    f = CoverageFilters.of(**filters)
    scope = f.without_users()
    users = list(f.user_ids)
    # Per user through (user_id, stakeholder_id), each company from (id, company_id): both
    # narrow covering indexes. With a user filter their ownerships lead, the scope is tested.
    owned = (select(Owner.user_id, func.count().label("owned"),
                    func.count(func.distinct(Stakeholder.company_id)).label("companies"))
             .join(Stakeholder, Stakeholder.id == Owner.stakeholder_id)
             .where(*stakeholder_conditions(scope, probe=bool(users)))
             .group_by(Owner.user_id))
    # sole = owned - shared: only the stakeholders with two or more owners (few) are joined
    # back to their ownerships, rather than grouping every sole ownership by user.
    multi = (select(Owner.stakeholder_id).group_by(Owner.stakeholder_id)
             .having(func.count() > 1))
    # Distinct (opportunity, user) pairs first, so an opportunity linked to two stakeholders
    # of the same owner adds its value once. The links are walked in opportunity order
    # (covered by ix_stakeholder_opportunities_opportunity_stakeholder), so each deal is read
    # once, in order. unindexed: SQLite must not start from the open stages' index instead.
    links = StakeholderOpportunity
    pair_owner = aliased(Owner)
    pairs = (select(pair_owner.user_id, links.opportunity_id,
                    func.max(Opportunity.value).label("value"))
             .select_from(links)
             .join(Opportunity, Opportunity.id == links.opportunity_id)
             .join(pair_owner, pair_owner.stakeholder_id == links.stakeholder_id)
             .where(unindexed(Opportunity.stage).in_(OPEN_STAGES))
             .group_by(links.opportunity_id, pair_owner.user_id))
    if scope.active:
        # A narrow scope leads (its stakeholders' rows only); with a user filter, the users'
        # ownerships lead instead and the scope is only tested (unindexed).
        in_scope = scoped_stakeholder_ids(scope)
        multi = multi.where(Owner.stakeholder_id.in_(in_scope))
        linked = unindexed(links.stakeholder_id) if users else links.stakeholder_id
        pairs = pairs.where(linked.in_(in_scope))
    if users:  # every part reads only these users' rows
        owned = owned.where(Owner.user_id.in_(users))
        theirs = aliased(Owner)
        multi = multi.where(Owner.stakeholder_id.in_(
            select(theirs.stakeholder_id).where(theirs.user_id.in_(users))))
        pairs = pairs.where(pair_owner.user_id.in_(users))
    multi = multi.subquery("multi")
    other = aliased(Owner)
    shared = (select(other.user_id, func.count().label("shared"))
              .join(multi, multi.c.stakeholder_id == other.stakeholder_id)
              .group_by(other.user_id))
    if users:
        shared = shared.where(other.user_id.in_(users))
    owned, shared, pairs = owned.subquery("owned"), shared.subquery("shared"), pairs.subquery()
    pipeline = (select(pairs.c.user_id, func.count().label("opportunities"),
                       func.sum(pairs.c.value).label("pipeline"))
                .group_by(pairs.c.user_id).subquery("pipeline"))
    owned_count = func.coalesce(owned.c.owned, 0)
    stmt = (select(User.id, User.name, User.job_title, owned_count,
                   owned_count - func.coalesce(shared.c.shared, 0),
                   func.coalesce(owned.c.companies, 0),
                   func.coalesce(pipeline.c.opportunities, 0),
                   func.coalesce(pipeline.c.pipeline, 0))
            .outerjoin(owned, owned.c.user_id == User.id)
            .outerjoin(shared, shared.c.user_id == User.id)
            .outerjoin(pipeline, pipeline.c.user_id == User.id)
            .order_by(owned_count.desc(), User.name, User.id))
    if users:
        stmt = stmt.where(User.id.in_(users))
    frame = pd.DataFrame(fetch_rows(session, stmt), columns=[
        "user_id", "name", "job_title", "stakeholders_owned", "sole_owner_of",
        "companies_touched", "open_opportunities", "open_pipeline"])
    frame["open_pipeline"] = frame["open_pipeline"].astype(float)
    frame["owns_nobody"] = frame["stakeholders_owned"] == 0
    return frame


def off_account_team_owners(session: Session, *, limit: int | None = 50, offset: int = 0,
                            **filters: Any) -> RowsPage:
    """Ownerships whose owner is not on the stakeholder's company account team (off the account
    team; a seat on one of the company's deal teams does not count). The user filter picks the
    owners. limit=None: the whole list."""
    f = CoverageFilters.of(**filters)
    on_account_team = exists().where(CompanyAccountTeam.company_id == Stakeholder.company_id,
                                     CompanyAccountTeam.user_id == Owner.user_id)
    conditions = [*stakeholder_conditions(f.without_users()), ~on_account_team]
    if f.user_ids:
        conditions.append(Owner.user_id.in_(f.user_ids))

    def ownerships(stmt: Select) -> Select:
        return stmt.select_from(Owner).join(Stakeholder, Stakeholder.id == Owner.stakeholder_id)

    statement = (ownerships(
        select(Stakeholder.id, Stakeholder.name, Stakeholder.job_title, Company.id,
               Company.name, User.id, User.name, Owner.created_at, func.count().over()))
        .join(Company, Company.id == Stakeholder.company_id)
        # unindexed: read the ownerships in primary-key order, not user by user (random).
        .join(User, User.id == unindexed(Owner.user_id)).where(*conditions)
        .order_by(Company.name, Stakeholder.name, User.name, Owner.stakeholder_id,
                  Owner.user_id)
        .limit(limit).offset(offset))
    rows = fetch_rows(session, statement)
    if rows:
        total = rows[0][-1]
    else:  # past the last page: count on its own
        total = session.scalar(ownerships(select(func.count())).where(*conditions)) or 0
    frame = pd.DataFrame([row[:-1] for row in rows],
                         columns=["stakeholder_id", "stakeholder", "job_title", "company_id",
                                  "company", "owner_id", "owner", "owner_since"])
    labels = meddpicc_role_labels(session, stakeholder_ids=frame["stakeholder_id"].tolist())
    frame.insert(5, "meddpicc_roles", [labels.get(i, "") for i in frame["stakeholder_id"]])
    return RowsPage(rows=frame, total=int(total), limit=limit, offset=offset)


def coverage_matrix(session: Session, *, top_n: int = 15, max_users: int = 25,
                    **filters: Any) -> pd.DataFrame:
    """Users x companies for the top_n companies by open pipeline: one row per cell with the
    stakeholders the user owns there and whether they are on its account team. Users are the
    owners and team members of those companies (the user filter picks them), at most
    max_users of them: those owning the most stakeholders there, then on the most teams."""
    f = CoverageFilters.of(**filters)
    scope = f.without_users()
    pipeline = company_open_pipeline()
    top = session.execute(
        select(Company.id).join(pipeline, pipeline.c.company_id == Company.id)
        .where(*company_conditions(scope, Company.id))
        .order_by(pipeline.c.open_pipeline.desc(), Company.name, Company.id).limit(top_n)
    ).scalars().all()
    columns = ["user_id", "user", "user_rank", "company_id", "company", "owned",
               "on_account_team", "company_rank", "company_stakeholders", "company_orphaned",
               "company_open_pipeline"]
    if not top:
        return pd.DataFrame(columns=columns)
    companies = coverage_by_company(session, sort_by="pipeline",
                                    **{**_as_kwargs(scope), "company_ids": top})
    companies = companies.set_index("company_id")
    owned = session.execute(
        select(Owner.user_id, Stakeholder.company_id, func.count())
        .join(Stakeholder, Stakeholder.id == Owner.stakeholder_id)
        .where(Stakeholder.company_id.in_(top), *stakeholder_conditions(scope))
        .group_by(Owner.user_id, Stakeholder.company_id)).all()
    team = session.execute(select(CompanyAccountTeam.user_id, CompanyAccountTeam.company_id)
                           .where(CompanyAccountTeam.company_id.in_(top))).all()
    owned_by = {(u, c): n for u, c, n in owned}
    on_team = {(u, c) for u, c in team}
    user_ids = {u for u, _ in owned_by} | {u for u, _ in on_team}
    if f.user_ids:
        user_ids &= set(f.user_ids)
    names_of = dict(session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
                    .all())
    users = sorted(user_ids, key=lambda u: (
        -sum(n for (owner, _), n in owned_by.items() if owner == u),
        -sum(1 for member, _ in on_team if member == u), names_of[u], u))[:max_users]
    names = session.execute(select(Company.id, Company.name).where(Company.id.in_(top))).all()
    company_names = dict(names)
    cells = [(u, names_of[u], user_rank, c, company_names[c], owned_by.get((u, c), 0),
              (u, c) in on_team, rank,
              int(companies["stakeholders"].get(c, 0)), int(companies["orphaned"].get(c, 0)),
              float(companies["open_pipeline"].get(c, 0.0)))
             for user_rank, u in enumerate(users, start=1)
             for rank, c in enumerate(top, start=1)]
    return pd.DataFrame(cells, columns=columns)


def _as_kwargs(f: CoverageFilters) -> dict[str, Any]:
    return {"company_ids": f.company_ids, "industries": f.industries, "user_ids": f.user_ids,
            "meddpicc_roles": f.meddpicc_roles,
            "only_with_open_opportunities": f.only_with_open_opportunities}
