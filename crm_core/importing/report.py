"""The import report: counts per file, every rejected row, and a preview of the changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from crm_core.importing.directory import Directory, Pending
from crm_core.importing.plan import FilePlan, singular

REJECTED_COLUMNS = ["file", "line", "field", "reason", "values"]
CHANGE_COLUMNS = ["file", "line", "action", "record", "changes"]
PREVIEW_LIMIT = 1_000
_REFERENCED = {"company_id": "companies"}


@dataclass(frozen=True)
class FileReport:
    file: str
    entity: str
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, in a dry run, would do), file by file, and every rejected row."""

    mode: str
    applied: bool
    files: tuple[FileReport, ...]
    rejected_rows: pd.DataFrame = field(compare=False, hash=False)
    changes: pd.DataFrame = field(compare=False, hash=False, default_factory=pd.DataFrame)
    notes: tuple[str, ...] = ()
    restored: bool = False

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def created(self) -> int:
        return sum(f.created for f in self.files)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.files)

    @property
    def unchanged(self) -> int:
        return sum(f.unchanged for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    def summary(self) -> str:
        """One sentence: the counts, and whether anything was written."""
        rows = f"{self.rows:,} row{'' if self.rows == 1 else 's'}"
        counts = (f"{rows}: {self.created:,} to create, {self.updated:,} to update, "
                  f"{self.unchanged:,} unchanged, {self.rejected:,} rejected")
        if self.mode == "dry_run":
            return f"Dry run, nothing written. {counts}."
        if self.applied:
            return (f"Imported. {rows}: {self.created:,} created, {self.updated:,} "
                    f"updated, {self.unchanged:,} unchanged, {self.rejected:,} rejected.")
        return f"Nothing written: {self.rejected:,} row(s) rejected. {counts}."


def file_report(plan: FilePlan) -> FileReport:
    return FileReport(file=plan.name, entity=plan.entity, rows=plan.rows, created=plan.created,
                      updated=plan.updated, unchanged=plan.unchanged,
                      rejected=len(plan.rejected))


def rejected_frame(plans: list[FilePlan]) -> pd.DataFrame:
    rows = [{"file": p.name, "line": r.line, "field": r.field or "", "reason": r.reason,
             "values": r.values}
            for p in plans for r in p.rejected]
    return pd.DataFrame(rows, columns=REJECTED_COLUMNS).astype({"line": "int64"})


def _shown(directory: Directory, column: str, value: Any) -> str:
    if isinstance(value, Pending):
        return f"(new {singular(value.entity)})"
    if column in _REFERENCED and value is not None:
        return directory.records[_REFERENCED[column]].get(value, {}).get("name", str(value))
    return "" if value is None else str(value)


def changes_frame(plans: list[FilePlan], directory: Directory, *,
                  limit: int = PREVIEW_LIMIT) -> pd.DataFrame:
    """The first `limit` records created or updated: which, from which line, what changes."""
    rows: list[dict[str, Any]] = []
    for plan in plans:
        for create in plan.creates:
            if len(rows) >= limit:
                break
            details = [f"{k}: {_shown(directory, k, v)}" for k, v in create.values.items()
                       if k not in ("name", "created_at", "version", "id") and v is not None]
            rows.append({"file": plan.name, "line": create.line, "action": "create",
                         "record": create.values["name"], "changes": "; ".join(details)})
        for update in plan.updates:
            if len(rows) >= limit:
                break
            record = directory.records[update.entity or plan.entity][update.record_id]
            details = [f"{k}: {_shown(directory, k, update.before[k])} → "
                       f"{_shown(directory, k, v)}" for k, v in update.changes.items()]
            rows.append({"file": plan.name, "line": update.line, "action": "update",
                         "record": record["name"], "changes": "; ".join(details)})
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)
