"""Today's snapshots, taken once in the background when the app first serves a dashboard on a
day that has none: the page never waits for them.

One thread per database and day in this process; across processes (and a cron run) the
snapshot's (scope, day) key keeps the first rows written and ignores the rest.
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from sqlalchemy import Engine

from crm_core.db import read_session
from crm_core.snapshots import has_snapshot, take_snapshots

log = logging.getLogger(__name__)
_lock = threading.Lock()
_started: dict[str, date] = {}  # database URL -> the day its snapshot was last started


def snapshot_today_in_background(engine: Engine) -> threading.Thread | None:
    """Start taking today's snapshots in a thread unless this process already did today;
    returns the thread started (None when there was nothing to start)."""
    today = date.today()
    url = engine.url.render_as_string(hide_password=False)
    with _lock:
        if _started.get(url) == today:
            return None
        _started[url] = today
    thread = threading.Thread(target=_take, args=(engine, today), daemon=True,
                              name=f"snapshots-{today}")
    thread.start()
    return thread


def _take(engine: Engine, today: date) -> None:
    try:
        with read_session(engine) as session:
            if has_snapshot(session, day=today):
                return
        added = take_snapshots(engine, day=today)
        log.info("Took %d snapshot(s) for %s.", added, today)
    except Exception:  # a background job must not take the app down; cron can still run it
        log.exception("Taking today's snapshots failed.")
