"""Tasks: create, edit, complete (with dependency checks), reopen, cancel, link and unlink.

Sequences and their steps are created and ordered in `task_sequences`. A step whose dependency
is not met (see crm_core.queries._task_sql) cannot be completed unless a manager forces it with
a reason, which the audit event keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import Conflict, NotFound, ValidationError
from crm_core.models import ENTITY_MODELS, Task, TaskEntity, utcnow
from crm_core.queries._task_sql import blocked_condition, previous_step
from crm_core.services._common import check_not_stale, get_or_raise, insert_ignoring_duplicates
from crm_core.vocab import (
    DEPENDENCY_TYPES,
    ENTITY_TYPES,
    FINISHED_TASK_STATUSES,
    NEXT_STEP_TYPES,
    PRIORITIES,
    TASK_STATUSES,
    UNFINISHED_TASK_STATUSES,
)

AUDITED_FIELDS = ("description", "due_date", "priority", "status", "next_step_type",
                  "completed_at", "task_type", "parent_task_id", "sequence_order",
                  "dependency_type")


def _optional_choice(vocabulary, field: str, label: str):
    def parse(value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return validation.choice(value, vocabulary, field=field, label=label)
    return parse


TASK_FIELDS = {
    "description": lambda v: validation.text(v, field="description", label="Description",
                                             max_length=2000),
    "due_date": lambda v: validation.a_date(v, field="due_date", label="Due date"),
    "priority": lambda v: validation.choice(v, PRIORITIES, field="priority", label="Priority"),
    "next_step_type": _optional_choice(NEXT_STEP_TYPES, "next_step_type", "Next step type"),
    "dependency_type": lambda v: validation.choice(v, DEPENDENCY_TYPES, field="dependency_type",
                                                   label="Dependency"),
}
DEFAULTS = {"due_date": None, "priority": "medium", "next_step_type": None,
            "dependency_type": "none"}


def parse_task_fields(values: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validated task fields (all of them with defaults, or only those given)."""
    unknown = set(values) - set(TASK_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown task field(s): {', '.join(sorted(unknown))}.")
    if partial:
        return {name: TASK_FIELDS[name](value) for name, value in values.items()}
    merged = {**DEFAULTS, **values}
    return {name: TASK_FIELDS[name](merged.get(name)) for name in TASK_FIELDS}


def parse_links(session: Session, links: Iterable[Any]) -> list[tuple[str, int]]:
    """Validated (entity_type, entity_id) pairs, each of an existing entity; duplicates dropped."""
    result: list[tuple[str, int]] = []
    for link in links or ():
        if isinstance(link, Mapping):
            entity_type, entity_id = link.get("entity_type"), link.get("entity_id")
        else:
            entity_type, entity_id = link
        raw_type = str(entity_type or "").strip()
        if raw_type.lower() not in ENTITY_TYPES:
            raise ValidationError(f"Cannot link to '{raw_type}': the entity type must be one of "
                                  f"{', '.join(ENTITY_TYPES)}.", field="links")
        entity_type = raw_type.lower()
        entity_id = validation.identifier(entity_id, field="links",
                                          label=f"{ENTITY_TYPES.label(entity_type)} id")
        if session.get(ENTITY_MODELS[entity_type], entity_id) is None:
            raise ValidationError(f"Cannot link to {entity_type} {entity_id}: there is no "
                                  f"{entity_type} with that id.", field="links")
        if (entity_type, entity_id) not in result:
            result.append((entity_type, entity_id))
    return result


def add_links(session: Session, task_id: int, links: list[tuple[str, int]]) -> int:
    """Insert link rows (existing ones are left alone); how many were new."""
    return insert_ignoring_duplicates(session, TaskEntity, [
        {"task_id": task_id, "entity_type": t, "entity_id": i} for t, i in links])


def label_of(task: Task) -> str:
    """How messages name a task: its description, shortened."""
    text = task.description if len(task.description) <= 60 else task.description[:57] + "..."
    return f"'{text}'"


def create_task(session: Session, *, actor: Actor, links: Iterable[Any] = (),
                **values: Any) -> Task:
    """Add a task (description, due_date, priority, next_step_type) linked to entities."""
    actor.require(Permission.EDIT)
    parsed = parse_task_fields(values, partial=False)
    parsed_links = parse_links(session, links)
    task = Task(**parsed, status="open", task_type="task")
    session.add(task)
    session.flush()
    add_links(session, task.id, parsed_links)
    audit.record(session, actor, "task.created", "task", task.id,
                 summary=f"Created task {label_of(task)}",
                 after={**audit.snapshot(task, AUDITED_FIELDS),
                        "links": [f"{t}:{i}" for t, i in parsed_links]})
    return task


def edit_task(session: Session, *, actor: Actor, task_id: int, seen_version: int | None = None,
              status: str | None = None, **changes: Any) -> Task:
    """Change a task's fields, or move it between open and in progress."""
    actor.require(Permission.EDIT)
    parsed = parse_task_fields(changes, partial=True)
    task = get_or_raise(session, Task, task_id, for_update=True)
    check_not_stale(session, task, "task", seen_version)
    if status is not None:
        new_status = validation.choice(status, TASK_STATUSES, field="status", label="Status")
        if new_status != task.status and (new_status not in UNFINISHED_TASK_STATUSES
                                          or task.status not in UNFINISHED_TASK_STATUSES):
            raise ValidationError(
                f"Use Complete, Cancel or Reopen to change {label_of(task)} from "
                f"{TASK_STATUSES.label(task.status)} to {TASK_STATUSES.label(new_status)}.",
                field="status")
        parsed["status"] = new_status
    before = audit.snapshot(task, tuple(parsed))
    for name, value in parsed.items():
        setattr(task, name, value)
    after = audit.snapshot(task, tuple(parsed))
    if before != after:
        session.flush()
        audit.record(session, actor, "task.updated", "task", task.id,
                     summary=f"Updated task {label_of(task)}", before=before, after=after)
    return task


def blocker_of(session: Session, task: Task) -> str | None:
    """Why this step cannot be completed yet (None when it is not blocked)."""
    blocked = session.scalar(select(blocked_condition(Task)).where(Task.id == task.id))
    if not blocked:
        return None
    prev = session.execute(select(previous_step(Task, "description"), previous_step(Task))
                           .where(Task.id == task.id)).one()
    return (f"{label_of(task)} is blocked: it depends on the previous step '{prev[0]}' "
            f"({DEPENDENCY_TYPES.label(task.dependency_type).lower()}), which is "
            f"{TASK_STATUSES.label(prev[1]).lower()}")


def _unfinished_steps(session: Session, sequence: Task) -> list[str]:
    return list(session.scalars(
        select(Task.description).where(Task.parent_task_id == sequence.id,
                                       Task.status.in_(UNFINISHED_TASK_STATUSES))
        .order_by(Task.sequence_order)))


def _check_completable(session: Session, task: Task) -> str | None:
    """Refuse what can never be completed; return the blocker (a forceable refusal) if any."""
    if task.status == "done":
        raise Conflict(f"{label_of(task)} is already done.")
    if task.status == "cancelled":
        raise Conflict(f"{label_of(task)} is cancelled; reopen it before completing it.")
    if task.task_type == "sequence":
        open_steps = _unfinished_steps(session, task)
        if open_steps:
            raise Conflict(f"The sequence {label_of(task)} still has {len(open_steps)} "
                           f"unfinished step(s): {', '.join(open_steps[:5])}. Complete or "
                           "cancel them first.")
    return blocker_of(session, task)


def _mark_done(session: Session, actor: Actor, task: Task, *, forced_reason: str | None,
               summary_suffix: str = "") -> None:
    before = audit.snapshot(task, ("status", "completed_at"))
    task.status, task.completed_at = "done", utcnow()
    session.flush()
    after = {**audit.snapshot(task, ("status", "completed_at"))}
    summary = f"Completed task {label_of(task)}{summary_suffix}"
    if forced_reason:
        after["forced_reason"] = forced_reason
        summary += f" (forced past its dependency: {forced_reason})"
    audit.record(session, actor, "task.completed", "task", task.id, summary=summary,
                 before=before, after=after)


def complete_task(session: Session, *, actor: Actor, task_id: int, force: bool = False,
                  reason: str | None = None, seen_version: int | None = None) -> Task:
    """Mark a task done; a blocked step only with force=True and a reason (audited)."""
    actor.require(Permission.EDIT)
    task = get_or_raise(session, Task, task_id, for_update=True)
    check_not_stale(session, task, "task", seen_version)
    blocker = _check_completable(session, task)
    forced_reason = None
    if blocker:
        if not force:
            raise Conflict(f"{blocker}. Complete that step first, or force it with a reason.")
        forced_reason = validation.text(reason, field="reason", label="Reason for forcing",
                                        max_length=500)
    _mark_done(session, actor, task, forced_reason=forced_reason)
    return task


def bulk_complete(session: Session, *, actor: Actor, task_ids: Iterable[int]) -> int:
    """Complete every selected task, or none (naming the blocked ones); already done: skipped.

    A step whose previous step is also selected counts that step as done.
    """
    actor.require(Permission.EDIT)
    ids = list(dict.fromkeys(int(i) for i in task_ids))
    tasks = {t.id: t for t in session.scalars(
        select(Task).where(Task.id.in_(ids)).with_for_update())}
    missing = [i for i in ids if i not in tasks]
    if missing:
        raise NotFound(f"There is no task with id {', '.join(map(str, missing))} "
                       "(it may have been deleted).")
    todo = [t for t in tasks.values() if t.status != "done"]
    todo.sort(key=lambda t: (t.parent_task_id or 0, t.sequence_order or 0, t.id))
    selected = {t.id for t in todo}
    problems = []
    for task in todo:
        try:
            blocker = _check_completable_in_batch(session, task, selected)
        except Conflict as refusal:
            problems.append(str(refusal).rstrip("."))
            continue
        if blocker:
            problems.append(blocker)
    if problems:
        raise Conflict("Nothing was completed: " + "; ".join(problems) + ".")
    for task in todo:
        _mark_done(session, actor, task, forced_reason=None, summary_suffix=" (bulk)")
    return len(todo)


def _check_completable_in_batch(session: Session, task: Task, selected: set[int]) -> str | None:
    if task.task_type == "sequence" and task.status in UNFINISHED_TASK_STATUSES:
        steps = session.execute(select(Task.id, Task.description).where(
            Task.parent_task_id == task.id, Task.status.in_(UNFINISHED_TASK_STATUSES))).all()
        outside = [s.description for s in steps if s.id not in selected]
        if outside:
            return (f"the sequence {label_of(task)} still has unfinished step(s) not selected: "
                    f"{', '.join(outside[:5])}")
        return None
    blocker = _check_completable(session, task)
    if blocker is None:
        return None
    prev_id = session.scalar(select(previous_step(Task, "id")).where(Task.id == task.id))
    return None if prev_id in selected else blocker


def reopen_task(session: Session, *, actor: Actor, task_id: int,
                seen_version: int | None = None) -> Task:
    """Make a done or cancelled task open again (clears completed_at)."""
    actor.require(Permission.EDIT)
    task = get_or_raise(session, Task, task_id, for_update=True)
    check_not_stale(session, task, "task", seen_version)
    if task.status not in FINISHED_TASK_STATUSES:
        raise Conflict(f"{label_of(task)} is {TASK_STATUSES.label(task.status).lower()}, "
                       "not done or cancelled: there is nothing to reopen.")
    before = audit.snapshot(task, ("status", "completed_at"))
    task.status, task.completed_at = "open", None
    summary = f"Reopened task {label_of(task)}"
    if task.parent is not None and task.parent.status in FINISHED_TASK_STATUSES:
        # A sequence with an unfinished step is not finished either.
        task.parent.status, task.parent.completed_at = "in_progress", None
        summary += f" and its sequence {label_of(task.parent)}"
    session.flush()
    audit.record(session, actor, "task.reopened", "task", task.id, summary=summary,
                 before=before, after=audit.snapshot(task, ("status", "completed_at")))
    return task


def cancel_task(session: Session, *, actor: Actor, task_id: int, reason: str | None = None,
                seen_version: int | None = None) -> Task:
    """Cancel an unfinished task; cancelling a sequence cancels its unfinished steps too."""
    actor.require(Permission.EDIT)
    task = get_or_raise(session, Task, task_id, for_update=True)
    check_not_stale(session, task, "task", seen_version)
    if task.status in FINISHED_TASK_STATUSES:
        raise Conflict(f"{label_of(task)} is already {TASK_STATUSES.label(task.status).lower()}.")
    reason = validation.text(reason, field="reason", label="Reason", required=False,
                             max_length=500)
    cancelled = [task]
    if task.task_type == "sequence":
        cancelled += [s for s in task.steps if s.status in UNFINISHED_TASK_STATUSES]
    for each in cancelled:
        each.status = "cancelled"
    session.flush()
    steps = len(cancelled) - 1
    summary = f"Cancelled task {label_of(task)}" + (f" and {steps} open step(s)" if steps else "")
    audit.record(session, actor, "task.cancelled", "task", task.id,
                 summary=summary + (f": {reason}" if reason else ""),
                 after={"status": "cancelled", "reason": reason,
                        "cancelled_steps": [s.id for s in cancelled[1:]]})
    return task


def link_entities(session: Session, *, actor: Actor, task_id: int,
                  links: Iterable[Any]) -> int:
    """Link a task to more entities; returns how many links were new."""
    actor.require(Permission.EDIT)
    task = get_or_raise(session, Task, task_id)
    parsed = parse_links(session, links)
    if not parsed:
        raise ValidationError("Choose at least one record to link.", field="links")
    added = add_links(session, task.id, parsed)
    if added:
        audit.record(session, actor, "task.linked", "task", task.id,
                     summary=f"Linked task {label_of(task)} to {added} record(s)",
                     after={"links": [f"{t}:{i}" for t, i in parsed]})
    return added


def unlink_entity(session: Session, *, actor: Actor, task_id: int, entity_type: str,
                  entity_id: int) -> bool:
    """Remove one link of a task; False if it was not linked."""
    actor.require(Permission.EDIT)
    task = get_or_raise(session, Task, task_id)
    removed = session.execute(delete(TaskEntity).where(
        TaskEntity.task_id == task.id, TaskEntity.entity_type == entity_type,
        TaskEntity.entity_id == entity_id)).rowcount
    if removed:
        audit.record(session, actor, "task.unlinked", "task", task.id,
                     summary=f"Unlinked {entity_type} {entity_id} from task {label_of(task)}",
                     before={"links": [f"{entity_type}:{entity_id}"]})
    return bool(removed)
