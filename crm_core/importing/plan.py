"""The dry run of record files: what each row would do (create, update, nothing) or every reason
it is rejected; parsed with the write services' validation, nothing written.

A row finds its record by this database's id, then by the source CRM's id (this import or an
earlier one), then by natural key, skipping records another source id already names."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crm_core import validation
from crm_core.errors import ValidationError
from crm_core.importing.directory import RECORD_COLUMNS, Directory, Pending, Ref
from crm_core.importing.formats import date_order, decimal_mark, timestamp
from crm_core.importing.reading import SourceTable
from crm_core.importing.sources import external_id
from crm_core.importing.values import ValueMapping
from crm_core.models import utcnow

Row = dict[str, str]
Progress = Callable[[int, int, str], None]

_DEFAULTS: dict[str, Any] = {"job_title": None, "industry": None, "website": None,
                             "email": None, "phone": None, "value": 0.0,
                             "expected_close_date": None, "region_id": None,
                             "departed_on": None}
_SINGULAR = {"users": "user", "companies": "company", "stakeholders": "stakeholder",
             "opportunities": "opportunity", "regions": "region"}
DATE_FIELDS = ("expected_close_date", "departed_on")
AMOUNT_FIELDS = ("value",)


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str
    field: str | None = None
    values: str = ""


@dataclass
class Create:
    ref: Pending
    values: dict[str, Any]
    line: int


@dataclass
class Update:
    record_id: int
    changes: dict[str, Any]
    before: dict[str, Any]
    line: int
    entity: str | None = None  # another entity than the file's (a team file's job titles)


@dataclass
class FilePlan:
    """The outcome of every row of one file; `creates`/`updates`/`inserts` are what apply does,
    `identities` the source ids to remember, `managers` the reporting lines to set."""

    name: str
    entity: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    inserts: dict[str, list[tuple[dict[str, Any], int]]] = field(default_factory=dict)
    identities: list[tuple[str, str, Ref]] = field(default_factory=list)
    managers: list[tuple[Ref, Ref | None, Ref | None, int]] = field(default_factory=list)
    without_amount: list[int] = field(default_factory=list)


class RowRejected(ValidationError):
    """Every problem of a row, as one error."""


class RowErrors:
    """Every problem of one row, so the report shows them all rather than the first."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def attempt(self, parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return parse(*args, **kwargs)
        except ValidationError as error:
            self.errors.append(error)
            return None

    def raise_any(self) -> None:
        if self.errors:
            fields = [e.field for e in self.errors if e.field]
            raise RowRejected(" ".join(dict.fromkeys(e.message for e in self.errors)),
                              field=", ".join(dict.fromkeys(fields)) or None)


class Planner:
    """Plans the files of one import batch in order, against one Directory."""

    def __init__(self, directory: Directory, values: ValueMapping, *, restore: bool = False,
                 today: date | None = None):
        self.directory = directory
        self.values = values
        self.restore = restore
        self.today = today or utcnow().date()
        self.seen: dict[tuple, tuple[str, int]] = {}
        self.formats: dict[str, str | None] = {}
        self.column_errors: dict[str, str] = {}
        self.errors = RowErrors()
        self.role_sets: dict[Ref, dict[str, tuple[str, ...]]] = {}
        self.notes: list[str] = []
        self.manager_cells: dict[int, Row] = {}
        self.team_roles: dict[Ref, list[tuple[str, FilePlan, int]]] = {}

    def plan_file(self, table: SourceTable, entity: str, columns: Mapping[str, str | None], *,
                  on_row: Callable[[], None] | None = None) -> FilePlan:
        """Plan every row of a file whose headers map to fields as `columns` says."""
        from crm_core.importing.handlers import HANDLERS, finish_file

        handler = HANDLERS[entity]
        positions = {key: i for i, header in enumerate(table.headers)
                     if (key := columns.get(header))}
        self._column_formats(table, positions)
        plan = FilePlan(name=table.name, entity=entity, rows=len(table.rows))
        for line, cells in table.rows:
            self.errors = RowErrors()
            try:
                if len(cells) > len(table.headers) and any(cells[len(table.headers):]):
                    raise ValidationError(f"The row has {len(cells)} cells but the header has "
                                          f"{len(table.headers)} (an unquoted separator?).")
                row = {k: cells[i] for k, i in positions.items() if i < len(cells) and cells[i]}
                handler(self, plan, row, line)
            except ValidationError as error:
                if not isinstance(error, RowRejected):  # a later check: after the others
                    self.errors.errors.append(error)
                    try:
                        self.errors.raise_any()
                    except RowRejected as combined:
                        error = combined
                plan.rejected.append(Rejection(line, error.message, error.field,
                                               " | ".join(cells)))
            if on_row:
                on_row()
        finish_file(self, plan, {line: cells for line, cells in table.rows})
        return plan

    def _column_formats(self, table: SourceTable, positions: Mapping[str, int]) -> None:
        """Date order and decimal mark of this file's columns, from all their values."""
        self.formats, self.column_errors, self.manager_cells = {}, {}, {}

        def column(key: str) -> list[str]:
            i = positions[key]
            return [cells[i] for _, cells in table.rows if i < len(cells) and cells[i]]

        for key in DATE_FIELDS:
            if key in positions:
                try:
                    self.formats[key] = self.values.date_order or date_order(column(key))
                except ValidationError as error:
                    self.column_errors[key] = error.message
        for key in AMOUNT_FIELDS:
            if key in positions:
                self.formats[key] = self.values.decimal_mark or decimal_mark(column(key))

    def column_error(self, key: str) -> None:
        """Refuse a value of a column that cannot be read as a whole (mixed date orders)."""
        if key in self.column_errors:
            raise ValidationError(self.column_errors[key], field=key)

    # --- shared steps --------------------------------------------------------------------------

    def check_duplicate(self, plan: FilePlan, key: tuple) -> None:
        """Refuse a row that names what an earlier row of this batch already did."""
        if key in self.seen:
            name, line = self.seen[key]
            where = f"line {line}" if name == plan.name else f"{name} line {line}"
            raise ValidationError(f"Duplicate of {where}.")

    def mark_seen(self, plan: FilePlan, key: tuple, line: int) -> None:
        self.seen[key] = (plan.name, line)

    def created_at(self, row: Row) -> dict[str, Any]:
        """Our own export's created_at, kept on created rows."""
        stamp = timestamp(row.get("created_at", ""))
        return {"created_at": stamp} if stamp else {}

    def source_id(self, row: Row) -> str | None:
        """The row's own id in the source CRM, as stored (None for our own export)."""
        raw = row.get("source_id")
        return external_id(self.directory.system, raw) if raw and not self.restore else None

    def match(self, entity: str, row: Row, natural: Callable[[], set[Ref]], *,
              ambiguous: str = " match this row; give its id") -> Ref | None:
        """The record a row names: our id, the source id, then the natural key (restoring our
        own export matches by id only: names may repeat there)."""
        directory = self.directory
        if self.restore:
            return None
        target = directory.existing(entity, row.get("id"))
        source = self.source_id(row)
        if target is None and source:
            target = directory.sources.get((entity, source))
        if target is None:
            candidates = directory.unclaimed(entity, natural(), source)
            if len(candidates) > 1:
                raise ValidationError(f"{len(candidates)} {entity}{ambiguous}.")
            target = next(iter(candidates), None)
        return target

    def upsert(self, plan: FilePlan, entity: str, target: Ref | None, values: dict[str, Any],
               row: Row, line: int, *, check: Callable[[Ref, dict], None] | None = None) -> Ref:
        """Plan creating or updating the record; remember its ids for later rows and files."""
        directory = self.directory
        if target is not None:
            self.check_duplicate(plan, (entity, target))
        if self.restore and row.get("id"):
            self.check_duplicate(plan, (entity, "id", row["id"]))
        if target is None:
            if "name" not in values:
                raise ValidationError("Name is required.", field="name")
            full = {c: values.get(c, _DEFAULTS.get(c)) for c in RECORD_COLUMNS[entity]}
            extras = self.created_at(row)
            if self.restore and row.get("id", "").isdigit():
                extras["id"] = int(row["id"])
                if row.get("version", "").isdigit():
                    extras["version"] = int(row["version"])
            target = directory.new_pending(entity)
            plan.creates.append(Create(target, {**full, **extras}, line))
            directory.remember(entity, target, full)
            plan.created += 1
        else:
            assert isinstance(target, int)  # a pending target is a duplicate, refused above
            existing = directory.records[entity][target]
            changes = {k: v for k, v in values.items() if existing.get(k) != v}
            if check:
                check(target, changes)
            if changes:
                plan.updates.append(Update(target, changes, {k: existing[k] for k in changes},
                                           line))
                directory.forget(entity, target, existing)
                existing.update(changes)
                directory.remember(entity, target, existing)
                plan.updated += 1
            else:
                plan.unchanged += 1
        source = self.source_id(row)
        if source:
            if directory.claimed.get((entity, target)) != source:
                plan.identities.append((entity, source, target))
            directory.remember_source(entity, source, target)
        if self.restore and row.get("id"):
            directory.restored_ids[(entity, row["id"])] = target
        self.mark_seen(plan, (entity, target), line)
        return target

    def email_free(self, entity: str, target: Ref, changes: dict) -> None:
        email = changes.get("email")
        owner = self.directory.by_email[entity].get(email) if email else None
        if owner is not None and owner != target:
            holder = self.directory.records[entity].get(owner, {}).get("name", "another record")
            raise ValidationError(f"Email {email} already belongs to {holder}.", field="email")


def parsed(errors: RowErrors, parsers: Mapping[str, Callable], row: Row,
           names: tuple[str, ...]) -> dict[str, Any]:
    """The named cells of the row through their parsers (errors collected, values skipped)."""
    result = {}
    for name in names:
        if name in row:
            before = len(errors.errors)
            value = errors.attempt(parsers[name], row[name])
            if len(errors.errors) == before:
                result[name] = value
    return result


def text_value(errors: RowErrors, row: Row, key: str, label: str) -> str | None:
    return errors.attempt(validation.text, row[key], field=key, label=label) if key in row \
        else None


def singular(entity: str) -> str:
    """'stakeholder' for 'stakeholders' (the audit entity type of a record file)."""
    return _SINGULAR.get(entity, entity)
