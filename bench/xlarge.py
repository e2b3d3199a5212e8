"""Larger than large: the xlarge dataset (about 1 M stakeholders) on PostgreSQL. Every
dashboard's cold render (AppTest, bench/pages.py) and cold first paint (Chromium,
bench/browser.py), every screen query once, and the plan of the slowest query over the goal:

    python -m bench.xlarge --postgres-url postgresql://postgres@127.0.0.1:5432/crm_bench_xlarge

The database at --postgres-url is created (it must not exist), seeded and dropped at the end;
--reuse measures an existing seeded one and leaves it. Results: bench/results/
xlarge-<when>.json and .md, and latest-xlarge.md.
"""

from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy import Engine, event

from bench.concurrency import _commit, _create_and_seed, _drop, write_results
from bench.machine import describe_machine, postgres_version
from bench.queries import arguments_for, sample_ids, screen_queries
from bench.report import _first_paint, _machine, _pages
from bench.run import measure_in_subprocess
from crm_core.db import make_engine, read_session

GOAL_MS = 3000


def _statements(engine: Engine, call) -> tuple[float, list[tuple[float, str, object]]]:
    """Run call(); its wall time in ms and every SQL statement it sent, slowest first."""
    sent: list[tuple[float, str, object]] = []
    started: dict[int, float] = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        ms = 1000 * (time.perf_counter() - started.pop(id(cursor), time.perf_counter()))
        sent.append((ms, statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        t0 = time.perf_counter()
        call()
        return 1000 * (time.perf_counter() - t0), sorted(sent, key=lambda s: -s[0])
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def time_queries(engine: Engine) -> list[dict]:
    """Every screen query once (cold for the database's own caches as far as they go)."""
    ids, rows = sample_ids(engine), []
    for name, function in screen_queries():
        kwargs = arguments_for(function, ids)
        if isinstance(kwargs, str):
            rows.append({"query": name, "ms": None, "note": kwargs})
            continue

        def call(function=function, kwargs=kwargs):
            with read_session(engine) as session:
                result = function(session, **kwargs)
                if hasattr(result, "__next__"):
                    list(result)

        try:
            ms, sent = _statements(engine, call)
        except Exception as error:  # noqa: BLE001 - reported, the others still run
            rows.append({"query": name, "ms": None, "note": f"error: {error!r}"[:200]})
            continue
        slowest = sent[0] if sent else (0.0, "", None)
        rows.append({"query": name, "ms": round(ms, 1), "statements": len(sent),
                     "slowest_statement_ms": round(slowest[0], 1),
                     "slowest_statement": slowest[1], "parameters": slowest[2]})
    return sorted(rows, key=lambda r: -(r["ms"] or 0))


def explain(engine: Engine, statement: str, parameters) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement as the query sent it."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return "\n".join(row[0] for row in cursor.fetchall())
    finally:
        connection.rollback()
        connection.close()


def render(results: dict) -> str:
    """The Markdown report."""
    over = [q for q in results["queries"] if (q["ms"] or 0) > GOAL_MS]
    lines = [f"xlarge benchmark of {results['machine']['when']} on PostgreSQL, commit "
             f"`{results['commit']}`: seeded in {results['seed_s']:.0f} s, "
             f"{results['rows']:,} rows in users, companies, stakeholders, opportunities and "
             "tasks (link tables apart).",
             "",
             f"Machine: {_machine(results['machine'])}.", ""]
    pages = {"backends": {"postgresql": {k: results[k] for k in ("pages", "browser")
                                         if k in results}}}
    lines += _pages(pages, ["postgresql"]) if "pages" in results else []
    lines += _first_paint(pages, ["postgresql"]) if "browser" in results else []
    lines += [f"#### Screen queries over {GOAL_MS / 1000:.0f} s (each run once)", ""]
    if not over:
        lines.append("None.")
    for q in over:
        lines.append(f"- `{q['query']}`: {q['ms']:,.0f} ms ({q['statements']} statements, "
                     f"the slowest {q['slowest_statement_ms']:,.0f} ms)")
    if results.get("plan"):
        lines += ["", f"Plan of the slowest statement of `{over[0]['query']}`:", "", "```",
                  results["plan"], "```"]
    lines += ["", "All queries, slowest first (ms): " + ", ".join(
        f"{q['query']} {q['ms']:,.0f}" if q["ms"] is not None else f"{q['query']} ({q['note']})"
        for q in results["queries"]), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.xlarge", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", required=True, metavar="URL")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args(argv)
    try:
        started = time.perf_counter()
        if not args.reuse:
            _create_and_seed(args.postgres_url, "xlarge")
        seed_s = time.perf_counter() - started
        engine = make_engine(args.postgres_url)
        machine = {**describe_machine(), "postgresql": postgres_version(engine)}
        with engine.connect() as conn:
            rows = sum(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in (
                "users", "companies", "stakeholders", "opportunities", "tasks"))
        results = {"commit": _commit(), "machine": machine, "seed_s": seed_s, "rows": rows}
        print("timing screen queries…", file=sys.stderr, flush=True)
        results["queries"] = time_queries(engine)
        slowest = results["queries"][0]
        if (slowest["ms"] or 0) > GOAL_MS:
            results["plan"] = explain(engine, slowest["slowest_statement"],
                                      slowest["parameters"])
        engine.dispose()
        print("rendering pages (AppTest)…", file=sys.stderr, flush=True)
        results["pages"] = measure_in_subprocess("bench.pages", args.postgres_url, runs=1)
        if not args.skip_browser:
            print("first paint in Chromium…", file=sys.stderr, flush=True)
            results["browser"] = measure_in_subprocess("bench.browser", args.postgres_url,
                                                       runs=1)
    finally:
        if not args.reuse:
            _drop(args.postgres_url)
    write_results("xlarge", results, render(results))


if __name__ == "__main__":
    main()
