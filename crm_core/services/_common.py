"""Helpers every write service shares: loading for update, stale-form checks, link cleanup."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crm_core.errors import Conflict, NotFound
from crm_core.models import AuditEvent, Base, SourceIdentity, TaskEntity
from crm_core.vocab import ENTITY_TYPES

M = TypeVar("M", bound=Base)


def get_or_raise(session: Session, model: type[M], record_id: int, *,
                 for_update: bool = False) -> M:
    """The record with this id, locked for update if asked; NotFound if it is gone."""
    stmt = select(model).where(model.id == record_id)
    if for_update:
        stmt = stmt.with_for_update()
    record = session.scalars(stmt).one_or_none()
    if record is None:
        what = model.__name__.lower()
        raise NotFound(f"There is no {what} with id {record_id} (it may have been deleted).")
    return record


def lock_in_order(session: Session, model: type[Base], record_ids: Iterable[int]) -> None:
    """Lock these records for update in id order (writers of several records then queue up
    in one order instead of deadlocking); ids that are gone are skipped."""
    ids = sorted(set(record_ids))
    for start in range(0, len(ids), 500):
        session.execute(select(model.id).where(model.id.in_(ids[start:start + 500]))
                        .order_by(model.id).with_for_update()).all()


def check_not_stale(session: Session, record: Base, entity_type: str,
                    seen_version: int | None) -> None:
    """Refuse when the record changed since the form showed it (naming who changed what)."""
    if seen_version is None or record.version == seen_version:
        return
    last = session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == entity_type,
                                 AuditEvent.entity_id == record.id)
        .order_by(AuditEvent.id.desc()).limit(1)).first()
    label = getattr(record, "name", None) or f"{entity_type} {record.id}"
    if last is None:
        raise Conflict(f"'{label}' was changed by someone else since you opened it. "
                       "Reload to see the current values.")
    changed = changed_fields(last.before, last.after)
    what = f" ({', '.join(changed)})" if changed else ""
    raise Conflict(f"'{label}' was changed by {last.actor_email} at "
                   f"{last.occurred_at:%Y-%m-%d %H:%M} UTC{what} since you opened it. "
                   "Reload to see the current values, then make your change again.")


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
    """The keys whose values differ between two snapshots (version excluded)."""
    before, after = before or {}, after or {}
    keys = [k for k in {**before, **after} if k != "version"]
    return [k for k in keys if before.get(k) != after.get(k)]


def remove_task_links(session: Session, entity_type: str, entity_ids: Iterable[int]) -> int:
    """Delete the task links of deleted entities (the generic link has no foreign key)."""
    assert entity_type in ENTITY_TYPES
    ids = list(entity_ids)
    total = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        result = session.execute(delete(TaskEntity).where(
            TaskEntity.entity_type == entity_type, TaskEntity.entity_id.in_(chunk)))
        total += result.rowcount or 0
    return total


_TABLES = {"user": "users", "company": "companies", "stakeholder": "stakeholders",
           "opportunity": "opportunities"}


def remove_source_identities(session: Session, entity_type: str,
                             entity_ids: Iterable[int]) -> None:
    """Forget where deleted records were imported from, so their ids, reused by SQLite for a
    new record, never lead a later import to that other record."""
    ids = list(entity_ids)
    for start in range(0, len(ids), 500):
        session.execute(delete(SourceIdentity).where(
            SourceIdentity.record_table == _TABLES[entity_type],
            SourceIdentity.record_id.in_(ids[start:start + 500])))


def insert_ignoring_duplicates(session: Session, model: type[Base],
                               rows: list[dict[str, Any]]) -> int:
    """Insert assignment rows; a row already there is left alone (a double click adds one row).

    Returns how many rows were new.
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Count the RETURNING rows: psycopg does not report a reliable rowcount for this statement.
    table = model.__table__
    key = list(table.primary_key.columns)[0]
    stmt = insert(table).values(rows).on_conflict_do_nothing().returning(key)
    return len(session.execute(stmt).all())
