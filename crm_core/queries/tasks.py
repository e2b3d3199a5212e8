"""Task lists: filters, the paginated page (links, sequence position, blocked) and the counts.

The page is paginated in SQL; linked names, sequence positions and blocked flags are computed
for the page's rows only. See `_task_sql` for the due windows and the blocked rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    case,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from crm_core.models import Task, TaskEntity
from crm_core.queries._task_sql import (
    DUE_WINDOWS,
    blocked_condition,
    blocked_flag,
    due_window_condition,
    is_due_soon,
    is_overdue,
    link_summary,
    no_index,
    previous_step,
)
from crm_core.vocab import ENTITY_TYPES, TASK_STATUSES, UNFINISHED_TASK_STATUSES

SORTS = ("due", "newest")
"""due: by due date, earliest (so overdue) first, no due date last; newest: newest first."""

PAGE_COLUMNS = [
    "id", "description", "status", "priority", "due_date", "next_step_type", "task_type",
    "dependency_type", "created_at", "completed_at", "version", "parent_task_id", "sequence",
    "sequence_order", "sequence_steps", "steps_done", "steps_total", "blocked", "blocked_by",
    "linked",
] + [f"{t}_{c}" for t in ENTITY_TYPES for c in ("names", "count", "first_id", "first_name")]


@dataclass(frozen=True)
class TaskPage:
    """One page of a task list and the number of tasks matching the filters."""

    rows: pd.DataFrame
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class TaskCounts:
    """Unfinished tasks (not sequences): open, overdue, due soon (next 7 days), blocked."""

    open: int
    overdue: int
    due_soon: int
    blocked: int


def task_conditions(*, statuses: Sequence[str] = (), priorities: Sequence[str] = (),
                    due_windows: Sequence[str] = (), next_step_types: Sequence[str] = (),
                    task_types: Sequence[str] = (), entity_type: str | None = None,
                    entity_id: int | None = None, user_id: int | None = None,
                    search: str | None = None, sequence_id: int | None = None,
                    blocked_only: bool = False, today: date | None = None,
                    scan: bool = False) -> list[ColumnElement[bool]]:
    """The WHERE conditions on `tasks` for these filters (empty filters match everything).

    scan=True keeps SQLite off the (status, due_date) index: a question that reads most open
    tasks' rows anyway is much faster as one pass over the table than as an index walk.
    """
    today = today or date.today()
    conditions: list[ColumnElement[bool]] = []
    status = no_index(Task.status) if scan else Task.status
    for column, values in ((status, statuses), (Task.priority, priorities),
                           (Task.next_step_type, next_step_types),
                           (Task.task_type, task_types)):
        if values:
            conditions.append(column.in_(list(values)))
    if due_windows:
        conditions.append(or_(*(due_window_condition(Task, w, today) for w in due_windows)))
    if (entity_type is None) != (entity_id is None):
        raise ValueError("Filter by entity with both entity_type and entity_id.")
    if entity_type is not None:
        if entity_type not in ENTITY_TYPES:
            raise ValueError(f"Unknown entity type '{entity_type}'.")
        conditions.append(Task.id.in_(_linked_task_ids(entity_type, entity_id)))
    if user_id is not None:
        conditions.append(Task.id.in_(_linked_task_ids("user", user_id)))
    if search and search.strip():
        conditions.append(Task.description.ilike(f"%{escape_like(search.strip())}%",
                                                 escape="\\"))
    if sequence_id is not None:
        conditions.append(Task.parent_task_id == sequence_id)
    if blocked_only:
        conditions.append(blocked_condition(Task))
    return conditions


def escape_like(text: str) -> str:
    """Text with LIKE wildcards escaped (backslash is the escape character)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _linked_task_ids(entity_type: str, entity_id: int) -> Select:
    return select(TaskEntity.task_id).where(TaskEntity.entity_type == entity_type,
                                            TaskEntity.entity_id == entity_id)


def task_page(session: Session, *, statuses: Sequence[str] = (), priorities: Sequence[str] = (),
              due_windows: Sequence[str] = (), next_step_types: Sequence[str] = (),
              task_types: Sequence[str] = (), entity_type: str | None = None,
              entity_id: int | None = None, user_id: int | None = None,
              search: str | None = None, sequence_id: int | None = None,
              blocked_only: bool = False, sort: str = "due", today: date | None = None,
              limit: int = 50, offset: int = 0) -> TaskPage:
    """One page of tasks matching the filters (columns: PAGE_COLUMNS) and the total."""
    if sort not in SORTS:
        raise ValueError(f"Unknown sort '{sort}'; use one of {', '.join(SORTS)}.")
    limit, offset = max(1, int(limit)), max(0, int(offset))
    narrow = entity_type is not None or user_id is not None or sequence_id is not None
    # A text search or the blocked rule must look at every candidate row: one table pass.
    scan = not narrow and (bool(search and search.strip()) or blocked_only)
    conditions = task_conditions(
        statuses=statuses, priorities=priorities, due_windows=due_windows,
        next_step_types=next_step_types, task_types=task_types, entity_type=entity_type,
        entity_id=entity_id, user_id=user_id, search=search, sequence_id=sequence_id,
        blocked_only=blocked_only, today=today, scan=scan)
    if narrow or scan:
        # Few candidates, or one pass over the table anyway: rows and total in one statement.
        order = ((Task.id.desc(),) if sort == "newest"
                 else (Task.due_date.is_(None), Task.due_date, Task.id))
        found = session.execute(select(Task.id, func.count().over()).where(*conditions)
                                .order_by(*order).limit(limit).offset(offset)).all()
        ids = [row[0] for row in found]
        total = found[0][1] if found else _count(session, conditions) if offset else 0
    else:
        total = _count(session, conditions)
        if sort == "newest":
            ids = list(session.scalars(select(Task.id).where(*conditions)
                                       .order_by(Task.id.desc()).limit(limit).offset(offset)))
        else:
            ids = _ids_by_due_date(session, conditions, statuses=statuses, limit=limit,
                                   offset=offset)
    return TaskPage(rows=task_rows(session, task_ids=ids), total=total, limit=limit,
                    offset=offset)


def _count(session: Session, conditions: list) -> int:
    return session.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0


def _ids_by_due_date(session: Session, conditions: list, *, statuses: Sequence[str],
                     limit: int, offset: int) -> list[int]:
    """Ids ordered by due date (no due date last), then id.

    Each status is read in the order of the (status, due_date) index and stops after
    limit + offset rows; the small union is then sorted, so a page never sorts every open task.
    """
    branches = []
    for status in statuses or TASK_STATUSES.values:
        dated = (select(Task.id, Task.due_date)
                 .where(*conditions, Task.status == status, Task.due_date.is_not(None))
                 .order_by(Task.due_date, Task.id).limit(limit + offset).subquery())
        undated = (select(Task.id, Task.due_date)
                   .where(*conditions, Task.status == status, Task.due_date.is_(None))
                   .order_by(Task.id).limit(limit + offset).subquery())
        branches += [select(dated.c.id, dated.c.due_date),
                     select(undated.c.id, undated.c.due_date)]
    merged = union_all(*branches).subquery()
    stmt = (select(merged.c.id)
            .order_by(merged.c.due_date.is_(None), merged.c.due_date, merged.c.id)
            .limit(limit).offset(offset))
    return list(session.scalars(stmt))


def task_rows(session: Session, *, task_ids: Sequence[int]) -> pd.DataFrame:
    """The display rows of these tasks, in the given order (columns: PAGE_COLUMNS)."""
    if not task_ids:
        return pd.DataFrame(columns=PAGE_COLUMNS)
    stmt = _rows_statement(session.get_bind().dialect.name)
    frame = pd.DataFrame(session.execute(stmt, {"task_ids": list(task_ids)}).all(),
                         columns=PAGE_COLUMNS)
    frame["blocked"] = frame["blocked"].astype(bool)
    frame.loc[~frame["blocked"], "blocked_by"] = None
    for entity_type in ENTITY_TYPES:
        frame[f"{entity_type}_count"] = (pd.to_numeric(frame[f"{entity_type}_count"])
                                          .fillna(0).astype(int))
    frame["linked"] = frame["linked"].fillna("")
    position = {task_id: i for i, task_id in enumerate(task_ids)}
    return (frame.sort_values("id", key=lambda ids: ids.map(position))
            .reset_index(drop=True))


@lru_cache(maxsize=4)
def _rows_statement(dialect_name: str) -> Select:
    # Built once per dialect: constructing this statement costs more than running it.
    parent, sibling, step = aliased(Task), aliased(Task), aliased(Task)
    task_ids = bindparam("task_ids", expanding=True)
    sequence_steps = (select(func.count()).where(sibling.parent_task_id == Task.parent_task_id)
                      .scalar_subquery())
    own_steps = select(func.count()).where(step.parent_task_id == Task.id)
    links = link_summary(dialect_name, task_ids).subquery("link_summary")
    link_columns = [c for c in links.c if c.key != "task_id"]
    return (select(Task.id, Task.description, Task.status, Task.priority, Task.due_date,
                   Task.next_step_type, Task.task_type, Task.dependency_type, Task.created_at,
                   Task.completed_at, Task.version, Task.parent_task_id,
                   parent.description.label("sequence"), Task.sequence_order,
                   sequence_steps.label("sequence_steps"),
                   own_steps.where(step.status == "done").scalar_subquery().label("steps_done"),
                   own_steps.scalar_subquery().label("steps_total"),
                   blocked_flag(Task).label("blocked"),
                   previous_step(Task, "description").label("blocked_by"), *link_columns)
            .outerjoin(parent, parent.id == Task.parent_task_id)
            .outerjoin(links, links.c.task_id == Task.id)
            .where(Task.id.in_(task_ids)))


def task_counts(session: Session, *, priorities: Sequence[str] = (),
                next_step_types: Sequence[str] = (), task_types: Sequence[str] = ("task",),
                entity_type: str | None = None, entity_id: int | None = None,
                user_id: int | None = None, search: str | None = None,
                sequence_id: int | None = None, today: date | None = None) -> TaskCounts:
    """Unfinished tasks matching the filters: open, overdue, due soon and blocked.

    Sequences (the parents) are left out by default: their steps are the work.
    """
    today = today or date.today()
    narrow = entity_type is not None or user_id is not None or sequence_id is not None
    conditions = task_conditions(
        statuses=UNFINISHED_TASK_STATUSES, priorities=priorities,
        next_step_types=next_step_types, task_types=task_types, entity_type=entity_type,
        entity_id=entity_id, user_id=user_id, search=search, sequence_id=sequence_id,
        today=today, scan=not narrow)

    def count_of(condition):
        return func.count(case((condition, 1)))

    row = session.execute(
        select(func.count(), count_of(is_overdue(Task, today)),
               count_of(is_due_soon(Task, today)), count_of(blocked_condition(Task)))
        .select_from(Task).where(*conditions)).one()
    return TaskCounts(open=row[0], overdue=row[1], due_soon=row[2], blocked=row[3])


__all__ = ["DUE_WINDOWS", "SORTS", "TaskCounts", "TaskPage", "escape_like", "task_conditions",
           "task_counts", "task_page", "task_rows"]
