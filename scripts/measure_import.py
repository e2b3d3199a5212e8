"""Measure a 100,000-row stakeholder import on a fresh SQLite file (not part of the test suite):
`python scripts/measure_import.py [--rows N]`: seconds of dry run, apply, re-import, update."""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crm_core.access import Actor  # noqa: E402
from crm_core.db import make_engine, migrate_to_head, write_session  # noqa: E402
from crm_core.importing import import_data  # noqa: E402

ACTOR = Actor(email="measure@example.com", role="admin")


def companies_csv(companies: int) -> bytes:
    rows = ["Name,Industry,Website"] + [f"Company {i},Software,company{i}.example"
                                         for i in range(companies)]
    return "\n".join(rows).encode()


def contacts_csv(rows: int, companies: int, title: str = "Director") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["FirstName", "LastName", "Title", "Email", "Phone", "Account.Name"])
    for i in range(rows):
        writer.writerow([f"First{i}", f"Last{i}", title, f"person{i}@customer.example",
                         f"+1 555 {i:07d}", f"Company {i % companies}"])
    return buffer.getvalue().encode()


def timed(label: str, step):
    start = time.perf_counter()
    result = step()
    print(f"{label}: {time.perf_counter() - start:.1f} s — {result.summary()}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=1_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite:///{folder / 'measure.db'}")
    migrate_to_head(engine)
    with write_session(engine) as session:
        import_data(session, actor=ACTOR, data=companies_csv(args.companies),
                    name="Account.csv", entity="companies", mode="all_or_nothing")
    data = contacts_csv(args.rows, args.companies)

    def run(mode: str, content: bytes = data):
        with write_session(engine) as session:
            return import_data(session, actor=ACTOR, data=content, name="Contact.csv",
                               entity="stakeholders", mode=mode)

    timed("dry run", lambda: run("dry_run"))
    timed("apply", lambda: run("all_or_nothing"))
    timed("re-import", lambda: run("all_or_nothing"))
    changed = contacts_csv(args.rows, args.companies, title="Vice President")
    timed("update every job title", lambda: run("all_or_nothing", changed))


if __name__ == "__main__":
    main()
