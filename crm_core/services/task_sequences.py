"""Sequences: create one with its ordered steps, add a step, move a task in or out, reorder.

Positions are 1..n without gaps. The database refuses two steps of one sequence at the same
position at every moment (a unique index), so renumbering goes through free positions above
the current ones, then down to the final ones: no UPDATE ever collides, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import Conflict, ValidationError
from crm_core.models import Task
from crm_core.services._common import check_not_stale, get_or_raise
from crm_core.services.tasks import (
    AUDITED_FIELDS,
    add_links,
    label_of,
    parse_links,
    parse_task_fields,
)
from crm_core.vocab import FINISHED_TASK_STATUSES


def _sequence(session: Session, sequence_id: int, *, field: str = "sequence_id") -> Task:
    sequence = get_or_raise(session, Task, sequence_id, for_update=True)
    if sequence.task_type != "sequence":
        raise ValidationError(f"Task {label_of(sequence)} is not a sequence, so it cannot have "
                              "steps.", field=field)
    return sequence


def _parse_steps(session: Session, steps: Sequence[Mapping[str, Any]],
                 default_links: list[tuple[str, int]]) -> list[tuple[dict, list]]:
    if not steps:
        raise ValidationError("A sequence needs at least one step.", field="steps")
    parsed = []
    for number, step in enumerate(steps, start=1):
        values = {k: v for k, v in step.items() if k != "links"}
        values.setdefault("dependency_type", "finish_to_start")
        try:
            fields = parse_task_fields(values, partial=False)
            links = parse_links(session, step["links"]) if "links" in step else default_links
        except ValidationError as error:
            raise ValidationError(f"Step {number}: {error.message}", field="steps") from None
        parsed.append((fields, links))
    return parsed


def create_sequence(session: Session, *, actor: Actor, description: str,
                    steps: Sequence[Mapping[str, Any]], links: Iterable[Any] = (),
                    **values: Any) -> Task:
    """A sequence with its steps in order (1..n); steps without their own links get its links.

    Each step: description, due_date, priority, next_step_type, dependency_type (default
    finish_to_start) and optionally links.
    """
    actor.require(Permission.EDIT)
    fields = parse_task_fields({"description": description, **values}, partial=False)
    parsed_links = parse_links(session, links)
    parsed_steps = _parse_steps(session, steps, parsed_links)
    sequence = Task(**fields, status="open", task_type="sequence")
    session.add(sequence)
    session.flush()
    add_links(session, sequence.id, parsed_links)
    for order, (step_fields, step_links) in enumerate(parsed_steps, start=1):
        step = Task(**step_fields, status="open", task_type="task", parent_task_id=sequence.id,
                    sequence_order=order)
        session.add(step)
        session.flush()
        add_links(session, step.id, step_links)
    audit.record(session, actor, "sequence.created", "task", sequence.id,
                 summary=f"Created sequence {label_of(sequence)} with {len(parsed_steps)} steps",
                 after={**audit.snapshot(sequence, AUDITED_FIELDS),
                        "steps": [f["description"] for f, _ in parsed_steps],
                        "links": [f"{t}:{i}" for t, i in parsed_links]})
    return sequence


def _check_position_free(session: Session, sequence: Task, order: int) -> None:
    taken = session.scalar(select(Task.description).where(
        Task.parent_task_id == sequence.id, Task.sequence_order == order))
    if taken is not None:
        raise ValidationError(
            f"Position {order} of the sequence {label_of(sequence)} is already taken by "
            f"'{taken}'. Pick a free position, or reorder the steps.", field="sequence_order")


def _next_position(session: Session, sequence_id: int) -> int:
    return (session.scalar(select(func.max(Task.sequence_order))
                           .where(Task.parent_task_id == sequence_id)) or 0) + 1


def _parse_position(value: Any) -> int:
    order = validation.identifier(value, field="sequence_order", label="Position")
    return order


def add_step(session: Session, *, actor: Actor, sequence_id: int,
             sequence_order: int | None = None, links: Iterable[Any] | None = None,
             **values: Any) -> Task:
    """Add a new step to a sequence, at the end or at a free position."""
    actor.require(Permission.EDIT)
    sequence = _sequence(session, sequence_id)
    if sequence.status in FINISHED_TASK_STATUSES:
        raise Conflict(f"The sequence {label_of(sequence)} is {sequence.status}; reopen it "
                       "before adding steps.")
    values.setdefault("dependency_type", "finish_to_start")
    fields = parse_task_fields(values, partial=False)
    if sequence_order in (None, ""):
        order = _next_position(session, sequence.id)
    else:
        order = _parse_position(sequence_order)
        _check_position_free(session, sequence, order)
    parsed_links = parse_links(session, links if links is not None else
                               [(link.entity_type, link.entity_id) for link in sequence.links])
    step = Task(**fields, status="open", task_type="task", parent_task_id=sequence.id,
                sequence_order=order)
    session.add(step)
    session.flush()
    add_links(session, step.id, parsed_links)
    audit.record(session, actor, "sequence.step_added", "task", step.id,
                 summary=f"Added step {order} {label_of(step)} to {label_of(sequence)}",
                 after=audit.snapshot(step, AUDITED_FIELDS))
    return step


def _ancestor_ids(session: Session, task_id: int) -> list[int]:
    """The chain of parents above a task, nearest first (stops at a repeat)."""
    chain: list[int] = []
    current = session.scalar(select(Task.parent_task_id).where(Task.id == task_id))
    while current is not None and current not in chain:
        chain.append(current)
        current = session.scalar(select(Task.parent_task_id).where(Task.id == current))
    return chain


def move_task(session: Session, *, actor: Actor, task_id: int, sequence_id: int | None,
              sequence_order: int | None = None, seen_version: int | None = None) -> Task:
    """Make a task a step of a sequence (at the end or a free position), or take it out."""
    actor.require(Permission.EDIT)
    task = get_or_raise(session, Task, task_id, for_update=True)
    check_not_stale(session, task, "task", seen_version)
    before = audit.snapshot(task, ("parent_task_id", "sequence_order"))
    old_parent = task.parent_task_id
    if sequence_id is None:
        task.parent_task_id, task.sequence_order = None, None
        session.flush()
    else:
        if sequence_id == task.id:
            raise ValidationError(f"Task {label_of(task)} cannot be a step of itself.",
                                  field="sequence_id")
        sequence = _sequence(session, sequence_id)
        if task.id in _ancestor_ids(session, sequence.id):
            raise ValidationError(
                f"{label_of(sequence)} is inside {label_of(task)}; making {label_of(task)} "
                "its step would make a parent cycle.", field="sequence_id")
        if old_parent == sequence.id:
            raise ValidationError(f"{label_of(task)} is already a step of {label_of(sequence)}; "
                                  "reorder the steps to move it.", field="sequence_id")
        if sequence_order in (None, ""):
            order = _next_position(session, sequence.id)
        else:
            order = _parse_position(sequence_order)
            _check_position_free(session, sequence, order)
        task.parent_task_id, task.sequence_order = sequence.id, order
        session.flush()
    if old_parent is not None:
        _close_gaps(session, old_parent)
    audit.record(session, actor, "task.moved", "task", task.id,
                 summary=f"Moved task {label_of(task)}", before=before,
                 after=audit.snapshot(task, ("parent_task_id", "sequence_order")))
    return task


def _renumber(session: Session, steps: list[Task]) -> None:
    """Give these steps positions 1..n in this order without any transient collision."""
    top = max([s.sequence_order for s in steps] + [len(steps)])
    for offset, step in enumerate(steps, start=1):
        step.sequence_order = top + offset
    session.flush()
    for position, step in enumerate(steps, start=1):
        step.sequence_order = position
    session.flush()


def _close_gaps(session: Session, sequence_id: int) -> None:
    steps = list(session.scalars(select(Task).where(Task.parent_task_id == sequence_id)
                                 .order_by(Task.sequence_order)))
    if [s.sequence_order for s in steps] != list(range(1, len(steps) + 1)):
        _renumber(session, steps)


def reorder_steps(session: Session, *, actor: Actor, sequence_id: int,
                  step_ids: Sequence[int]) -> list[int]:
    """Put a sequence's steps in this new order (every step exactly once)."""
    actor.require(Permission.EDIT)
    sequence = _sequence(session, sequence_id)
    steps = {s.id: s for s in session.scalars(
        select(Task).where(Task.parent_task_id == sequence.id).with_for_update())}
    wanted = [int(i) for i in step_ids]
    repeated = sorted({i for i in wanted if wanted.count(i) > 1})
    if repeated:
        raise ValidationError(f"The new order lists step(s) {', '.join(map(str, repeated))} "
                              "more than once: two steps cannot share a position.",
                              field="step_ids")
    strangers = [i for i in wanted if i not in steps]
    if strangers:
        raise ValidationError(f"Task(s) {', '.join(map(str, strangers))} are not steps of "
                              f"{label_of(sequence)}.", field="step_ids")
    left_out = [steps[i] for i in steps if i not in wanted]
    if left_out:
        names = ", ".join(label_of(s) for s in sorted(left_out, key=lambda s: s.sequence_order))
        raise ValidationError(f"The new order leaves out {names}: list every step once.",
                              field="step_ids")
    before = [i for i, _ in sorted(steps.items(), key=lambda item: item[1].sequence_order)]
    if before != wanted:
        _renumber(session, [steps[i] for i in wanted])
        audit.record(session, actor, "sequence.reordered", "task", sequence.id,
                     summary=f"Reordered the steps of {label_of(sequence)}",
                     before={"step_ids": before}, after={"step_ids": wanted})
    return wanted
