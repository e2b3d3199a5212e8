"""Command line of the benchmark: seed, time queries and pages, write Markdown and JSON.

    python -m bench.run                                   # large scale, SQLite
    python -m bench.run --postgres-url postgresql://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from bench.importing import measure_import
from bench.machine import describe_machine, postgres_version
from bench.queries import compare_figures, sample_ids, time_screen_queries
from bench.report import render_report
from bench.snapshots import measure_snapshots
from crm_core.db import make_engine, migrate_to_head
from crm_core.seeding import SCALES, reset_database, seed_database

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=tuple(SCALES), default="large",
                        help="dataset to seed and measure (default: large)")
    parser.add_argument("--postgres-url", metavar="URL",
                        help="also measure PostgreSQL in this database; EVERY TABLE IN IT IS "
                             "DROPPED and recreated")
    parser.add_argument("--sqlite-path", type=Path, default=None,
                        help="the SQLite file to (re)create (default: bench/results/"
                             "bench-<scale>.db)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (median)")
    parser.add_argument("--seed-runs", type=int, default=3, help="seeding runs (median)")
    parser.add_argument("--naive-runs", type=int, default=2,
                        help="runs of each naive ORM version (slow; no warm-up)")
    parser.add_argument("--page-runs", type=int, default=3, help="renders per page (median)")
    parser.add_argument("--skip-pages", action="store_true", help="do not render pages")
    parser.add_argument("--browser-runs", type=int, default=3,
                        help="loads per page in Chromium, cold and warm (median)")
    parser.add_argument("--skip-browser", action="store_true",
                        help="do not measure first paint in Chromium")
    parser.add_argument("--import-rows", type=int, default=100_000,
                        help="rows of the timed stakeholder CSV import (default: 100,000)")
    parser.add_argument("--skip-import", action="store_true",
                        help="do not time the CSV import")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results")
    return parser.parse_args(argv)


def _fresh_sqlite(path: Path) -> Engine:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrate_to_head(engine)
    return engine


def seed_repeatedly(fresh: callable, *, scale: str, runs: int) -> tuple[Engine, dict]:
    """Seed a fresh database `runs` times; keep the last. Returns (engine, seed timings)."""
    times, cpu, summary, engine = [], [], None, None
    for _ in range(max(1, runs)):
        if engine is not None:
            engine.dispose()
        engine = fresh()
        cpu_started = time.process_time()
        summary = seed_database(engine, scale=scale)
        cpu.append(round(time.process_time() - cpu_started, 2))
        times.append(summary.seconds)
    return engine, {"median_s": round(statistics.median(times), 2), "runs_s": times,
                    "cpu_s": round(statistics.median(cpu), 2), "rows": summary.total_rows,
                    "rows_per_table": summary.rows}


def measure_in_subprocess(module: str, url: str, *, runs: int) -> dict:
    """What bench.pages (page timings, peak memory) or bench.browser (first paint) measures,
    in a process of its own."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        subprocess.run([sys.executable, "-m", module, "--url", url, "--runs", str(runs),
                        "--out", str(out)], cwd=ROOT, check=True)
        return json.loads(out.read_text())


def measure_backend(engine: Engine, url: str, args: argparse.Namespace, seed: dict) -> dict:
    """Everything measured on one database holding the dataset."""
    ids = sample_ids(engine)
    print(f"  timing queries on {engine.dialect.name}…", file=sys.stderr)
    result = {"seed": seed, "sample_ids": {k: str(v) for k, v in ids.items()},
              "queries": [t.__dict__ for t in time_screen_queries(engine, ids, runs=args.runs)],
              "figures": compare_figures(engine, ids, runs=args.runs,
                                         naive_runs=args.naive_runs)}
    print(f"  taking every scope's snapshots on {engine.dialect.name}…", file=sys.stderr)
    result["snapshots"] = measure_snapshots(engine, scope=ids.get("scope"), runs=args.runs)
    if not args.skip_pages:
        print(f"  rendering pages on {engine.dialect.name}…", file=sys.stderr)
        result["pages"] = measure_in_subprocess("bench.pages", url, runs=args.page_runs)
    if not args.skip_browser:
        print(f"  first paint in Chromium on {engine.dialect.name}…", file=sys.stderr)
        result["browser"] = measure_in_subprocess("bench.browser", url, runs=args.browser_runs)
    return result


def run_benchmark(args: argparse.Namespace) -> dict:
    """Seed and measure SQLite (and PostgreSQL when asked); the results as one dict."""
    results = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "scale": args.scale,
               "machine": describe_machine(), "backends": {}}
    path = args.sqlite_path or args.out / f"bench-{args.scale}.db"
    print(f"Seeding {args.scale} into SQLite {path} ({args.seed_runs}×)…", file=sys.stderr)
    engine, seed = seed_repeatedly(lambda: _fresh_sqlite(path), scale=args.scale,
                                   runs=args.seed_runs)
    results["backends"]["sqlite"] = measure_backend(engine, f"sqlite:///{path}", args, seed)
    engine.dispose()
    if not args.skip_import:
        print("  timing the CSV import on sqlite…", file=sys.stderr)
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'import.db'}")
            results["backends"]["sqlite"]["import"] = measure_import(engine,
                                                                     rows=args.import_rows)
            engine.dispose()
    if args.postgres_url:
        engine = make_engine(args.postgres_url)
        results["machine"]["postgresql"] = postgres_version(engine)

        def fresh_postgres() -> Engine:
            reset_database(engine)
            return engine

        print(f"Seeding {args.scale} into PostgreSQL ({args.seed_runs}×)…", file=sys.stderr)
        engine, seed = seed_repeatedly(fresh_postgres, scale=args.scale, runs=args.seed_runs)
        results["backends"]["postgresql"] = measure_backend(engine, args.postgres_url, args,
                                                            seed)
        if not args.skip_import:
            print("  timing the CSV import on postgresql (the dataset is dropped)…",
                  file=sys.stderr)
            results["backends"]["postgresql"]["import"] = measure_import(
                engine, rows=args.import_rows)
        engine.dispose()
    return results


def write_results(results: dict, out: Path) -> Path:
    """Write <stamp>.json and <stamp>.md (and latest.*) into the folder; returns the .md."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M") + f"-{results['scale']}"
    markdown = render_report(results)
    for name in (stamp, f"latest-{results['scale']}"):
        (out / f"{name}.json").write_text(json.dumps(results, indent=2, default=str))
        (out / f"{name}.md").write_text(markdown)
    return out / f"{stamp}.md"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print where the report is."""
    args = parse_args(argv)
    report = write_results(run_benchmark(args), args.out)
    print(report.read_text())
    print(f"Written: {report} (and .json)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
