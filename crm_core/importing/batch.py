"""One import: read, dry-run every row, then (unless "dry_run") write in the caller's transaction:
"all_or_nothing" only when no row is rejected, "valid_only" the valid rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from crm_core.access import Actor, Permission
from crm_core.errors import ValidationError
from crm_core.importing.apply import Writer, reset_id_sequences
from crm_core.importing.columns import ENTITIES, IMPORT_ORDER, entity_for, recognise_columns
from crm_core.importing.directory import Directory
from crm_core.importing.plan import FilePlan, Planner
from crm_core.importing.reading import (
    SourceTable,
    archive_manifest,
    is_zip,
    read_archive,
    read_table,
)
from crm_core.importing.report import (
    ImportReport,
    changes_frame,
    file_report,
    rejected_frame,
)
from crm_core.importing.restore import (
    NEVER_IMPORTED,
    RESTORED_AS_IS,
    SETTINGS_TABLES,
    database_is_empty,
    restore_table,
)
from crm_core.importing.values import ValueMapping

Mode = Literal["dry_run", "all_or_nothing", "valid_only"]
MODES: tuple[str, ...] = ("dry_run", "all_or_nothing", "valid_only")
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ImportFile:
    """One CSV to import as an entity, with its header -> field mapping."""

    table: SourceTable
    entity: str
    columns: Mapping[str, str | None]


def import_file(table: SourceTable, entity: str,
                columns: Mapping[str, str | None] | None = None) -> ImportFile:
    """An ImportFile with the recognised mapping, overridden by `columns` where given."""
    spec = entity_for(entity)
    mapping = recognise_columns(spec.key, table.headers)
    for header, key in (columns or {}).items():
        if header not in mapping:
            continue
        if key and key not in {f.key for f in spec.fields}:
            raise ValidationError(f"Column '{header}' is mapped to '{key}', which {spec.label} "
                                  "do not have.", field="columns")
        mapping[header] = key or None
    return ImportFile(table=table, entity=spec.key, columns=mapping)


def read_upload(data: bytes, *, name: str, entity: str | None = None,
                columns: Mapping[str, str | None] | None = None
                ) -> tuple[list[ImportFile], list[tuple[str, SourceTable]], list[str]]:
    """(files to import, tables restored as is, notes) of an uploaded CSV or ZIP."""
    if not is_zip(data):
        if not entity:
            raise ValidationError("Say which entity the file holds.", field="entity")
        return [import_file(read_table(data, name=name), entity, columns)], [], []
    files, as_is, notes = [], [], []
    for table in read_archive(data, name=name):
        stem = table.name.rsplit(".", 1)[0]
        if stem in RESTORED_AS_IS:
            as_is.append((stem, table))
            continue
        if stem in NEVER_IMPORTED:
            notes.append(f"{table.name} is not imported (it belongs to the database it came "
                         "from).")
            continue
        try:
            files.append(import_file(table, stem))
        except ValidationError:
            notes.append(f"{table.name}: not an importable entity, skipped.")
    files.sort(key=lambda f: IMPORT_ORDER.index(f.entity))
    as_is.sort(key=lambda item: RESTORED_AS_IS.index(item[0]))
    return files, as_is, notes


def import_data(session: Session, *, actor: Actor, data: bytes, name: str,
                entity: str | None = None, columns: Mapping[str, str | None] | None = None,
                values: ValueMapping | None = None, mode: Mode = "dry_run",
                on_progress: Progress | None = None) -> ImportReport:
    """Import an uploaded CSV (as `entity`) or ZIP of CSVs; a full export of ours into an empty
    database is restored as is (ids, tasks and settings included)."""
    actor.require(Permission.EDIT)
    files, as_is, notes = read_upload(data, name=name, entity=entity, columns=columns)
    restore = (is_zip(data) and archive_manifest(data) is not None
               and database_is_empty(session))
    if as_is and not restore:
        notes += [f"{table.name} is restored only from a full export into an empty database; "
                  "skipped." for _, table in as_is]
        as_is = []
    return run_import(session, actor=actor, files=files, values=values, mode=mode,
                      restore=restore, as_is=as_is, notes=notes, on_progress=on_progress)


def run_import(session: Session, *, actor: Actor, files: Sequence[ImportFile],
               values: ValueMapping | None = None, mode: Mode = "dry_run",
               restore: bool = False, as_is: Sequence[tuple[str, SourceTable]] = (),
               notes: Sequence[str] = (), on_progress: Progress | None = None) -> ImportReport:
    """Dry-run the files in order and, unless it is a dry run, apply them (see module doc)."""
    actor.require(Permission.EDIT)
    if mode not in MODES:
        raise ValidationError(f"Unknown import mode '{mode}' (one of: {', '.join(MODES)}).")
    notes = list(notes)
    planner = Planner(Directory(session), values or ValueMapping(), restore=restore)
    total = sum(len(f.table.rows) for f in files)
    done = 0

    def row_done() -> None:
        nonlocal done
        done += 1
        if on_progress and (done % 1000 == 0 or done == total):
            on_progress(done, total, "Checking rows")

    plans = [planner.plan_file(f.table, f.entity, f.columns, on_row=row_done) for f in files]
    rejected = sum(len(p.rejected) for p in plans)
    apply = mode == "valid_only" or (mode == "all_or_nothing" and rejected == 0)
    if apply:
        _write(session, actor, plans, as_is, restore=restore, notes=notes,
               on_progress=on_progress)
    return ImportReport(mode=mode, applied=apply, files=tuple(file_report(p) for p in plans),
                        rejected_rows=rejected_frame(plans),
                        changes=changes_frame(plans, planner.directory), notes=tuple(notes),
                        restored=restore and apply)


def _write(session: Session, actor: Actor, plans: list[FilePlan],
           as_is: Sequence[tuple[str, SourceTable]], *, restore: bool, notes: list[str],
           on_progress: Progress | None) -> None:
    total = sum(len(p.creates) + len(p.updates) + sum(map(len, p.inserts.values()))
                for p in plans)
    written = 0

    def wrote(count: int) -> None:
        nonlocal written
        written += count
        if on_progress:
            on_progress(written, total, "Writing")

    writer = Writer(session, actor, on_progress=wrote)
    for plan in plans:
        writer.apply(plan)
    counts = {p.name: {"entity": p.entity, "created": p.created, "updated": p.updated,
                       "unchanged": p.unchanged, "rejected": len(p.rejected)} for p in plans}
    for table_name, table in as_is:
        if table_name in SETTINGS_TABLES and not actor.can(Permission.ADMINISTER):
            notes.append(f"{table.name}: settings are restored only by an admin; skipped.")
            continue
        counts[table.name] = {"entity": table_name, "created": restore_table(
            session, table, table_name)}
    if restore:
        reset_id_sequences(session)
    created = sum(c.get("created", 0) for c in counts.values())
    updated = sum(c.get("updated", 0) for c in counts.values())
    names = ", ".join(counts) or "no files"
    if not writer.audit_rows and not as_is:
        return  # nothing changed: nothing to audit
    writer.finish(summary=f"Imported {names}: {created} created, {updated} updated",
                  counts=counts)


def entity_labels() -> dict[str, str]:
    """Importable entity keys and their labels, in import order."""
    return {key: ENTITIES[key].label for key in IMPORT_ORDER}
