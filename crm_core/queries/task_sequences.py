"""Sequences: a parent's steps in order with blocked markers, and its progress.

Progress counts steps: done, cancelled, total; the next actionable step is the lowest-ordered
unfinished step that is not blocked; the expected finish is the latest due date of the
unfinished steps. Blocked follows the dependency rules documented in `_task_sql`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import case, func, not_, select
from sqlalchemy.orm import Session

from crm_core.errors import NotFound
from crm_core.models import Task
from crm_core.queries._task_sql import blocked_condition, is_overdue, is_unfinished
from crm_core.queries.tasks import escape_like, task_rows
from crm_core.validation import search_text
from crm_core.vocab import UNFINISHED_TASK_STATUSES


@dataclass(frozen=True)
class SequenceProgress:
    """Where a sequence stands."""

    sequence_id: int
    description: str
    status: str
    steps_total: int
    steps_done: int
    steps_cancelled: int
    steps_blocked: int
    steps_overdue: int
    next_step_id: int | None
    next_step_order: int | None
    next_step_description: str | None
    expected_finish: date | None

    @property
    def finished_share(self) -> float | None:
        """Share of steps done or cancelled (None without steps)."""
        if not self.steps_total:
            return None
        return (self.steps_done + self.steps_cancelled) / self.steps_total


def sequence_steps(session: Session, *, sequence_id: int) -> pd.DataFrame:
    """The steps of a sequence in order (the columns of tasks.task_rows)."""
    ids = list(session.scalars(select(Task.id).where(Task.parent_task_id == sequence_id)
                               .order_by(Task.sequence_order)))
    return task_rows(session, task_ids=ids)


def sequence_progress(session: Session, *, sequence_id: int,
                      today: date | None = None) -> SequenceProgress:
    """Steps done / cancelled / blocked / overdue of a total, the next step, expected finish."""
    today = today or date.today()
    sequence = session.execute(select(Task.id, Task.description, Task.status, Task.task_type)
                               .where(Task.id == sequence_id)).one_or_none()
    if sequence is None or sequence.task_type != "sequence":
        raise NotFound(f"There is no sequence with id {sequence_id}.")
    unfinished = Task.status.in_(UNFINISHED_TASK_STATUSES)
    steps = Task.parent_task_id == sequence_id
    totals = session.execute(select(
        func.count(), func.count(case((Task.status == "done", 1))),
        func.count(case((Task.status == "cancelled", 1))),
        func.count(case((blocked_condition(Task), 1))),
        func.count(case((is_overdue(Task, today), 1))),
        func.max(case((unfinished, Task.due_date)))).where(steps)).one()
    next_step = session.execute(
        select(Task.id, Task.sequence_order, Task.description)
        .where(steps, unfinished, not_(blocked_condition(Task)))
        .order_by(Task.sequence_order).limit(1)).one_or_none()
    return SequenceProgress(
        sequence_id=sequence.id, description=sequence.description, status=sequence.status,
        steps_total=totals[0], steps_done=totals[1], steps_cancelled=totals[2],
        steps_blocked=totals[3], steps_overdue=totals[4],
        next_step_id=next_step.id if next_step else None,
        next_step_order=next_step.sequence_order if next_step else None,
        next_step_description=next_step.description if next_step else None,
        expected_finish=_as_date(totals[5]))


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def sequence_options(session: Session, *, search: str | None = None,
                     unfinished_only: bool = True, limit: int = 100) -> pd.DataFrame:
    """Sequences for a picker, newest first: id, description, status, due_date, steps, done."""
    picked = select(Task.id).where(Task.task_type == "sequence")
    if unfinished_only:   # a range of the partial index ix_tasks_unfinished (status, task_type)
        picked = picked.where(is_unfinished(Task))
    if search := search_text(search):
        picked = picked.where(Task.description.ilike(f"%{escape_like(search)}%", escape="\\"))
    # The sequences first, then their steps counted: counting in the same SELECT would count
    # the steps of every matching sequence before the LIMIT applies (SQLite sorts after).
    picked = picked.order_by(Task.id.desc()).limit(limit).subquery("picked")
    step = Task.__table__.alias("step")
    steps = select(func.count()).where(step.c.parent_task_id == Task.id)
    rows = session.execute(
        select(Task.id, Task.description, Task.status, Task.due_date,
               steps.scalar_subquery().label("steps_total"),
               steps.where(step.c.status == "done").scalar_subquery().label("steps_done"))
        .join(picked, picked.c.id == Task.id).order_by(Task.id.desc())).all()
    return pd.DataFrame(rows, columns=["id", "description", "status", "due_date",
                                       "steps_total", "steps_done"])
