"""Command line import: `python -m crm_core.importing <entity> <file> [--apply] [--valid-only]`.

Exit code 0: no row rejected (and, with --apply, everything written); 1: rows were rejected
(with --valid-only the valid ones were written, else nothing); 2: unusable input."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from crm_core.access import Actor
from crm_core.db import make_engine, migrate_to_head, write_session
from crm_core.errors import CrmError
from crm_core.importing.batch import import_data
from crm_core.importing.columns import ENTITIES
from crm_core.importing.report import ImportReport
from crm_core.importing.sources import SOURCE_SYSTEMS
from crm_core.importing.values import ValueMapping, mapping_from_json

ARCHIVE = "zip"
SHOWN_REJECTIONS = 50


def _parser() -> argparse.ArgumentParser:
    entities = ", ".join(ENTITIES)
    parser = argparse.ArgumentParser(
        prog="python -m crm_core.importing",
        description="Import a CSV export (Salesforce, HubSpot, a spreadsheet or this app's own) "
                    "into the CRM. Dry run by default: shows what would be created, updated, "
                    "left unchanged and rejected (with line numbers), and writes nothing.",
        epilog=f"Entities: {entities}; or '{ARCHIVE}' for a ZIP of CSVs named by entity or "
               "table (e.g. this app's full export, restored as is into an empty database). "
               "Salesforce object names (Account, Contact, Opportunity, OpportunityContactRole, "
               "AccountTeamMember, OpportunityTeamMember, User) work as entity names too.")
    parser.add_argument("entity", help=f"what the file holds ({entities}, or {ARCHIVE})")
    parser.add_argument("file", type=Path, help="the CSV (or ZIP) file")
    parser.add_argument("--apply", action="store_true",
                        help="write the import (all-or-nothing: nothing if any row is rejected)")
    parser.add_argument("--valid-only", action="store_true",
                        help="with --apply: write the valid rows and skip the rejected ones")
    parser.add_argument("--mapping", type=Path, metavar="mapping.json",
                        help='JSON {"columns": {"Header": "field"}, "stages": {"Their stage": '
                             '"our_stage"}, "roles": {"Their role": "meddpicc_role"}, '
                             '"date_order": "day_first" or "month_first", "decimal_mark": '
                             '"." or ",", "users_without_email": true}')
    parser.add_argument("--source", choices=SOURCE_SYSTEMS,
                        help="the CRM the files come from, whose ids are remembered for later "
                             "imports (default: recognised from the files)")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: CRM_DATABASE_URL or "
                                               "data/crm.db)")
    parser.add_argument("--actor", default=f"{getpass.getuser()}@command-line",
                        help="the email the audit trail records for this import")
    parser.add_argument("--rejected-csv", type=Path, metavar="FILE",
                        help="write every rejected row (file, line, field, reason, values) to FILE")
    return parser


def print_report(report: ImportReport, *, out=None) -> None:
    """The report as plain text: counts per file, notes, then the rejected rows."""
    out = out or sys.stdout
    print(report.summary(), file=out)
    for f in report.files:
        print(f"  {f.file} ({f.entity}): {f.rows} rows, {f.created} new, {f.updated} updated, "
              f"{f.unchanged} unchanged, {f.rejected} rejected", file=out)
    for note in report.notes:
        print(f"  note: {note}", file=out)
    rejected = report.rejected_rows
    for row in rejected.head(SHOWN_REJECTIONS).itertuples(index=False):
        where = f"{row.file} line {row.line}"
        print(f"  rejected {where}: {row.reason}", file=out)
    if len(rejected) > SHOWN_REJECTIONS:
        print(f"  ... and {len(rejected) - SHOWN_REJECTIONS} more (see --rejected-csv)",
              file=out)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.valid_only and not args.apply:
        print("--valid-only goes with --apply.", file=sys.stderr)
        return 2
    try:
        data = args.file.read_bytes()
        columns, values = ({}, ValueMapping()) if args.mapping is None else \
            mapping_from_json(args.mapping.read_text(encoding="utf-8"))
        entity = None if args.entity == ARCHIVE else args.entity
        mode = "dry_run" if not args.apply else ("valid_only" if args.valid_only
                                                 else "all_or_nothing")
        engine = make_engine(args.database_url)
        migrate_to_head(engine)
        actor = Actor(email=args.actor, role="admin", name="Command line")
        with write_session(engine) as session:
            report = import_data(session, actor=actor, data=data, name=args.file.name,
                                 entity=entity, columns=columns, values=values, mode=mode,
                                 source=args.source, on_progress=_progress)
    except (OSError, CrmError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print_report(report)
    if args.rejected_csv:
        report.rejected_rows.to_csv(args.rejected_csv, index=False)
    return 1 if report.rejected else 0


def _progress(done: int, total: int, message: str) -> None:
    if total >= 10_000 and sys.stderr.isatty():
        print(f"\r{message}: {done:,} / {total:,}", end="" if done < total else "\n",
              file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
