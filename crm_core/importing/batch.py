"""One import: read, dry-run every row, then (unless "dry_run") write in the caller's transaction:
"all_or_nothing" only when no row is rejected, "valid_only" the valid rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from crm_core.access import Actor, Permission
from crm_core.errors import ValidationError
from crm_core.exporting import FORMAT, restore_formula
from crm_core.importing.apply import Writer, reset_id_sequences
from crm_core.importing.columns import (
    ENTITIES,
    IMPORT_ORDER,
    entity_for,
    guess_entity,
    recognise_columns,
)
from crm_core.importing.directory import Directory
from crm_core.importing.links import team_roles_as_job_titles
from crm_core.importing.plan import FilePlan, Planner
from crm_core.importing.reading import (
    SourceTable,
    archive_manifest,
    encoding_note,
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
from crm_core.importing.sources import FILE, SOURCE_SYSTEMS, detect_system, identity_note
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


def _own_export(table: SourceTable) -> SourceTable:
    """A table of our own export with the formula neutralisation undone, as it was stored."""
    rows = tuple((line, tuple(restore_formula(c) for c in cells)) for line, cells in table.rows)
    return SourceTable(name=table.name, headers=table.headers, rows=rows,
                       encoding=table.encoding)


def read_upload(data: bytes, *, name: str, entity: str | None = None,
                columns: Mapping[str, str | None] | None = None
                ) -> tuple[list[ImportFile], list[tuple[str, SourceTable]], list[str]]:
    """(files to import, tables restored as is, notes) of an uploaded CSV or ZIP."""
    if not is_zip(data):
        if not entity:
            raise ValidationError("Say which entity the file holds.", field="entity")
        table = read_table(data, name=name)
        return [import_file(table, entity, columns)], [], [
            n for n in (encoding_note(table),) if n]
    manifest = archive_manifest(data) or {}
    own = manifest.get("format") == FORMAT and manifest.get("version", 1) >= 2
    files, as_is, notes = [], [], []
    for table in read_archive(data, name=name):
        if own:
            table = _own_export(table)
        if note := encoding_note(table):
            notes.append(note)
        stem = table.name.rsplit(".", 1)[0]
        if stem in RESTORED_AS_IS:
            as_is.append((stem, table))
            continue
        if stem in NEVER_IMPORTED:
            notes.append(f"{table.name} is not imported (it belongs to the database it came "
                         "from).")
            continue
        guessed = guess_entity(table.name, table.headers)  # e.g. HubSpot's own file names
        if guessed is None:
            notes.append(f"{table.name}: not an importable entity, skipped.")
            continue
        files.append(import_file(table, guessed))
    if not files and not as_is:
        raise ValidationError(f"{name} holds no file that can be imported (name the CSVs "
                              f"like the entity they hold, e.g. {', '.join(IMPORT_ORDER[:4])}).")
    files.sort(key=lambda f: IMPORT_ORDER.index(f.entity))
    as_is.sort(key=lambda item: RESTORED_AS_IS.index(item[0]))
    return files, as_is, notes


def import_data(session: Session, *, actor: Actor, data: bytes, name: str,
                entity: str | None = None, columns: Mapping[str, str | None] | None = None,
                values: ValueMapping | None = None, mode: Mode = "dry_run",
                source: str | None = None, on_progress: Progress | None = None
                ) -> ImportReport:
    """Import an uploaded CSV (as `entity`) or ZIP of CSVs from the `source` system (found
    from the files when not given); a full export of ours into an empty database is restored
    as is (ids, tasks and settings included)."""
    actor.require(Permission.EDIT)
    files, as_is, notes = read_upload(data, name=name, entity=entity, columns=columns)
    restore = (is_zip(data) and archive_manifest(data) is not None
               and database_is_empty(session))
    if as_is and not restore:
        notes += [f"{table.name} is restored only from a full export into an empty database; "
                  "skipped." for _, table in as_is]
        as_is = []
    return run_import(session, actor=actor, files=files, values=values, mode=mode,
                      restore=restore, as_is=as_is, notes=notes, source=source,
                      on_progress=on_progress)


def run_import(session: Session, *, actor: Actor, files: Sequence[ImportFile],
               values: ValueMapping | None = None, mode: Mode = "dry_run",
               restore: bool = False, as_is: Sequence[tuple[str, SourceTable]] = (),
               notes: Sequence[str] = (), source: str | None = None,
               on_progress: Progress | None = None) -> ImportReport:
    """Dry-run the files in order and, unless it is a dry run, apply them (see module doc)."""
    actor.require(Permission.EDIT)
    if mode not in MODES:
        raise ValidationError(f"Unknown import mode '{mode}' (one of: {', '.join(MODES)}).")
    if source is not None and source not in SOURCE_SYSTEMS:
        raise ValidationError(f"Unknown source system '{source}' (one of: "
                              f"{', '.join(SOURCE_SYSTEMS)}).", field="source")
    notes = list(notes)
    system = FILE if restore else source or detect_system(
        [(f.table, f.columns) for f in files])
    directory = Directory(session, system=system)
    planner = Planner(directory, values or ValueMapping(), restore=restore)
    total = sum(len(f.table.rows) for f in files)
    done = 0

    def row_done() -> None:
        nonlocal done
        done += 1
        if on_progress and (done % 1000 == 0 or done == total):
            on_progress(done, total, "Checking rows")

    plans = [planner.plan_file(f.table, f.entity, f.columns, on_row=row_done) for f in files]
    notes += (planner.notes + differing_roles(planner)
              + team_roles_as_job_titles(planner, plans))
    if any(p.identities for p in plans):
        notes.insert(0, identity_note(system))
    rejected = sum(len(p.rejected) for p in plans)
    apply = mode == "valid_only" or (mode == "all_or_nothing" and rejected == 0)
    if apply:
        _write(session, actor, plans, as_is, directory, restore=restore, notes=notes,
               on_progress=on_progress)
    return ImportReport(mode=mode, applied=apply, files=tuple(file_report(p) for p in plans),
                        rejected_rows=rejected_frame(plans),
                        changes=changes_frame(plans, planner.directory), notes=tuple(notes),
                        restored=restore and apply)


def differing_roles(planner: Planner) -> list[str]:
    """A note per stakeholder whose contact roles differed from deal to deal (they now hold
    every one of them: MEDDPICC roles belong to the person, not to a deal)."""
    notes = []
    for stakeholder, by_deal in planner.role_sets.items():
        if len(set(by_deal.values())) < 2:
            continue
        record = planner.directory.records["stakeholders"].get(stakeholder) if isinstance(
            stakeholder, int) else None
        who = (record or {}).get("name") or planner.directory.name_of("stakeholders",
                                                                       stakeholder)
        roles = "; ".join(f"{deal}: {', '.join(r) or 'no MEDDPICC role'}"
                          for deal, r in by_deal.items())
        notes.append(f"{who} has different roles on different deals ({roles}); they now hold "
                     "all of them.")
    return notes


def _write(session: Session, actor: Actor, plans: list[FilePlan],
           as_is: Sequence[tuple[str, SourceTable]], directory: Directory, *, restore: bool,
           notes: list[str], on_progress: Progress | None) -> None:
    total = sum(len(p.creates) + len(p.updates) + sum(map(len, p.inserts.values()))
                for p in plans)
    written = 0

    def wrote(count: int) -> None:
        nonlocal written
        written += count
        if on_progress:
            on_progress(written, total, "Writing")

    writer = Writer(session, actor, directory, restore=restore, on_progress=wrote)
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
