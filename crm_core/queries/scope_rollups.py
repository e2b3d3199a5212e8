"""The ownership figures of many scopes at once, for the daily snapshots: each company's
figures computed once, then summed over each scope's companies (as scope.scoped_company_ids
selects them), by the same rules as coverage_summary and off_account_team_owners."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, case, exists, func, literal, select, union
from sqlalchemy.orm import Session

from crm_core.models import Company, CompanyAccountTeam, Stakeholder
from crm_core.models import StakeholderRelationshipOwner as Owner
from crm_core.queries.coverage import CoverageSummary
from crm_core.queries.coverage_scope import CoverageFilters, owner_counts, owner_departed_ids, share
from crm_core.queries.scope import Scope, scoped_company_ids


def _scope_companies(scopes: Sequence[str]):
    """(company_id, scope): each scope's companies, once each."""
    parts = []
    for text in scopes:
        ids = scoped_company_ids(Scope.parse(text))
        ids = select((Company.id if ids is None else ids.subquery().c[0]).label("company_id"))
        parts.append(ids.add_columns(literal(text, String(40)).label("scope")))
    return union(*parts).subquery("scope_companies")


def coverage_by_scope(session: Session, *, scopes: Sequence[str]
                      ) -> dict[str, tuple[CoverageSummary, int]]:
    """Per scope: coverage_summary(scope=s) and the number of ownerships off the account team
    (off_account_team_owners(scope=s).total)."""
    everything = CoverageFilters()
    counts = owner_counts(everything)
    departed_ids = owner_departed_ids(everything).subquery("departed_ids")
    per_company = (
        select(Stakeholder.company_id.label("company_id"),
               func.count().label("stakeholders"),
               func.count(counts.c.stakeholder_id).label("owned"),
               func.sum(case((counts.c.owners == 1, 1), else_=0)).label("single_owner"),
               func.sum(case((counts.c.owners > 1, 1), else_=0)).label("multi_owner"),
               func.count(departed_ids.c.stakeholder_id).label("departed"))
        .outerjoin(counts, counts.c.stakeholder_id == Stakeholder.id)
        .outerjoin(departed_ids, departed_ids.c.stakeholder_id == Stakeholder.id)
        .group_by(Stakeholder.company_id).subquery("per_company"))
    on_team = exists().where(CompanyAccountTeam.company_id == Stakeholder.company_id,
                             CompanyAccountTeam.user_id == Owner.user_id)
    off_team = (select(Stakeholder.company_id.label("company_id"), func.count().label("off"))
                .select_from(Owner).join(Stakeholder, Stakeholder.id == Owner.stakeholder_id)
                .where(~on_team).group_by(Stakeholder.company_id).subquery("off_team"))
    pairs = _scope_companies(scopes)
    rows = session.execute(
        select(pairs.c.scope, *(func.coalesce(func.sum(per_company.c[c]), 0) for c in (
            "stakeholders", "owned", "single_owner", "multi_owner", "departed")),
               func.coalesce(func.sum(off_team.c.off), 0))
        .select_from(pairs)
        .outerjoin(per_company, per_company.c.company_id == pairs.c.company_id)
        .outerjoin(off_team, off_team.c.company_id == pairs.c.company_id)
        .group_by(pairs.c.scope)).all()
    found = {row[0]: tuple(int(v) for v in row[1:]) for row in rows}
    result = {}
    for text in scopes:
        total, owned, single, multi, departed, off = found.get(text, (0,) * 6)
        result[text] = (CoverageSummary(
            stakeholders=total, owned=owned, orphaned=total - owned, single_owner=single,
            multi_owner=multi, owned_share=share(owned, total),
            orphaned_owner_departed=departed), off)
    return result
