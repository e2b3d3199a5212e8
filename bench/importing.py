"""Time a 100,000-row stakeholder CSV import into an empty database: dry run, apply, the same
file again (nothing changes) and a file that changes every job title.

    python -m bench.importing [--rows N] [--url URL]   # default: a fresh SQLite file

`bench.run` runs it on SQLite and PostgreSQL and reports it beside the other figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine

from crm_core.access import Actor
from crm_core.db import make_engine, write_session
from crm_core.importing import import_data
from crm_core.seeding import reset_database

ACTOR = Actor(email="bench@example.com", role="admin")
STEPS = ("dry_run", "apply", "re_import", "update")


def companies_csv(companies: int) -> bytes:
    """An Account.csv of `companies` companies (Salesforce's column names)."""
    rows = ["Name,Industry,Website"] + [f"Company {i},Software,company{i}.example"
                                         for i in range(companies)]
    return "\n".join(rows).encode()


def contacts_csv(rows: int, companies: int, title: str = "Director") -> bytes:
    """A Contact.csv of `rows` people spread over the companies of `companies_csv`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["FirstName", "LastName", "Title", "Email", "Phone", "Account.Name"])
    for i in range(rows):
        writer.writerow([f"First{i}", f"Last{i}", title, f"person{i}@customer.example",
                         f"+1 555 {i:07d}", f"Company {i % companies}"])
    return buffer.getvalue().encode()


def measure_import(engine: Engine, *, rows: int = 100_000, companies: int = 1_000) -> dict:
    """Empty the database (every table is dropped), import the companies, then time each step
    of the stakeholder import. Returns rows, companies, seconds per step and each step's
    summary."""
    reset_database(engine)
    with write_session(engine) as session:
        import_data(session, actor=ACTOR, data=companies_csv(companies), name="Account.csv",
                    entity="companies", mode="all_or_nothing")
    files = {"dry_run": contacts_csv(rows, companies), "update": contacts_csv(
        rows, companies, title="Vice President")}
    modes = {"dry_run": "dry_run", "apply": "all_or_nothing", "re_import": "all_or_nothing",
             "update": "all_or_nothing"}
    seconds, summaries = {}, {}
    for step in STEPS:
        started = time.perf_counter()
        with write_session(engine) as session:
            report = import_data(session, actor=ACTOR, data=files.get(step, files["dry_run"]),
                                 name="Contact.csv", entity="stakeholders", mode=modes[step])
        seconds[step] = round(time.perf_counter() - started, 2)
        summaries[step] = report.summary()
    return {"rows": rows, "companies": companies, "seconds": seconds, "summaries": summaries}


def main(argv: list[str] | None = None) -> int:
    """Command line: measure on --url (every table dropped) or a fresh SQLite file."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=1_000)
    parser.add_argument("--url", help="database to use; EVERY TABLE IN IT IS DROPPED")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(args.url or f"sqlite:///{Path(folder) / 'import.db'}")
        result = measure_import(engine, rows=args.rows, companies=args.companies)
        engine.dispose()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
