"""The stakeholders behind the coverage figures: orphaned and single-owner lists, paginated in SQL.

Both lists are sorted by the open pipeline the stakeholder is linked to, so the relationships
that matter most for current deals come first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Subquery, and_, exists, func, select
from sqlalchemy.orm import Session

from crm_core.models import (
    Company,
    Opportunity,
    Stakeholder,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.queries.coverage_scope import (
    CoverageFilters,
    RowsPage,
    active_owner_exists,
    fetch_rows,
    owner_counts,
    stakeholder_conditions,
    unindexed,
)
from crm_core.queries.detail_common import role_labels, roles_by_stakeholder
from crm_core.queries.scope import departed_user_ids
from crm_core.vocab import OPEN_STAGES

STAKEHOLDER_COLUMNS = ["stakeholder_id", "stakeholder", "job_title", "company_id", "company",
                       "open_opportunities", "open_pipeline"]


def meddpicc_role_labels(session: Session, *, stakeholder_ids: Sequence[int]) -> dict[int, str]:
    """Each stakeholder's MEDDPICC roles as labels in vocabulary order ('Champion, User')."""
    roles = roles_by_stakeholder(session, stakeholder_ids=stakeholder_ids)
    return {sid: role_labels(values) for sid, values in roles.items()}


def _open_pipeline_per_stakeholder() -> Subquery:
    """(stakeholder_id, open_pipeline, open_opportunities) of stakeholders on open deals."""
    links = StakeholderOpportunity
    # unindexed: SQLite must not start at the open opportunities (a table lookup per link); it
    # walks the link table in stakeholder order instead, so the GROUP BY needs no sort.
    return (select(links.stakeholder_id, func.sum(Opportunity.value).label("open_pipeline"),
                   func.count().label("open_opportunities"))
            .join(Opportunity, Opportunity.id == unindexed(links.opportunity_id))
            .where(unindexed(Opportunity.stage).in_(OPEN_STAGES))
            .group_by(links.stakeholder_id).subquery("stakeholder_pipeline"))


def _page(session: Session, conditions: list[ColumnElement], *, extra: Sequence = (),
          extra_names: Sequence[str] = (), joins: Sequence = (), few: bool, limit: int | None,
          offset: int) -> RowsPage:
    """One page of stakeholders meeting the conditions, biggest open pipeline first.

    few: the conditions keep a minority (orphans), so their open deals are joined and grouped
    in the same walk; otherwise (most stakeholders) everyone's open pipeline is aggregated
    once from the link table and joined, which avoids sorting wide rows to group them.
    """
    total = session.scalar(select(func.count()).select_from(Stakeholder).where(*conditions)) or 0
    links = StakeholderOpportunity
    if few:
        deals, open_pipeline = func.count(Opportunity.id), func.coalesce(func.sum(
            Opportunity.value), 0)
    else:
        pipeline = _open_pipeline_per_stakeholder()
        deals = func.coalesce(pipeline.c.open_opportunities, 0)
        open_pipeline = func.coalesce(pipeline.c.open_pipeline, 0)
    stmt = (select(Stakeholder.id, Stakeholder.name, Stakeholder.job_title,
                   Stakeholder.company_id, Company.name, deals, open_pipeline, *extra)
            .join(Company, Company.id == Stakeholder.company_id))
    for target, on in joins:
        stmt = stmt.join(target, on)
    if few:
        stmt = (stmt.outerjoin(links, links.stakeholder_id == Stakeholder.id)
                .outerjoin(Opportunity, and_(Opportunity.id == links.opportunity_id,
                                             Opportunity.stage.in_(OPEN_STAGES)))
                .group_by(Stakeholder.id, Stakeholder.name, Stakeholder.job_title,
                          Stakeholder.company_id, Company.id, Company.name, *extra))
    else:
        stmt = stmt.outerjoin(pipeline, pipeline.c.stakeholder_id == Stakeholder.id)
    stmt = (stmt.where(*conditions)
            .order_by(open_pipeline.desc(), Company.name, Stakeholder.name, Stakeholder.id)
            .limit(limit).offset(offset))
    frame = pd.DataFrame(fetch_rows(session, stmt),
                         columns=[*STAKEHOLDER_COLUMNS, *extra_names])
    frame["open_pipeline"] = frame["open_pipeline"].astype(float)
    labels = meddpicc_role_labels(session, stakeholder_ids=frame["stakeholder_id"].tolist())
    frame.insert(5, "meddpicc_roles", [labels.get(i, "") for i in frame["stakeholder_id"]])
    return RowsPage(rows=frame, total=int(total), limit=limit, offset=offset)


ORPHAN_CAUSES = ("any", "no_owner", "owner_departed")


def orphaned_stakeholders(session: Session, *, limit: int | None = 50, offset: int = 0,
                          cause: str = "any", **filters: Any) -> RowsPage:
    """Stakeholders nobody still here owns, with their MEDDPICC roles and the open pipeline
    they touch (limit=None: the whole list); cause narrows them to those nobody owns at all
    ('no_owner') or to those whose owners all departed ('owner_departed')."""
    if cause not in ORPHAN_CAUSES:
        raise ValueError(f"cause must be one of {', '.join(ORPHAN_CAUSES)}, not {cause!r}")
    f = CoverageFilters.of(**filters)
    conditions = [*stakeholder_conditions(f), ~active_owner_exists()]
    any_owner = exists().where(StakeholderRelationshipOwner.stakeholder_id == Stakeholder.id)
    if cause == "no_owner":
        conditions.append(~any_owner)
    elif cause == "owner_departed":
        conditions.append(any_owner)
    return _page(session, conditions, few=True, limit=limit, offset=offset)


def single_owner_stakeholders(session: Session, *, limit: int | None = 50, offset: int = 0,
                              **filters: Any) -> RowsPage:
    """Stakeholders with exactly one owner (a risk if that person leaves), with the owner
    (limit=None: the whole list)."""
    f = CoverageFilters.of(**filters)
    counts = owner_counts(f)
    single = select(counts.c.stakeholder_id).where(counts.c.owners == 1)
    owners = StakeholderRelationshipOwner
    return _page(session, [*stakeholder_conditions(f), Stakeholder.id.in_(single)],
                 extra=(User.id, User.name), extra_names=("owner_id", "owner"),
                 joins=((owners, and_(owners.stakeholder_id == Stakeholder.id,
                                      owners.user_id.not_in(departed_user_ids()))),
                        (User, User.id == owners.user_id)),
                 few=False, limit=limit, offset=offset)
