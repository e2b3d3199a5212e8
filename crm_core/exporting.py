"""The full export: every table to a ZIP of CSVs (one per table, our column names), streamed
in primary-key order, text that a spreadsheet would run as a formula neutralised; importing it
into an empty database restores an identical one."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.access import Actor, Permission
from crm_core.models import Base, utcnow

FORMAT = "crm-dashboard-export"
# Version 2 neutralises spreadsheet formulas in text cells (see defuse_formula).
FORMAT_VERSION = 2
# Who may sign in is an admin's business; everything else anyone with read access may take out.
ADMIN_ONLY_TABLES = ("access_grants",)
ADMIN_ONLY_EVENTS = "access_grant"  # audit events of this entity type say who got which role


# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def defuse_formula(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (which spreadsheets
    hide); text already starting with one gets another, so `restore_formula` undoes it exactly."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, _QUOTE)):
        return _QUOTE + value
    return value


def restore_formula(cell: str) -> str:
    """The text `defuse_formula` was given."""
    return cell[1:] if cell.startswith(_QUOTE) else cell


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return defuse_formula(value)


def exported_tables(actor: Actor) -> list[str]:
    """The tables this actor's export holds, parents before children."""
    return [table.name for table in Base.metadata.sorted_tables
            if table.name not in ADMIN_ONLY_TABLES or actor.can(Permission.ADMINISTER)]


def table_csv(session: Session, table_name: str, *,
              with_access_events: bool = True) -> tuple[str, int]:
    """(CSV text, row count) of one table, in primary-key order (audit events of access
    grants only `with_access_events`)."""
    table = Base.metadata.tables[table_name]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    stmt = select(table).order_by(*table.primary_key.columns)
    if table_name == "audit_events" and not with_access_events:
        stmt = stmt.where(table.c.entity_type.is_distinct_from(ADMIN_ONLY_EVENTS))
    result = session.execute(stmt.execution_options(yield_per=5_000))
    count = 0
    for row in result:
        writer.writerow([_cell(v) for v in row])
        count += 1
    return buffer.getvalue(), count


def export_zip(session: Session, *, actor: Actor) -> bytes:
    """Every table as <table>.csv in a ZIP, with a manifest.json of row counts."""
    actor.require(Permission.READ)
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in exported_tables(actor):
            content, counts[name] = table_csv(
                session, name, with_access_events=actor.can(Permission.ADMINISTER))
            archive.writestr(f"{name}.csv", content)
        archive.writestr("manifest.json", json.dumps({
            "format": FORMAT, "version": FORMAT_VERSION,
            "exported_at": utcnow().isoformat(sep=" ", timespec="seconds"),
            "exported_by": actor.email, "tables": counts}, indent=2))
    return buffer.getvalue()


def export_file_name() -> str:
    """crm-export-YYYY-MM-DD.zip"""
    return f"crm-export-{utcnow():%Y-%m-%d}.zip"


def main(argv: list[str] | None = None) -> int:
    """`python -m crm_core.exporting out.zip [--database-url URL]`: write the full export."""
    import argparse
    from pathlib import Path

    from crm_core.access import SYSTEM
    from crm_core.db import make_engine, read_session

    parser = argparse.ArgumentParser(prog="python -m crm_core.exporting",
                                     description="Write every table to a ZIP of CSVs.")
    parser.add_argument("file", type=Path, help="the ZIP file to write")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: CRM_DATABASE_URL or "
                                               "data/crm.db)")
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url)
    with read_session(engine) as session:
        args.file.write_bytes(export_zip(session, actor=SYSTEM))
    print(f"Wrote {args.file} ({args.file.stat().st_size:,} bytes).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
