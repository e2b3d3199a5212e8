"""How many people at once: N scripted sessions against one app process and against two behind
nginx, on PostgreSQL. Runs in its own process:

    python -m bench.concurrency --postgres-url postgresql://postgres@127.0.0.1:5432/crm_bench_people

The database at --postgres-url is created (it must not exist), seeded (--scale, default large),
measured and dropped; --reuse measures an existing, already seeded one and leaves it. For each
setup and each N (--levels), a fresh server starts, N people (bench/people.py; --writers of them
assign owners and complete tasks) follow the review script over Streamlit's WebSocket protocol
(bench/sessions.py), starting within the first two seconds. Reported per view: p50 and p95 time
from click to the end of the run, errors; per level: the app processes' CPU (% of one core),
this client's CPU (it must stay small: the server is what is measured), the app's memory
growth per session, the machine's load. Results: bench/results/concurrency-<when>.json and
.md, and latest-concurrency.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import secrets
import subprocess
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import procstat
from bench.concurrency_report import render, summarise
from bench.machine import describe_machine, postgres_version
from bench.people import person, pick_targets
from bench.serve import free_port
from bench.sessions import ScriptedSession, signed_in_cookie
from crm_core.db import make_engine, migrate_to_head
from crm_core.seeding import seed_database
from deploy.cluster import Cluster, start_cluster

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SETUPS = {"one process": 1, "two processes behind nginx": 2}


def _rounds(n: int) -> int:
    # About 20 scripts per level at least, so small N still gives a p95 (at most 3 rounds each).
    return min(3, max(1, math.ceil(20 / n)))


BENCH_EMAIL = "bench.person@example.com"


def _start(setup: str, url: str, run_dir: Path, port: int) -> Cluster:
    """The setup, with sign-in on (as deployed): people come with a signed-in cookie, made
    with the cookie secret written here (no provider is ever asked)."""

    processes = SETUPS[setup]
    public = f"http://127.0.0.1:{port}"
    run_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    (run_dir / "secrets.toml").write_text("\n".join([
        "[auth]", f'redirect_uri = "{public}/oauth2callback"', f'cookie_secret = "{secret}"',
        'client_id = "bench"', 'client_secret = "bench"',
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"', ""]))
    env = {"CRM_DATABASE_URL": url, "CRM_SEED_DEMO": "0", "CRM_ADMIN_EMAILS": BENCH_EMAIL}
    app_args = ["--secrets.files", str(run_dir / "secrets.toml")]
    if processes == 1:
        cluster = Cluster(url=public, run_dir=run_dir, app_ports=[port], app_args=app_args,
                          env={**os.environ, **env})
        cluster.start_app(port)
    else:
        cluster = start_cluster(processes=processes, port=port, run_dir=run_dir,
                                app_ports=[free_port() for _ in range(processes)],
                                app_args=app_args, env=env)
    cluster.cookie_secret = secret
    return cluster


def _cookie(cluster: Cluster, origin: str) -> str:
    return signed_in_cookie(cluster.cookie_secret, origin, BENCH_EMAIL, "Bench Person")


def _server_pids(cluster: Cluster) -> tuple[list[int], list[int]]:
    apps = [p.pid for p in cluster.apps.values()]
    proxy = [cluster.nginx.pid, *procstat.children(cluster.nginx.pid)] if cluster.nginx else []
    return apps, proxy


async def _level(cluster: Cluster, n: int, writers: float, targets) -> dict:
    """N people at once against a running setup: every view, CPU, memory."""
    apps, proxy = _server_pids(cluster)
    for port in cluster.app_ports:  # each process's imports and engine: not what people cost
        warm = ScriptedSession(cluster.app_url(port),
                               user_cookie=_cookie(cluster, cluster.app_url(port)))
        await warm.open()
        await warm.view("")
        await warm.close()
    rss_before = sum(procstat.rss_mb(p) for p in apps)
    cpu0 = {p: procstat.cpu_seconds(p) for p in [*apps, *proxy]}
    busy0, total0 = procstat.machine_busy()
    client0, wall0 = time.process_time(), time.perf_counter()
    load0 = os.getloadavg()
    views: list[dict] = []
    peak = {"rss": rss_before}

    def record(step: str, view) -> None:
        views.append({"step": step, "seconds": view.seconds, "ok": view.ok,
                      "error": "; ".join(view.exceptions)[:300]})

    async def sample_memory() -> None:
        while True:
            peak["rss"] = max(peak["rss"], sum(procstat.rss_mb(p) for p in apps))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample_memory())
    n_writers = round(n * writers)

    async def one(i: int) -> None:
        await asyncio.sleep(2.0 * i / n)  # people arrive over two seconds, not in one instant
        await person(cluster.url, writer=i < n_writers, rounds=_rounds(n), targets=targets,
                     seed=1000 * n + i, record=record,
                     user_cookie=_cookie(cluster, cluster.url))

    await asyncio.gather(*(one(i) for i in range(n)))
    sampler.cancel()
    wall = time.perf_counter() - wall0

    def cpu_pct(pids: list[int]) -> float:
        used = sum(procstat.cpu_seconds(p) - cpu0.get(p, 0.0) for p in pids)
        return round(100 * used / wall, 1)

    busy1, total1 = procstat.machine_busy()
    cores = os.cpu_count() or 1
    return {
        "n": n, "writers": n_writers, "rounds": _rounds(n), "wall_s": round(wall, 1),
        "views": views, "app_cpu_pct": cpu_pct(apps), "proxy_cpu_pct": cpu_pct(proxy),
        "client_cpu_pct": round(100 * (time.process_time() - client0) / wall, 1),
        "machine_busy_pct": round(100 * (busy1 - busy0) / max(1e-9, total1 - total0), 1),
        "cores": cores,
        "app_rss_mb_before": round(rss_before, 1), "app_rss_mb_peak": round(peak["rss"], 1),
        "mb_per_session": round((peak["rss"] - rss_before) / n, 2),
        "load_average_start": [round(x, 2) for x in load0],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
    }


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return out.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def _on_server(url: str, sql: str) -> None:
    """Run a statement on the server of url, outside any database (CREATE/DROP DATABASE)."""
    admin = create_engine(make_engine(url).url.set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(sql))
    admin.dispose()


def _create_and_seed(url: str, scale: str) -> None:
    _on_server(url, f'CREATE DATABASE "{make_url(url).database}"')
    engine = make_engine(url)
    migrate_to_head(engine)
    seed_database(engine, scale=scale)
    engine.dispose()


def _drop(url: str) -> None:
    _on_server(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def write_results(name: str, results: dict, report: str) -> None:
    """<name>-<when>.json and .md, and latest-<name>.md, in bench/results."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}-{stamp}.json").write_text(json.dumps(results, indent=1, default=str))
    (RESULTS / f"{name}-{stamp}.md").write_text(report)
    (RESULTS / f"latest-{name}.md").write_text(report)
    print(report)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.concurrency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", required=True, metavar="URL")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the existing (seeded) database; do not create or drop it")
    parser.add_argument("--scale", default="large")
    parser.add_argument("--levels", default="1,5,10,25,50")
    parser.add_argument("--writers", type=float, default=0.2, help="share of people writing")
    parser.add_argument("--setups", default=",".join(SETUPS),
                        help=f"comma-separated, of: {', '.join(SETUPS)}")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    setups = [s.strip() for s in args.setups.split(",")]
    try:
        if not args.reuse:
            _create_and_seed(args.postgres_url, args.scale)
        engine = make_engine(args.postgres_url)
        targets, pg = pick_targets(engine), postgres_version(engine)
        engine.dispose()
        results = {"commit": _commit(), "scale": args.scale, "machine": describe_machine(),
                   "postgresql": pg, "levels": levels, "writers_share": args.writers,
                   "setups": defaultdict(list)}
        for setup in setups:
            for n in levels:
                with tempfile.TemporaryDirectory() as run_dir:
                    cluster = _start(setup, args.postgres_url, Path(run_dir), free_port())
                    try:
                        level = asyncio.run(_level(cluster, n, args.writers, targets))
                    finally:
                        cluster.stop()
                print(f"{setup}, N={n}: {summarise(level)['overall']}", flush=True)
                results["setups"][setup].append(level)
    finally:
        if not args.reuse:
            _drop(args.postgres_url)
    write_results("concurrency", results, render(results))


if __name__ == "__main__":
    main()
