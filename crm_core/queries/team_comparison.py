"""Team comparison: the teams of a manager's direct reports side by side.

Each row is one direct report's team (them and everyone below them, resolved in SQL) with the
figures each dashboard shows for that scope, computed by the same queries, so a row always
matches the dashboards opened on that team.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.queries.coverage import coverage_summary
from crm_core.queries.meddpicc import gap_summary
from crm_core.queries.people import direct_reports
from crm_core.queries.scope import team_cte
from crm_core.queries.tasks import task_counts

COLUMNS = ["user_id", "name", "job_title", "scope", "team_size", "stakeholders", "owned_share",
           "orphaned", "orphaned_owner_departed", "open_opportunities", "value_at_risk",
           "overdue_tasks"]


def team_size(session: Session, *, manager_id: int) -> int:
    """How many users the manager's team has, the manager included."""
    team = team_cte(manager_id)
    return session.scalar(select(func.count()).select_from(team)) or 0


def team_comparison(session: Session, *, manager_id: int, today: date) -> pd.DataFrame:
    """One row per direct report of the manager (by name): the size of their team, its
    ownership coverage, orphaned stakeholders (and of them, orphaned because the owners
    departed), open opportunities and value at risk, and overdue tasks (columns: COLUMNS)."""
    rows = []
    for report in direct_reports(session, manager_id=manager_id).itertuples():
        scope = f"team:{report.user_id}"
        coverage = coverage_summary(session, scope=scope)
        gaps = gap_summary(session, scope=scope)
        tasks = task_counts(session, scope=scope, today=today)
        rows.append((int(report.user_id), report.name, report.job_title, scope,
                     team_size(session, manager_id=int(report.user_id)), coverage.stakeholders,
                     coverage.owned_share, coverage.orphaned, coverage.orphaned_owner_departed,
                     gaps.open_opportunities, gaps.value_at_risk, tasks.overdue))
    return pd.DataFrame(rows, columns=COLUMNS)
