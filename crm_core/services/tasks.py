"""Tasks: create, edit, link and unlink; the field and link validation every task write shares.

Completing, reopening and cancelling live in `task_status`; sequences and their steps in
`task_sequences`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import ValidationError
from crm_core.models import ENTITY_MODELS, Task, TaskEntity
from crm_core.services._common import check_not_stale, get_or_raise, insert_ignoring_duplicates
from crm_core.vocab import (
    DEPENDENCY_TYPES,
    ENTITY_TYPES,
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
