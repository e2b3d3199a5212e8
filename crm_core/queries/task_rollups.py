"""Task roll-ups: overdue and due-soon counts per user and per company, completions per week.

Counted tasks are unfinished tasks and steps (sequence parents are left out: their steps are
the work). A task counts for a user linked to it; for a company when it is linked to the
company, one of its opportunities or one of its stakeholders (each task once per company).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Date, Select, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from crm_core.models import Company, Opportunity, Stakeholder, Task, TaskEntity, User
from crm_core.queries._task_sql import (
    due_soon_dates,
    is_unfinished,
    link_key,
    no_index,
    overdue_dates,
)

WINDOWS = {"overdue": overdue_dates, "due_soon": due_soon_dates}


def _due_task_ids(today: date, window: str) -> Select:
    """Ids of the unfinished tasks (not sequences) overdue or due soon: one range of the
    partial index ix_tasks_unfinished (status, task_type, due_date)."""
    return select(Task.id).where(is_unfinished(Task), Task.task_type == "task",
                                 WINDOWS[window](Task, today))


def _per_window(today: date, links) -> Select:
    """links(window) for both windows, flagged: overdue is 1 for the overdue window's rows.

    Each window's ids probe the links as `task_id IN (...)`, which SQLite walks in primary-key
    order (about a third less work than joining in due-date order); a task is in one window.
    """
    return union_all(*(links(window).add_columns(literal(int(window == "overdue"))
                                                 .label("overdue"))
                       for window in WINDOWS)).subquery("due_links")


def _counts(key, flagged) -> tuple:
    """The key, and the overdue and due-soon rows of `flagged` per key."""
    return (key, func.count(case((flagged.c.overdue == 1, 1))).label("overdue"),
            func.count(case((flagged.c.overdue == 0, 1))).label("due_soon"))


def due_by_user(session: Session, *, today: date | None = None) -> pd.DataFrame:
    """Per user with any: user_id, name, overdue, due_soon (linked tasks), most overdue first."""
    today = today or date.today()
    flagged = _per_window(today, lambda window: select(TaskEntity.entity_id.label("user_id"))
                          .where(TaskEntity.entity_type == "user",
                                 TaskEntity.task_id.in_(_due_task_ids(today, window))))
    counts = select(*_counts(flagged.c.user_id, flagged)).group_by(flagged.c.user_id).subquery()
    rows = session.execute(
        select(counts.c.user_id, User.name, counts.c.overdue, counts.c.due_soon)
        .join(User, User.id == counts.c.user_id)
        .order_by(counts.c.overdue.desc(), counts.c.due_soon.desc(), User.name)).all()
    return pd.DataFrame(rows, columns=["user_id", "name", "overdue", "due_soon"])


def due_by_company(session: Session, *, today: date | None = None,
                   limit: int | None = None) -> pd.DataFrame:
    """Per company with any: company_id, name, overdue, due_soon, most overdue first."""
    today = today or date.today()
    opportunity = Opportunity.__table__.alias("linked_opportunity")
    stakeholder = Stakeholder.__table__.alias("linked_stakeholder")
    company = func.coalesce(link_key("company"), opportunity.c.company_id,
                            stakeholder.c.company_id)
    # Each link names its company directly or through its opportunity or stakeholder;
    # DISTINCT per window: a task linked to a company and to its deal counts once for it.
    flagged = _per_window(today, lambda window: (
        select(TaskEntity.task_id, company.label("company_id"))
        .outerjoin(opportunity, opportunity.c.id == link_key("opportunity"))
        .outerjoin(stakeholder, stakeholder.c.id == link_key("stakeholder"))
        .where(TaskEntity.entity_type != "user",
               TaskEntity.task_id.in_(_due_task_ids(today, window))).distinct()))
    counts = (select(*_counts(flagged.c.company_id, flagged))
              .where(flagged.c.company_id.is_not(None))
              .group_by(flagged.c.company_id).subquery())
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
    mondays = [this_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]

    def completed(start: date, end: date) -> list:
        return [Task.task_type == "task", Task.completed_at >= start, Task.completed_at < end]

    if user_id is None:
        # Per week a range count in the index ix_tasks_status_completed_at (status,
        # completed_at, task_type): no date arithmetic per row.
        counts = session.execute(select(*(
            select(func.count()).select_from(Task)
            .where(Task.status == "done", *completed(monday, monday + timedelta(days=7)))
            .scalar_subquery() for monday in mondays))).one()
        return pd.DataFrame({"week": mondays, "completed": list(counts)})
    # One user's tasks are few: one pass over them, found through their links (no_index keeps
    # SQLite from walking the status index instead).
    if session.get_bind().dialect.name == "postgresql":
        week = cast(func.date_trunc("week", Task.completed_at), Date)
    else:
        week = func.date(Task.completed_at, "weekday 0", "-6 days")
    found = session.execute(
        select(week, func.count())
        .where(no_index(Task.status) == "done",
               *completed(mondays[0], this_monday + timedelta(days=7)),
               Task.id.in_(select(TaskEntity.task_id).where(TaskEntity.entity_type == "user",
                                                            TaskEntity.entity_id == user_id)))
        .group_by(week)).all()
    found = {str(week)[:10]: count for week, count in found}
    return pd.DataFrame({"week": mondays,
                         "completed": [found.get(m.isoformat(), 0) for m in mondays]})
