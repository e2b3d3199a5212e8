"""Task lists: filters, the paginated page (links, sequence position, blocked) and the counts.

A page is one statement: its ids (paginated in SQL), their display rows (linked names,
sequence position, blocked flag, computed for the page's rows only) and the total. See
`_task_sql` for the due windows and the blocked rule.

Building and keying these statements costs more than running them, so each is built once per
shape of the filters (`TaskFilters.shape`) and run with the filter values as named bound
parameters (`TaskFilters.params`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

import pandas as pd
from sqlalchemy import (
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from crm_core.models import Task, TaskEntity
from crm_core.queries._task_sql import (
    DUE_SOON_DAYS,
    DUE_WINDOWS,
    blocked_condition,
    blocked_flag,
    due_soon_dates,
    due_window_condition,
    in_values,
    is_unfinished,
    link_summary,
    no_index,
    overdue_dates,
)
from crm_core.queries.scope import WHOLE, Scope, scoped_task_ids
from crm_core.validation import search_text
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
    """One page of a task list and the number of tasks matching the filters.

    rows: PAGE_COLUMNS, Python values in object columns (None where SQL has NULL).
    """

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


def _values(values: Sequence[str]) -> tuple[str, ...]:
    return (values,) if isinstance(values, str) else tuple(values)


class FilterShape(NamedTuple):
    """What the SQL of a task list depends on (its filter values are bound parameters)."""

    statuses: tuple[str, ...]
    due_windows: tuple[str, ...]
    blocked_only: bool
    narrow: bool
    scan: bool
    given: tuple[str, ...]
    """The names of the bound parameters that have a value (see TaskFilters.params)."""
    scope_kind: str = WHOLE


@dataclass(frozen=True)
class TaskFilters:
    """The filters of a task list (empty filters match everything)."""

    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    due_windows: tuple[str, ...] = ()
    next_step_types: tuple[str, ...] = ()
    task_types: tuple[str, ...] = ()
    entity_type: str | None = None
    entity_id: int | None = None
    user_id: int | None = None
    search: str | None = None
    sequence_id: int | None = None
    blocked_only: bool = False
    today: date = field(default_factory=date.today)
    scope: Scope | str | None = None  # tasks linked to someone in this scope

    def __post_init__(self):
        for name in ("statuses", "priorities", "due_windows", "next_step_types", "task_types"):
            object.__setattr__(self, name, _values(getattr(self, name)))
        object.__setattr__(self, "search", search_text(self.search) or None)
        object.__setattr__(self, "scope", Scope.parse(self.scope))
        for status in self.statuses:
            if status not in TASK_STATUSES:
                raise ValueError(f"Unknown task status '{status}'.")
        if (self.entity_type is None) != (self.entity_id is None):
            raise ValueError("Filter by entity with both entity_type and entity_id.")
        if self.entity_type is not None and self.entity_type not in ENTITY_TYPES:
            raise ValueError(f"Unknown entity type '{self.entity_type}'.")
        for window in self.due_windows:
            if window not in DUE_WINDOWS:
                raise ValueError(f"Unknown due window '{window}'; "
                                 f"use one of {', '.join(DUE_WINDOWS)}.")

    @property
    def narrow(self) -> bool:
        """The tasks of one record or one sequence: few candidates, found through an index."""
        return (self.entity_type is not None or self.user_id is not None
                or self.sequence_id is not None or not self.scope.whole)

    @property
    def scan(self) -> bool:
        """A text search or the blocked rule must look at every candidate row: one table pass
        (no_index keeps SQLite off the (status, due_date) index, whose walk would fetch each
        row separately)."""
        return not self.narrow and (self.search is not None or self.blocked_only)

    def shape(self) -> FilterShape:
        """What the SQL text depends on: the statuses and due windows, which filters are set."""
        return FilterShape(self.statuses, self.due_windows, self.blocked_only, self.narrow,
                           self.scan, tuple(name for name, value in self.params().items()
                                            if value not in (None, [])), self.scope.kind)

    def params(self) -> dict:
        """The bound parameters of the conditions (named as in `_conditions`)."""
        return {"priorities": list(self.priorities),
                "next_step_types": list(self.next_step_types),
                "task_types": list(self.task_types), "entity_type": self.entity_type,
                "entity_id": self.entity_id, "user_id": self.user_id,
                "search": f"%{escape_like(self.search)}%" if self.search else None,
                "sequence_id": self.sequence_id, "scope_id": self.scope.id, "today": self.today,
                "week_end": self.today + timedelta(days=DUE_SOON_DAYS)}


@lru_cache(maxsize=256)
def _conditions(shape: FilterShape) -> tuple:
    """The WHERE conditions on `tasks` of a TaskFilters shape, values as bound parameters."""
    conditions = []
    if shape.statuses:
        # Written into the SQL (they are part of the shape; see in_values). No status index
        # may compete with the lookup of a record's few tasks, nor with a table pass.
        status = no_index(Task.status) if shape.narrow or shape.scan else Task.status
        conditions.append(in_values(status, shape.statuses))
    given = shape.given
    for name in ("priorities", "next_step_types", "task_types"):
        if name in given:
            column = getattr(Task, {"priorities": "priority", "next_step_types": "next_step_type",
                                    "task_types": "task_type"}[name])
            conditions.append(column.in_(bindparam(name, expanding=True)))
    if shape.due_windows:
        today, week_end = bindparam("today", type_=Date), bindparam("week_end", type_=Date)
        conditions.append(or_(*(due_window_condition(Task, window, today, week_end)
                                for window in shape.due_windows)))
    if "entity_type" in given:
        conditions.append(Task.id.in_(_linked_task_ids(bindparam("entity_type"),
                                                       bindparam("entity_id"))))
    if "user_id" in given:
        conditions.append(Task.id.in_(_linked_task_ids("user", bindparam("user_id"))))
    if "search" in given:
        conditions.append(Task.description.ilike(bindparam("search"), escape="\\"))
    if "sequence_id" in given:
        conditions.append(Task.parent_task_id == bindparam("sequence_id"))
    in_scope = scoped_task_ids(Scope(shape.scope_kind, bindparam("scope_id", type_=Integer)))
    if in_scope is not None:
        conditions.append(Task.id.in_(in_scope))
    if shape.blocked_only:
        conditions.append(blocked_condition(Task))
    return tuple(conditions)


def escape_like(text: str) -> str:
    """Text with LIKE wildcards escaped (backslash is the escape character)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _linked_task_ids(entity_type, entity_id) -> Select:
    return select(TaskEntity.task_id).where(TaskEntity.entity_type == entity_type,
                                            TaskEntity.entity_id == entity_id)


def task_page(session: Session, *, statuses: Sequence[str] = (), priorities: Sequence[str] = (),
              due_windows: Sequence[str] = (), next_step_types: Sequence[str] = (),
              task_types: Sequence[str] = (), entity_type: str | None = None,
              entity_id: int | None = None, user_id: int | None = None,
              search: str | None = None, sequence_id: int | None = None,
              blocked_only: bool = False, sort: str = "due", today: date | None = None,
              limit: int = 50, offset: int = 0, scope: str | None = None) -> TaskPage:
    """One page of tasks matching the filters (columns: PAGE_COLUMNS) and the total."""
    if sort not in SORTS:
        raise ValueError(f"Unknown sort '{sort}'; use one of {', '.join(SORTS)}.")
    limit, offset = max(1, int(limit)), max(0, int(offset))
    filters = TaskFilters(
        statuses=statuses, priorities=priorities, due_windows=due_windows,
        next_step_types=next_step_types, task_types=task_types, entity_type=entity_type,
        entity_id=entity_id, user_id=user_id, search=search, sequence_id=sequence_id,
        blocked_only=blocked_only, today=today or date.today(), scope=scope)
    stmt = _page_statement(session.get_bind().dialect.name, filters.shape(), sort)
    # Run on the connection: the ORM adds nothing to a statement of columns.
    rows = session.connection().execute(stmt, {**filters.params(), "limit": limit,
                                               "offset": offset, "window": limit + offset}
                                        ).all()
    if rows:
        total = rows[0][-1]
    else:   # an empty page: no row carries the total
        total = session.scalar(select(func.count()).select_from(Task).where(
            *_conditions(filters.shape())), filters.params()) if offset else 0
    return TaskPage(rows=_frame([row[:-1] for row in rows]), total=total, limit=limit,
                    offset=offset)


# The page orders: due (earliest, so overdue, first; no due date last), newest.
_ORDERS = {"due": lambda task: (task.due_date.is_(None), task.due_date, task.id),
           "newest": lambda task: (task.id.desc(),)}


@lru_cache(maxsize=256)
def _page_statement(dialect_name: str, shape: FilterShape, sort: str) -> Select:
    """The page's rows in order, each with the total as its last column."""
    conditions = _conditions(shape)
    order = _ORDERS[sort](Task)
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    if shape.narrow or shape.scan:
        # Few candidates, or one pass over the table anyway: the total in the same pass.
        page = (select(Task.id, func.count().over().label("total")).where(*conditions)
                .order_by(*order).limit(limit).offset(offset))
    else:
        if sort == "newest":
            ids = select(Task.id).where(*conditions).order_by(*order)
        else:
            ids = _ids_by_due_date(conditions, statuses=shape.statuses)
        total = select(func.count()).select_from(Task).where(*conditions).scalar_subquery()
        page = ids.limit(limit).offset(offset).add_columns(total.label("total"))
    page = page.cte("page")
    return _rows_select(dialect_name, page).add_columns(page.c.total).order_by(*order)


def _ids_by_due_date(conditions, *, statuses: Sequence[str]) -> Select:
    """Ids ordered by due date (no due date last), then id; the first `window` (limit +
    offset) of them are right.

    Each status is read in the order of the (status, due_date) index and stops after `window`
    rows; the small union is then sorted, so a page never sorts every open task.
    """
    window = bindparam("window", type_=Integer)
    branches = []
    for status in statuses or TASK_STATUSES.values:
        dated = (select(Task.id, Task.due_date)
                 .where(*conditions, Task.status == status, Task.due_date.is_not(None))
                 .order_by(Task.due_date, Task.id).limit(window).subquery())
        undated = (select(Task.id, Task.due_date)
                   .where(*conditions, Task.status == status, Task.due_date.is_(None))
                   .order_by(Task.id).limit(window).subquery())
        branches += [select(dated.c.id, dated.c.due_date),
                     select(undated.c.id, undated.c.due_date)]
    merged = union_all(*branches).subquery()
    return select(merged.c.id).order_by(*_ORDERS["due"](merged.c))


def task_list_chunks(session: Session, *, chunk_size: int = 2_000, sort: str = "due",
                     **filters) -> Iterator[pd.DataFrame]:
    """The whole list `task_page` pages through under these filters, in its order, as frames
    of at most chunk_size rows (PAGE_COLUMNS): for a download of every row. The ids come in
    one statement; their display rows a chunk at a time, so memory stays one chunk wide."""
    if sort not in SORTS:
        raise ValueError(f"Unknown sort '{sort}'; use one of {', '.join(SORTS)}.")
    filters.setdefault("today", date.today())
    task_filters = TaskFilters(**filters)
    ids = session.connection().execute(
        select(Task.id).where(*_conditions(task_filters.shape()))
        .order_by(*_ORDERS[sort](Task)), task_filters.params()).scalars().all()
    for start in range(0, len(ids), chunk_size):
        yield task_rows(session, task_ids=ids[start:start + chunk_size])


def task_rows(session: Session, *, task_ids: Sequence[int]) -> pd.DataFrame:
    """The display rows of these tasks, in the given order (columns: PAGE_COLUMNS)."""
    rows = session.execute(_rows_of_ids(session.get_bind().dialect.name),
                           {"task_ids": list(task_ids)}).all()
    position = {task_id: i for i, task_id in enumerate(task_ids)}
    return _frame(sorted((tuple(row) for row in rows), key=lambda row: position[row[0]]))


@lru_cache(maxsize=4)
def _rows_of_ids(dialect_name: str) -> Select:
    page = select(Task.id).where(Task.id.in_(bindparam("task_ids", expanding=True))).cte("page")
    return _rows_select(dialect_name, page)


def _rows_select(dialect_name: str, page) -> Select:
    """The display rows (PAGE_COLUMNS) of the tasks whose ids `page` (a CTE with `id`) holds,
    unordered.

    Every figure of a row is a lookup for that row only: its sequence and position, the steps
    of a sequence, the previous step (blocked and by what), its links by name.
    """
    parent, prev, sibling, step = (Task.__table__.alias(name)
                                   for name in ("sequence", "previous_step", "sibling", "step"))
    own_steps = select(func.count()).where(step.c.parent_task_id == Task.id)
    previous_order = (select(func.max(sibling.c.sequence_order))
                      .where(sibling.c.parent_task_id == Task.parent_task_id,
                             sibling.c.sequence_order < Task.sequence_order).scalar_subquery())
    links = link_summary(dialect_name, select(page.c.id)).subquery("links")
    link_columns = []
    for column in links.c:
        if column.key.endswith("_count"):
            link_columns.append(func.coalesce(column, 0).label(column.key))
        elif column.key == "linked":
            link_columns.append(func.coalesce(column, "").label(column.key))
        elif column.key != "task_id":
            link_columns.append(column)
    return (select(Task.id, Task.description, Task.status, Task.priority, Task.due_date,
                   Task.next_step_type, Task.task_type, Task.dependency_type, Task.created_at,
                   Task.completed_at, Task.version, Task.parent_task_id,
                   parent.c.description.label("sequence"), Task.sequence_order,
                   select(func.count()).where(sibling.c.parent_task_id == Task.parent_task_id)
                   .scalar_subquery().label("sequence_steps"),
                   own_steps.where(step.c.status == "done").scalar_subquery().label("steps_done"),
                   own_steps.scalar_subquery().label("steps_total"),
                   blocked_flag(Task, prev.c.status).label("blocked"),
                   case((blocked_condition(Task, prev.c.status), prev.c.description))
                   .label("blocked_by"), *link_columns)
            .select_from(page).join(Task, Task.id == page.c.id)
            .outerjoin(parent, parent.c.id == Task.parent_task_id)
            .outerjoin(prev, and_(prev.c.parent_task_id == Task.parent_task_id,
                                  prev.c.sequence_order == previous_order))
            .outerjoin(links, links.c.task_id == Task.id))


def _frame(rows: list[tuple]) -> pd.DataFrame:
    # Display rows: the values as they come, in object columns (letting pandas infer a type
    # for each of the 36 columns costs more than the statement).
    return pd.DataFrame(rows, columns=PAGE_COLUMNS, dtype=object)


def task_counts(session: Session, *, statuses: Sequence[str] = (),
                priorities: Sequence[str] = (), due_windows: Sequence[str] = (),
                next_step_types: Sequence[str] = (), task_types: Sequence[str] = ("task",),
                entity_type: str | None = None, entity_id: int | None = None,
                user_id: int | None = None, search: str | None = None,
                sequence_id: int | None = None, blocked_only: bool = False,
                today: date | None = None, scope: str | None = None) -> TaskCounts:
    """Of the tasks `task_page` lists under the same filters: how many are unfinished (open),
    overdue, due soon and blocked; so a count beside the list is a count of that list.

    Sequences (the parents) are left out by default: their steps are the work.
    """
    filters = TaskFilters(
        statuses=statuses, priorities=priorities, due_windows=due_windows,
        next_step_types=next_step_types, task_types=task_types, entity_type=entity_type,
        entity_id=entity_id, user_id=user_id, search=search, sequence_id=sequence_id,
        blocked_only=blocked_only, today=today or date.today(), scope=scope)
    row = session.execute(_counts_statement(filters.shape()), filters.params()).one()
    return TaskCounts(open=row[0], overdue=row[1], due_soon=row[2], blocked=row[3])


@lru_cache(maxsize=64)
def _counts_statement(shape: FilterShape) -> Select:
    # The tasks of one record or sequence are few: found through their links (or the
    # sequence), and no status index may compete with that lookup (no_index). Otherwise each
    # figure is a range count in the partial index ix_tasks_unfinished (status, task_type,
    # due_date, ...) rather than a test per row.
    unfinished = (in_values(no_index(Task.status), UNFINISHED_TASK_STATUSES) if shape.narrow
                  else is_unfinished(Task))
    today, week_end = bindparam("today", type_=Date), bindparam("week_end", type_=Date)

    if shape.scope_kind != WHOLE:
        # A scope's tasks (found through the links of its users): one pass over them, each
        # figure a conditional count, rather than finding them again for every figure.
        def counted(condition):
            return func.count(case((condition, 1)))

        return (select(func.count(), counted(overdue_dates(Task, today)),
                       counted(due_soon_dates(Task, today, week_end)),
                       counted(blocked_condition(Task)))
                .select_from(Task).where(*_conditions(shape), unfinished))

    def count_where(*condition):
        return (select(func.count()).select_from(Task)
                .where(*_conditions(shape), unfinished, *condition).scalar_subquery())

    return select(count_where(), count_where(overdue_dates(Task, today)),
                  count_where(due_soon_dates(Task, today, week_end)),
                  count_where(blocked_condition(Task)))


__all__ = ["DUE_WINDOWS", "SORTS", "TaskCounts", "TaskFilters", "TaskPage", "escape_like",
           "task_counts", "task_list_chunks", "task_page", "task_rows"]
