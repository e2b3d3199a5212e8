"""Snapshots in the benchmark: taking today's snapshots of every scope (organisation, regions,
teams) on the dataset, and reading a scope's trend over a year."""

from __future__ import annotations

import statistics
import time
from datetime import date

from sqlalchemy import Engine, delete

from crm_core.db import read_session, write_session
from crm_core.models import Snapshot
from crm_core.queries.trends import scope_trend
from crm_core.snapshots import take_snapshots


def measure_snapshots(engine: Engine, *, scope: str | None, runs: int = 3) -> dict:
    """Seconds to take today's snapshots of every scope (today's, taken by the seed, are
    removed first, so the whole day is taken again), and milliseconds to read a year of
    the scope's trend (median of `runs` after one warm-up)."""
    today = date.today()
    with write_session(engine) as session:
        session.execute(delete(Snapshot).where(Snapshot.day == today))
    started = time.perf_counter()
    scopes = take_snapshots(engine, day=today)
    seconds = time.perf_counter() - started
    read_ms = []
    for _ in range(runs + 1):
        with read_session(engine) as session:
            started = time.perf_counter()
            days = len(scope_trend(session, scope=scope, today=today, days=365))
            read_ms.append((time.perf_counter() - started) * 1000)
    return {"scopes": scopes, "take_s": round(seconds, 2), "trend_scope": scope or "organisation",
            "trend_days": days, "trend_read_ms": round(statistics.median(read_ms[1:]), 1)}
