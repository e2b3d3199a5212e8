"""Task roll-ups: overdue and due-soon counts per user and per company, completions per week.

Counted tasks are unfinished tasks and steps (sequence parents are left out: their steps are
the work). A task counts for a user linked to it; for a company when it is linked to the
company, one of its opportunities or one of its stakeholders (each task once per company).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Date, case, cast, func, select
from sqlalchemy.orm import Session

from crm_core.models import Company, Opportunity, Stakeholder, Task, TaskEntity, User
from crm_core.queries._task_sql import DUE_SOON_DAYS, no_index
from crm_core.vocab import UNFINISHED_TASK_STATUSES


def _due_tasks(today: date):
    """Unfinished tasks (not sequences) due by the end of the due-soon window: id, due_date."""
    return (select(Task.id, Task.due_date)
            .where(no_index(Task.status).in_(UNFINISHED_TASK_STATUSES),
                   Task.task_type == "task",
                   no_index(Task.due_date) <= today + timedelta(days=DUE_SOON_DAYS))
            .cte("due_tasks").prefix_with("MATERIALIZED"))


def due_by_user(session: Session, *, today: date | None = None) -> pd.DataFrame:
    """Per user with any: user_id, name, overdue, due_soon (linked tasks), most overdue first."""
    today = today or date.today()
    due = _due_tasks(today)
    counts = (select(TaskEntity.entity_id.label("user_id"),
                     func.count(case((due.c.due_date < today, 1))).label("overdue"),
                     func.count(case((due.c.due_date >= today, 1))).label("due_soon"))
              .join(TaskEntity, (TaskEntity.task_id == due.c.id)
                    & (TaskEntity.entity_type == "user"))
              .group_by(TaskEntity.entity_id).subquery())
    rows = session.execute(
        select(counts.c.user_id, User.name, counts.c.overdue, counts.c.due_soon)
        .join(User, User.id == counts.c.user_id)
        .order_by(counts.c.overdue.desc(), counts.c.due_soon.desc(), User.name)).all()
    return pd.DataFrame(rows, columns=["user_id", "name", "overdue", "due_soon"])


def due_by_company(session: Session, *, today: date | None = None,
                   limit: int | None = None) -> pd.DataFrame:
    """Per company with any: company_id, name, overdue, due_soon, most overdue first."""
    today = today or date.today()
    due = _due_tasks(today)
    # One pass over the due tasks' links; each link names its company directly or through
    # its opportunity or stakeholder. DISTINCT: a task counts once per company.
    company = case((TaskEntity.entity_type == "company", TaskEntity.entity_id),
                   (TaskEntity.entity_type == "opportunity", Opportunity.company_id),
                   (TaskEntity.entity_type == "stakeholder", Stakeholder.company_id))
    pairs = (select(due.c.id, due.c.due_date, company.label("company_id"))
             .join(TaskEntity, TaskEntity.task_id == due.c.id)
             .outerjoin(Opportunity, (TaskEntity.entity_type == "opportunity")
                        & (Opportunity.id == TaskEntity.entity_id))
             .outerjoin(Stakeholder, (TaskEntity.entity_type == "stakeholder")
                        & (Stakeholder.id == TaskEntity.entity_id))
             .where(TaskEntity.entity_type != "user").distinct().subquery("pairs"))
    counts = (select(pairs.c.company_id,
                     func.count(case((pairs.c.due_date < today, 1))).label("overdue"),
                     func.count(case((pairs.c.due_date >= today, 1))).label("due_soon"))
              .where(pairs.c.company_id.is_not(None))
              .group_by(pairs.c.company_id).subquery())
    stmt = (select(counts.c.company_id, Company.name, counts.c.overdue, counts.c.due_soon)
            .join(Company, Company.id == counts.c.company_id)
            .order_by(counts.c.overdue.desc(), counts.c.due_soon.desc(), Company.name))
    if limit:
        stmt = stmt.limit(limit)
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["company_id", "name", "overdue", "due_soon"])


def completed_per_week(session: Session, *, weeks: int = 12, today: date | None = None,
                       user_id: int | None = None) -> pd.DataFrame:
    """Tasks completed per week (weeks start on Monday), the last `weeks` weeks, zeros kept."""
    today = today or date.today()
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=weeks - 1)
    if session.get_bind().dialect.name == "postgresql":
        week = cast(func.date_trunc("week", Task.completed_at), Date)
    else:
        week = func.date(Task.completed_at, "weekday 0", "-6 days")
    stmt = (select(week.label("week"), func.count().label("completed"))
            .where(no_index(Task.status) == "done", Task.task_type == "task",
                   Task.completed_at >= first_monday,
                   Task.completed_at < this_monday + timedelta(days=7))
            .group_by(week))
    if user_id is not None:
        stmt = stmt.where(Task.id.in_(select(TaskEntity.task_id).where(
            TaskEntity.entity_type == "user", TaskEntity.entity_id == user_id)))
    found = {str(row.week)[:10]: row.completed for row in session.execute(stmt)}
    mondays = [first_monday + timedelta(weeks=i) for i in range(weeks)]
    return pd.DataFrame({"week": mondays,
                         "completed": [found.get(m.isoformat(), 0) for m in mondays]})
