"""Command line: load the demo (or large, or xlarge) dataset into the configured database.

    python seed.py                  # demo dataset into an empty database
    python seed.py --scale large    # the enterprise-size dataset for performance work
    python seed.py --scale xlarge   # five times large (about 1 M stakeholders), for PostgreSQL
    python seed.py --reset          # delete the database completely first, then seed
"""

from __future__ import annotations

import argparse
import sys
import threading

from sqlalchemy import Engine, inspect

from crm_core.db import database_url, is_empty, make_engine, migrate_to_head, read_session
from crm_core.seeding import DEFAULT_SEED, SCALES, SeedSummary, reset_database, seed_database

EXIT_REFUSED = 2
BAR_WIDTH = 30


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line options."""
    sizes = "; ".join(f"{name}: {s.users:,} users, {s.companies:,} companies, "
                      f"{s.stakeholders:,} stakeholders, {s.opportunities:,} opportunities, "
                      f"{s.tasks:,} tasks" for name, s in SCALES.items())
    parser = argparse.ArgumentParser(
        description="Fill the configured database (CRM_DATABASE_URL, default the SQLite file "
                    "data/crm.db) with a realistic, repeatable sales organisation. The database "
                    "is brought to the latest schema first. An existing dataset is never "
                    "touched unless --reset is given.")
    parser.add_argument("--scale", choices=tuple(SCALES), default="demo",
                        help=f"How much data to generate (default: demo). {sizes}.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="N",
                        help=f"Random seed (default: {DEFAULT_SEED}). The same seed gives the "
                             "same rows: ids, names, emails, values, roles, links and task "
                             "trees; dates are relative to today.")
    parser.add_argument("--reset", action="store_true",
                        help="Delete the existing database completely (every table and row; a "
                             "SQLite file is removed), recreate it through the migrations, "
                             "then seed. Without it, a database that holds data is refused.")
    return parser.parse_args(argv)


def holds_data(engine: Engine) -> bool:
    """True when the database has the schema and at least one user, company or stakeholder."""
    if not inspect(engine).has_table("users"):
        return False
    with read_session(engine) as session:
        return not is_empty(session)


class ProgressBar:
    """A text progress bar on stderr (one line per finished step when stderr is not a terminal)."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.interactive = stream.isatty()
        self.lock = threading.Lock()
        self.last: tuple[str, int] | None = None

    def __call__(self, step: str, done: int, total: int) -> None:
        percent = 100 if total == 0 else done * 100 // total
        with self.lock:
            if (step, percent) == self.last:
                return
            self.last = (step, percent)
            filled = BAR_WIDTH * percent // 100
            line = (f"{step:<38} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
                    f"{done:>9,}/{total:,}")
            if self.interactive:
                self.stream.write(f"\r{line}" + ("\n" if done >= total else ""))
            elif done >= total:
                self.stream.write(f"{line}\n")
            self.stream.flush()


def print_summary(summary: SeedSummary, url: str) -> None:
    """Rows per table and the time taken, on stdout."""
    print(f"Seeded the {summary.scale} dataset (seed {summary.seed}) into {url}")
    width = max(len(table) for table in summary.rows)
    for table, count in summary.rows.items():
        print(f"  {table:<{width}}  {count:>10,}")
    print(f"  {'total':<{width}}  {summary.total_rows:>10,} rows in {summary.seconds:.1f} s")
    print(summary.note)
    if summary.snapshots:
        print(f"Snapshots: {summary.snapshots:,} rows. Today's are real; the "
              f"{summary.history_days} days before them are a SYNTHETIC history, invented for "
              "the demo (marked synthetic), that ends at today's figures.")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = parse_args(argv)
    url = database_url()
    engine = make_engine(url)
    shown_url = engine.url.render_as_string(hide_password=True)
    try:
        if args.reset:
            print(f"Deleting every table of {shown_url} and recreating it…", file=sys.stderr)
            reset_database(engine)
        elif holds_data(engine):
            print(f"Refusing to seed {shown_url}: it already holds data. Nothing was changed. "
                  "Run `python seed.py --reset` to delete it completely and start fresh.",
                  file=sys.stderr)
            return EXIT_REFUSED
        else:
            migrate_to_head(engine)
        show_progress = args.scale != "demo" or sys.stderr.isatty()
        summary = seed_database(engine, scale=args.scale, seed=args.seed,
                                progress=ProgressBar() if show_progress else None)
    finally:
        engine.dispose()
    print_summary(summary, shown_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
