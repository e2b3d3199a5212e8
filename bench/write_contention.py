"""What the data-version row costs concurrent writers on PostgreSQL: K threads complete tasks
at once (every commit bumps the one `tasks` row), with the bump and with it switched off.

    python -m bench.write_contention --postgres-url postgresql://postgres@127.0.0.1:5432/crm_bench_writes

The database is created (it must not exist), seeded with the demo dataset, and dropped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bench.concurrency import _commit, _create_and_seed, _drop, write_results
from bench.machine import describe_machine
from crm_core import data_areas
from crm_core.access import Actor
from crm_core.db import make_engine, read_session, write_session
from crm_core.models import Task
from crm_core.services.task_status import complete_task

ACTOR = Actor(email="bench@example.com", role="manager", name="Bench")


def _open_tasks(engine) -> list[int]:
    with read_session(engine) as session:
        return list(session.scalars(select(Task.id).where(
            Task.task_type == "task", Task.parent_task_id.is_(None),  # no step: never blocked
            Task.status.in_(("open", "in_progress"))).order_by(Task.id)))


def run(engine, task_ids: list[int], writers: int) -> dict:
    """`writers` threads completing their share of task_ids; throughput and latency."""
    shares = [task_ids[i::writers] for i in range(writers)]
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(writers)

    def work(share: list[int]) -> None:
        start.wait()
        for task_id in share:
            t0 = time.perf_counter()
            with write_session(engine) as session:
                complete_task(session, actor=ACTOR, task_id=task_id)
            with lock:
                latencies.append(1000 * (time.perf_counter() - t0))

    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"writers": writers, "writes": len(latencies),
            "writes_per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.write_contention", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", required=True, metavar="URL")
    parser.add_argument("--per-run", type=int, default=80, help="tasks completed per run")
    args = parser.parse_args(argv)
    rows = []
    try:
        _create_and_seed(args.postgres_url, "demo")
        engine = make_engine(args.postgres_url, pool_size=10)
        tasks = _open_tasks(engine)
        load = os.getloadavg()
        for writers in (1, 4, 8):
            for bump in (True, False):
                if not bump:
                    event.remove(Session, "before_commit", data_areas._bump_pending)
                batch, tasks = tasks[:args.per_run], tasks[args.per_run:]
                rows.append({**run(engine, batch, writers), "bump": bump})
                if not bump:
                    event.listen(Session, "before_commit", data_areas._bump_pending)
        engine.dispose()
    finally:
        _drop(args.postgres_url)
    lines = [f"Write contention on PostgreSQL, commit `{_commit()}`, {describe_machine()['when']}"
             f", load average at the start {load[0]:.2f} (a shared 2-core machine).", "",
             "| writers | data-version bump | writes/s | p50 ms | p95 ms |",
             "|---|---|---|---|---|"]
    lines += [f"| {r['writers']} | {'on' if r['bump'] else 'off'} | {r['writes_per_s']} | "
              f"{r['p50_ms']} | {r['p95_ms']} |" for r in rows]
    write_results("write-contention", {"rows": rows, "load": load}, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
