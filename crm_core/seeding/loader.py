"""Bulk loading in one transaction: raw executemany on SQLite, COPY on PostgreSQL.

Secondary indexes (and, on PostgreSQL, foreign keys) are dropped for the load and rebuilt once
at the end from their own stored definitions, which is several times faster than maintaining
them row by row; the rebuild also re-checks uniqueness and references. Nothing is committed
unless every table loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from itertools import chain
from queue import Full, Queue
from threading import Thread

from sqlalchemy import Engine

from crm_core.db import is_sqlite
from crm_core.seeding.tasks import TASK_COLUMNS

Progress = Callable[[str, int, int], None]

COLUMNS: dict[str, tuple[str, ...]] = {
    "regions": ("id", "name", "created_at"),
    "users": ("id", "name", "email", "job_title", "created_at", "manager_id", "region_id",
              "departed_on"),
    "companies": ("id", "name", "industry", "website", "created_at"),
    "company_account_teams": ("user_id", "company_id", "created_at"),
    "stakeholders": ("id", "name", "job_title", "email", "phone", "company_id", "created_at"),
    "stakeholder_meddpicc_roles": ("stakeholder_id", "meddpicc_role", "created_at"),
    "stakeholder_relationship_owners": ("stakeholder_id", "user_id", "created_at"),
    "opportunities": ("id", "name", "value", "probability", "expected_close_date", "stage",
                      "company_id", "created_at"),
    "opportunity_account_teams": ("user_id", "opportunity_id", "created_at"),
    "stakeholder_opportunities": ("stakeholder_id", "opportunity_id", "created_at"),
    "tasks": TASK_COLUMNS,
    "task_entities": ("task_id", "entity_type", "entity_id", "created_at"),
}
TABLES_WITH_IDS = ("regions", "users", "companies", "stakeholders", "opportunities", "tasks")
CHUNK = 25_000
ROWS_PER_STATEMENT = 500  # x columns stays under SQLite's 32,766 bound parameters


class _Loader:
    def __init__(self, engine: Engine, progress: Progress | None):
        self.engine = engine
        self.progress = progress or (lambda table, done, total: None)
        self.raw = engine.raw_connection()
        self.db = self.raw.driver_connection
        self.loaded: dict[str, int] = {}
        self.indexes: list[tuple[str, str, str]] = []  # (name, CREATE statement, table)
        self.built: set[str] = set()

    def _execute(self, sql: str) -> None:
        raise NotImplementedError

    def _build_remaining_indexes(self) -> None:
        for table in sorted({table for name, _, table in self.indexes if name not in self.built}):
            self.complete(table)

    def insert(self, table: str, rows: list[tuple], expected_total: int | None) -> None:
        """Load the rows into the table (in primary-key order, which B-trees append fastest)."""
        if table not in TABLES_WITH_IDS:
            rows.sort()
        before = self.loaded.get(table, 0)
        total = max(expected_total or 0, before + len(rows))
        if before == 0:
            self.progress(table, 0, total)
        for start in range(0, len(rows), CHUNK):
            self._write(table, rows[start:start + CHUNK])
            self.loaded[table] = before + min(start + CHUNK, len(rows))
            self.progress(table, self.loaded[table], total)

    def complete(self, table: str) -> None:
        """Every row of the table is in: build its secondary indexes now."""
        for name, sql, _ in [index for index in self.indexes
                             if index[2] == table and index[0] not in self.built]:
            self.progress(f"{table} indexes", 0, 1)
            self._execute(sql)
            self.progress(f"{table} indexes", 1, 1)
            self.built.add(name)

    def _write(self, table: str, rows: list[tuple]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.raw.close()


class _SqliteLoader(_Loader):
    def begin(self) -> None:
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-262144")  # 256 MB while building indexes
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.execute("PRAGMA threads=2")  # index builds sort in parallel
        self.db.execute("BEGIN IMMEDIATE")
        marks = ", ".join("?" * len(COLUMNS))
        self.indexes = self.db.execute(
            "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' "
            f"AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY name",
            tuple(COLUMNS)).fetchall()
        for name, _, _ in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')

    def _execute(self, sql: str) -> None:
        self.db.execute(sql)

    def _write(self, table: str, rows: list[tuple]) -> None:
        # Many rows per statement: SQLite evaluates each CHECK's IN-list per statement run, so
        # one row per run (plain executemany) costs twice as much on the tasks table.
        columns = COLUMNS[table]
        one_row = f"({', '.join('?' * len(columns))})"
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        full = len(rows) - len(rows) % ROWS_PER_STATEMENT
        if full:
            statement = insert + ", ".join([one_row] * ROWS_PER_STATEMENT)
            self.db.executemany(statement, (
                list(chain.from_iterable(rows[start:start + ROWS_PER_STATEMENT]))
                for start in range(0, full, ROWS_PER_STATEMENT)))
        if full < len(rows):
            self.db.executemany(insert + one_row, rows[full:])

    def commit(self) -> None:
        self._build_remaining_indexes()
        self.db.execute("COMMIT")
        # Statistics for the query planner (sampled: exact ones take seconds at large scale).
        self.db.execute("PRAGMA analysis_limit=1000")
        self.db.execute("ANALYZE")

    def rollback(self) -> None:
        self.db.execute("ROLLBACK")

    def close(self) -> None:
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA cache_size=-2000")
        self.db.execute("PRAGMA temp_store=DEFAULT")
        self.db.execute("PRAGMA threads=0")
        self.db.execute("PRAGMA analysis_limit=0")
        super().close()


class _PostgresLoader(_Loader):
    def begin(self) -> None:
        tables = list(COLUMNS)
        with self.db.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) "
                "ORDER BY 1, 2", (tables,))
            self.foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef, tablename FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = ANY(%s) AND indexname "
                "NOT IN (SELECT conname FROM pg_constraint) ORDER BY 1", (tables,))
            self.indexes = cursor.fetchall()
            for table, name, _ in self.foreign_keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _, _ in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    def _execute(self, sql: str) -> None:
        with self.db.cursor() as cursor:
            cursor.execute(sql)

    def _write(self, table: str, rows: list[tuple]) -> None:
        with self.db.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def commit(self) -> None:
        self._build_remaining_indexes()
        with self.db.cursor() as cursor:
            self.progress("foreign keys", 0, len(self.foreign_keys))
            for done, (table, name, definition) in enumerate(self.foreign_keys, start=1):
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                self.progress("foreign keys", done, len(self.foreign_keys))
            # The ids were given explicitly, so each id sequence must continue after them.
            for table in TABLES_WITH_IDS:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table}")
        self.db.commit()
        # VACUUM as well as ANALYZE: it sets the visibility map, without which every
        # index-only scan of the fresh tables still visits the heap (autovacuum would get
        # there later). VACUUM cannot run inside a transaction.
        self.db.autocommit = True
        try:
            with self.db.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {', '.join(COLUMNS)}")
        finally:
            self.db.autocommit = False

    def rollback(self) -> None:
        self.db.rollback()


class BackgroundLoader:
    """Loads in a thread while the caller generates the next rows.

    The database does its work without holding Python's GIL, so loading one table (and building
    its indexes) overlaps with generating the next. One connection, one transaction.
    """

    def __init__(self, engine: Engine, progress: Progress | None):
        self.engine = engine
        self.progress = progress
        self.queue: Queue[tuple] = Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = Thread(target=self._run, name="seed-loader", daemon=True)
        self.thread.start()

    def insert(self, table: str, rows: list[tuple], *, expected_total: int | None = None) -> None:
        """Queue rows for the table (`expected_total`: the table's final size, for progress)."""
        self._put(("rows", table, rows, expected_total))

    def complete(self, table: str) -> None:
        """The table has all its rows: its indexes can be built."""
        self._put(("complete", table))

    def finish(self) -> None:
        """Build what is left, commit, and wait; raise the loader's error if it failed."""
        self._put(("commit",))
        self.thread.join()
        if self.error is not None:
            raise self.error

    def abort(self) -> None:
        """Roll everything back."""
        with suppress(Exception):
            self._put(("rollback",))
        self.thread.join()

    def _put(self, item: tuple) -> None:
        while True:
            if self.error is not None:
                raise self.error
            with suppress(Full):
                self.queue.put(item, timeout=0.1)
                return

    def _run(self) -> None:
        backend = None
        try:
            backend_class = _SqliteLoader if is_sqlite(self.engine) else _PostgresLoader
            backend = backend_class(self.engine, self.progress)
            backend.begin()
            while True:
                kind, *args = self.queue.get()
                if kind == "rows":
                    backend.insert(*args)
                elif kind == "complete":
                    backend.complete(*args)
                elif kind == "commit":
                    backend.commit()
                    return
                else:
                    backend.rollback()
                    return
        except BaseException as error:  # handed to the generating thread
            self.error = error
            if backend is not None:
                with suppress(Exception):
                    backend.rollback()
        finally:
            if backend is not None:
                backend.close()


@contextmanager
def bulk_loader(engine: Engine, progress: Progress | None = None) -> Iterator[BackgroundLoader]:
    """A loader whose rows are committed together when the block ends without an error."""
    loader = BackgroundLoader(engine, progress)
    try:
        yield loader
    except BaseException:
        loader.abort()
        raise
    loader.finish()
