"""Task status changes: complete (with dependency checks), bulk complete, reopen, cancel.

A step whose dependency is not met (see crm_core.queries._task_sql) cannot be completed unless
a manager forces it with a reason, which the audit event keeps.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import Conflict, NotFound
from crm_core.models import Task, utcnow
from crm_core.queries._task_sql import blocked_condition, previous_step
from crm_core.services._common import check_not_stale, get_or_raise
from crm_core.services.tasks import label_of
from crm_core.vocab import (
    DEPENDENCY_TYPES,
    FINISHED_TASK_STATUSES,
    TASK_STATUSES,
    UNFINISHED_TASK_STATUSES,
)


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
