"""Restoring the tables of our own full export that have no natural key (tasks and their links,
scorecard entries, stage settings) into an empty database, ids and timestamps kept.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, DateTime, Integer, Numeric, delete, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON

from crm_core.errors import ValidationError
from crm_core.importing.reading import SourceTable
from crm_core.models import Base, Company, Opportunity, Region, Stakeholder, Task, User

# Restored in this order (tasks before their links); settings only by an admin.
RESTORED_AS_IS: tuple[str, ...] = ("tasks", "task_entities", "meddpicc_scorecard_entries",
                                   "stage_required_roles", "source_identities")
SETTINGS_TABLES = ("stage_required_roles",)
# In the export for the record, never imported: history and who may sign in stay with the
# database they belong to.
NEVER_IMPORTED = ("audit_events", "access_grants")


def database_is_empty(session: Session) -> bool:
    """True when no regions, users, companies, stakeholders, opportunities or tasks exist."""
    return all(session.scalar(select(func.count()).select_from(model)) == 0
               for model in (Region, User, Company, Stakeholder, Opportunity, Task))


def _cell(column: Column, raw: str) -> Any:
    if raw == "":
        return None if column.nullable else ("" if column.type.python_type is str else None)
    kind = column.type
    try:
        if isinstance(kind, JSON):
            return json.loads(raw)
        if isinstance(kind, DateTime):
            return datetime.fromisoformat(raw).replace(tzinfo=None)
        if isinstance(kind, Date):
            return date.fromisoformat(raw[:10])
        if isinstance(kind, Integer):
            return int(float(raw))
        if isinstance(kind, Numeric):
            return float(raw)
    except ValueError:
        raise ValidationError(f"'{raw}' is not a valid {column.name}.",
                              field=column.name) from None
    return raw


def restore_table(session: Session, source: SourceTable, table_name: str) -> int:
    """Insert every row of an exported table as it is; returns how many rows."""
    table = Base.metadata.tables[table_name]
    known = [(i, table.c[h]) for i, h in enumerate(source.headers) if h in table.c]
    rows = []
    for line, cells in source.rows:
        try:
            rows.append({column.name: _cell(column, cells[i] if i < len(cells) else "")
                         for i, column in known})
        except ValidationError as error:
            raise ValidationError(f"{source.name} line {line}: {error.message}",
                                  field=error.field) from None
    if table_name in SETTINGS_TABLES:
        session.execute(delete(table))  # the export's settings replace the shipped defaults
    if table_name == "tasks":
        rows.sort(key=lambda r: (r.get("parent_task_id") is not None, r.get("id") or 0))
    for start in range(0, len(rows), 5_000):
        session.execute(insert(table), rows[start:start + 5_000])
    return len(rows)
