"""Team comparison: the teams of a manager's direct reports side by side.

Each row is one direct report's team (them and everyone below them); every figure is one
grouped statement over all the teams at once, by the same rules as a team scope: companies
where a team member is on the account team, deals whose full team includes one, tasks linked
to one. The reporting line is walked by a recursive CTE that carries each team's root.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import CTE, Select, distinct, func, select, union
from sqlalchemy.orm import Session, aliased

from crm_core.models import (
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    Stakeholder,
    Task,
    TaskEntity,
    User,
)
from crm_core.queries._task_sql import is_overdue
from crm_core.queries.coverage_scope import CoverageFilters, owner_counts, owner_departed_ids
from crm_core.queries.meddpicc_sql import gap_rows
from crm_core.queries.people import direct_reports
from crm_core.queries.scope import team_cte

COLUMNS = ["user_id", "name", "job_title", "scope", "team_size", "stakeholders", "owned_share",
           "orphaned", "orphaned_owner_departed", "open_opportunities", "value_at_risk",
           "overdue_tasks"]


def team_size(session: Session, *, manager_id: int) -> int:
    """How many users the manager's team has, the manager included."""
    team = team_cte(manager_id)
    return session.scalar(select(func.count()).select_from(team)) or 0


def _tree(manager_id: int) -> CTE:
    """(root, user_id): each direct report of the manager, and everyone below them, under it."""
    tree = (select(User.id.label("root"), User.id.label("user_id"))
            .where(User.manager_id == manager_id).cte("tree", recursive=True))
    below = aliased(User, name="tree_below")
    return tree.union(select(tree.c.root, below.id).where(below.manager_id == tree.c.user_id))


def _grouped(session: Session, stmt: Select) -> dict[int, tuple]:
    return {row[0]: tuple(row[1:]) for row in session.execute(stmt)}


def _coverage(session: Session, tree: CTE) -> dict[int, tuple]:
    """root -> (stakeholders, owned, orphaned (owner departed)) of the team's companies."""
    everything = CoverageFilters()
    companies = (select(tree.c.root, CompanyAccountTeam.company_id)
                 .join(CompanyAccountTeam, CompanyAccountTeam.user_id == tree.c.user_id)
                 .distinct().subquery("team_companies"))
    counts = owner_counts(everything)
    per_company = (select(Stakeholder.company_id, func.count().label("stakeholders"),
                          func.count(counts.c.stakeholder_id).label("owned"))
                   .outerjoin(counts, counts.c.stakeholder_id == Stakeholder.id)
                   .where(Stakeholder.company_id.in_(select(companies.c.company_id)))
                   .group_by(Stakeholder.company_id).subquery("per_company"))
    departed_ids = owner_departed_ids(everything).subquery("departed_ids")
    departed = (select(Stakeholder.company_id, func.count().label("departed"))
                .join(departed_ids, departed_ids.c.stakeholder_id == Stakeholder.id)
                .group_by(Stakeholder.company_id).subquery("departed"))
    return _grouped(session, select(
        companies.c.root, func.sum(per_company.c.stakeholders), func.sum(per_company.c.owned),
        func.coalesce(func.sum(departed.c.departed), 0))
        .join(per_company, per_company.c.company_id == companies.c.company_id)
        .outerjoin(departed, departed.c.company_id == companies.c.company_id)
        .group_by(companies.c.root))


def _deals(session: Session, tree: CTE) -> dict[int, tuple]:
    """root -> (open opportunities, value at risk) of the deals whose full team has a member:
    through the company's account team (inherited) or added to the deal."""
    inherited = (select(tree.c.root, Opportunity.id.label("opportunity_id"))
                 .join(CompanyAccountTeam, CompanyAccountTeam.user_id == tree.c.user_id)
                 .join(Opportunity, Opportunity.company_id == CompanyAccountTeam.company_id))
    added = (select(tree.c.root, OpportunityAccountTeam.opportunity_id)
             .join(OpportunityAccountTeam, OpportunityAccountTeam.user_id == tree.c.user_id))
    deals = union(inherited, added).subquery("team_deals")
    # Every open deal's gaps, once, as the MEDDPICC screen computes them (narrowing them to the
    # manager's team first costs more than it saves when the manager leads most deals).
    rows = gap_rows().subquery("gap_rows")
    return _grouped(session, select(deals.c.root, func.count(), func.sum(rows.c.value_at_risk))
                    .join(rows, rows.c.opportunity_id == deals.c.opportunity_id)
                    .group_by(deals.c.root))


def _overdue(session: Session, tree: CTE, today: date) -> dict[int, tuple]:
    """root -> (overdue tasks linked to a team member,) (tasks, not sequence parents). Starts
    from the overdue tasks (few, in the index of unfinished tasks), then their user links."""
    links = TaskEntity
    return _grouped(session, select(tree.c.root, func.count(distinct(Task.id)))
                    .select_from(Task)
                    .join(links, (links.task_id == Task.id) & (links.entity_type == "user"))
                    .join(tree, tree.c.user_id == links.entity_id)
                    .where(Task.task_type == "task", is_overdue(Task, today))
                    .group_by(tree.c.root))


def team_comparison(session: Session, *, manager_id: int, today: date) -> pd.DataFrame:
    """One row per direct report of the manager (by name): the size of their team, its
    ownership coverage, orphaned stakeholders (and of them, orphaned because the owners
    departed), open opportunities and value at risk, and overdue tasks (columns: COLUMNS)."""
    reports = direct_reports(session, manager_id=manager_id)
    if reports.empty:
        return pd.DataFrame(columns=COLUMNS)
    tree = _tree(manager_id)
    sizes = _grouped(session, select(tree.c.root, func.count()).group_by(tree.c.root))
    coverage, deals = _coverage(session, tree), _deals(session, tree)
    overdue = _overdue(session, tree, today)
    rows = []
    for report in reports.itertuples():
        root = int(report.user_id)
        stakeholders, owned, departed = coverage.get(root, (0, 0, 0))
        opportunities, at_risk = deals.get(root, (0, 0.0))
        rows.append((root, report.name, report.job_title, f"team:{root}", sizes[root][0],
                     int(stakeholders), owned / stakeholders if stakeholders else None,
                     int(stakeholders - owned), int(departed), int(opportunities),
                     float(at_risk or 0.0), int(overdue.get(root, (0,))[0])))
    return pd.DataFrame(rows, columns=COLUMNS)
