"""SQL building blocks every task question shares: due windows, the blocked rule, link names.

Dependency types (vocab.DEPENDENCY_TYPES) and when an unfinished step of a sequence is BLOCKED;
"the previous step" is the sibling with the next lower sequence_order:
- finish_to_start: blocked while the previous step is not finished (not done or cancelled);
- start_to_start: blocked while the previous step has not started (its status is still 'open');
- none: never blocked.
A first step, a task outside any sequence and a finished task are never blocked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import (
    ColumnElement,
    FunctionElement,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    literal_column,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from crm_core import glossary
from crm_core.models import Company, Opportunity, Stakeholder, Task, TaskEntity, User
from crm_core.vocab import (
    ENTITY_TYPES,
    UNFINISHED_TASK_STATUSES,
    Term,
    Vocabulary,
)

DUE_SOON_DAYS = 7
"""'Due soon' means unfinished and due from today through the next DUE_SOON_DAYS days."""

DUE_WINDOWS = Vocabulary("due_window", [
    Term("overdue", glossary.name("overdue"), glossary.term("overdue").definition),
    Term("today", "Due today", "Due today."),
    Term("this_week", "Next 7 days", "Due after today, within the next 7 days."),
    Term("later", "Later", "Due more than 7 days from today."),
    Term("none", "No due date", "No due date set."),
])

TaskLike = type[Task] | AliasedClass


class no_index(FunctionElement):
    """The column itself, which SQLite may not look up through an index (`+column`).

    For questions that read most open tasks anyway, one pass over the table beats an index
    walk (or skip-scan) that fetches each row separately; PostgreSQL's planner needs no hint.
    """

    inherit_cache = True

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(no_index)
def _plain_column(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(no_index, "sqlite")
def _unary_plus_column(element, compiler, **kw):
    return "+" + compiler.process(element.clauses, **kw)


def in_values(column, values: Iterable[str]) -> ColumnElement[bool]:
    """column IN ('a', 'b'), the values (of a vocabulary) written into the SQL text.

    A planner sees them (a partial index on them is usable: with bound values SQLite plans
    the statement again on every run, a generic PostgreSQL plan cannot use it at all), and
    the statement's text is fixed when it is compiled (a bound list is expanded on every run).
    """
    return column.in_([literal_column("'" + value.replace("'", "''") + "'")
                       for value in values])


def is_unfinished(task: TaskLike) -> ColumnElement[bool]:
    """status IN ('open', 'in_progress'): exactly the rows of the partial index
    ix_tasks_unfinished."""
    return in_values(task.status, UNFINISHED_TASK_STATUSES)


def due_window_condition(task: TaskLike, window: str, today, week_end=None
                         ) -> ColumnElement[bool]:
    """The WHERE condition of one due window, relative to `today`.

    today and week_end (today + DUE_SOON_DAYS) may be bound parameters; week_end defaults to
    the date.
    """
    if week_end is None:
        week_end = today + timedelta(days=DUE_SOON_DAYS)
    conditions = {
        "overdue": is_overdue(task, today),
        "today": task.due_date == today,
        "this_week": and_(task.due_date > today, task.due_date <= week_end),
        "later": task.due_date > week_end,
        "none": task.due_date.is_(None),
    }
    if window not in conditions:
        raise ValueError(f"Unknown due window '{window}'; use one of {', '.join(DUE_WINDOWS)}.")
    return conditions[window]


def is_overdue(task: TaskLike, today: date) -> ColumnElement[bool]:
    """Unfinished and due before today."""
    return and_(is_unfinished(task), overdue_dates(task, today))


def overdue_dates(task: TaskLike, today: date) -> ColumnElement[bool]:
    """The due dates of overdue tasks (before today), for a query that selects unfinished ones."""
    return task.due_date < today


def due_soon_dates(task: TaskLike, today, week_end=None) -> ColumnElement[bool]:
    """The due dates of tasks due soon, for a query that selects unfinished ones.

    today and week_end (today + DUE_SOON_DAYS) may be bound parameters.
    """
    if week_end is None:
        week_end = today + timedelta(days=DUE_SOON_DAYS)
    return and_(task.due_date >= today, task.due_date <= week_end)


def previous_step(task: TaskLike, column_name: str = "status"):
    """A column of the step just before this one in its sequence (NULL for a first step)."""
    prev = aliased(Task)
    return (select(getattr(prev, column_name))
            .where(prev.parent_task_id == task.parent_task_id,
                   prev.sequence_order < task.sequence_order)
            .order_by(prev.sequence_order.desc()).limit(1).scalar_subquery())


# How far a step has got, and how far its previous step must have got for each dependency type.
_PROGRESS = {"open": 0, "in_progress": 1, "done": 2, "cancelled": 2}
_REQUIRED = {"finish_to_start": 2, "start_to_start": 1, "none": 0}


def blocked_condition(task: TaskLike, previous_status=None) -> ColumnElement[bool]:
    """True for an unfinished step whose dependency on the previous step is not met.

    previous_status: the previous step's status when the caller has joined that step already;
    by default one lookup per row (previous_step).
    """
    # The previous step's progress must reach what the dependency type requires. A first step
    # has no previous step, so it waits for nothing (never NULL: NOT blocked must be true).
    if previous_status is None:
        previous_status = previous_step(task)
    prev_progress = func.coalesce(case(_PROGRESS, value=previous_status), 2)
    required = case(_REQUIRED, value=task.dependency_type, else_=0)
    # Cheap tests first: the lookup of the previous step runs only for unfinished steps that
    # depend on it ('none' never waits). The status test must never make SQLite walk the
    # status index (see no_index).
    return and_(task.parent_task_id.is_not(None), task.dependency_type != "none",
                in_values(no_index(task.status), UNFINISHED_TASK_STATUSES),
                prev_progress < required)


def blocked_flag(task: TaskLike, previous_status=None) -> ColumnElement[bool]:
    """blocked_condition as a selectable true/false column."""
    return case((blocked_condition(task, previous_status), true()), else_=false())


def text_agg(dialect_name: str, expr, order_by, separator: str = ", "):
    """Concatenate strings of a group in order (string_agg on PostgreSQL, group_concat on SQLite).

    SQLite 3.40 has no ORDER BY inside aggregates: callers feed it rows already sorted.
    """
    if dialect_name == "postgresql":
        return func.string_agg(expr, aggregate_order_by(literal(separator), *order_by))
    return func.group_concat(expr, separator)


def entity_name():
    """The name of a TaskEntity row's entity: one primary-key lookup in the table of its type.

    (A lookup per link, not a join of the four tables: the planner cannot misjudge it.)
    """
    return case(*((TaskEntity.entity_type == entity_type,
                   select(model.name).where(model.id == TaskEntity.entity_id).scalar_subquery())
                  for entity_type, model in (("company", Company), ("opportunity", Opportunity),
                                             ("stakeholder", Stakeholder), ("user", User))))


def link_key(entity_type: str):
    """A TaskEntity row's entity_id when it links an entity of this type, else NULL: a join on
    it looks up only the links of that type (SQLite skips a NULL key; PostgreSQL may hash)."""
    return case((TaskEntity.entity_type == entity_type, TaskEntity.entity_id))


def link_summary(dialect_name: str, task_ids) -> Select:
    """Per task of these ids (a list, an expanding bind parameter or a select of ids): names
    per entity type.

    Columns: task_id, linked ('Company: Acme; User: Alice, Bob'), and per entity type T:
    T_names, T_count, T_first_id, T_first_name (first by name).
    """
    # Each link's name from a join on its table's primary key (a column, read once per link;
    # the page's few links make every join a lookup). The key is the link's id only for links
    # of that type, so SQLite skips the lookup in the other tables (a NULL key).
    tables = {t: model.__table__.alias(f"linked_{t}") for t, model in (
        ("company", Company), ("opportunity", Opportunity), ("stakeholder", Stakeholder),
        ("user", User))}
    named = select(TaskEntity.task_id, TaskEntity.entity_type, TaskEntity.entity_id,
                   func.coalesce(*(table.c.name for table in tables.values())).label("name"),
                   case({t: i for i, t in enumerate(ENTITY_TYPES)},
                        value=TaskEntity.entity_type).label("type_rank"))
    for entity_type, table in tables.items():
        named = named.outerjoin(table, table.c.id == link_key(entity_type))
    named = named.where(TaskEntity.task_id.in_(task_ids)).subquery("named")
    rank = func.row_number().over(partition_by=(named.c.task_id, named.c.entity_type),
                                  order_by=(named.c.name, named.c.entity_id))
    links = (select(*named.c, rank.label("rank"))
             .order_by(named.c.task_id, named.c.type_rank, named.c.name, named.c.entity_id)
             .subquery("links"))
    label = case({t.value: t.label for t in ENTITY_TYPES.terms}, value=links.c.entity_type)
    columns = [links.c.task_id,
               text_agg(dialect_name, label + literal(": ") + links.c.name,
                        (links.c.type_rank, links.c.name), "; ").label("linked")]
    for entity_type in ENTITY_TYPES:
        of_type = links.c.entity_type == entity_type
        first = and_(of_type, links.c.rank == 1)
        columns += [
            text_agg(dialect_name, case((of_type, links.c.name)), (links.c.name,)
                     ).label(f"{entity_type}_names"),
            func.count(case((of_type, 1))).label(f"{entity_type}_count"),
            func.max(case((first, links.c.entity_id))).label(f"{entity_type}_first_id"),
            func.max(case((first, links.c.name))).label(f"{entity_type}_first_name"),
        ]
    return select(*columns).group_by(links.c.task_id)
