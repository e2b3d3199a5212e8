"""The only cached access to data: one engine per URL, loaders keyed by filters and data versions.

Pages call `load(query_fn, **filters)` for reads (`load_together` for several independent ones)
and `write(service_fn, **kwargs)` for writes.
The versions of the data areas a query reads (crm_core.data_areas, kept in the database) are
part of its cache key, so a write made in any browser session or app process shows up on the
next rerun everywhere, and only in the figures that read what it changed.
"""

from __future__ import annotations

import importlib
import inspect
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from crm_core.data_areas import areas_read_by, data_versions
from crm_core.db import UNAVAILABLE_ERRORS, database_url, make_engine, read_session, run_write
from crm_core.errors import PermissionDenied, Unavailable

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def engine() -> Engine:
    """The engine of the configured database (one per URL per process)."""
    return _engine_for(database_url())


def current_data_versions() -> dict[str, int]:
    """Every data area's version: a few rows, read fresh on every call."""
    with read_session(engine()) as session:
        return data_versions(session)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(query_path: str, url: str, versions: tuple[int, ...],
                  filters: dict[str, Any]) -> Any:
    module_name, _, function_name = query_path.partition(":")
    query = getattr(importlib.import_module(module_name), function_name)
    with read_session(_engine_for(url)) as session:
        return query(session, **filters)


def _frozen(value: Any) -> Any:
    # Lists and sets from multiselects become tuples so equal filters share a cache entry.
    if isinstance(value, list | set | frozenset):
        return tuple(sorted(value)) if isinstance(value, set | frozenset) else tuple(value)
    return value


def load(query: Callable[..., T], **filters: Any) -> T:
    """Run a crm_core query with these filters, cached by filters and the versions of the
    data areas it reads.

    Only for someone with access: without an actor the run stops before any data is read.
    """
    from dashboard.auth import current_actor

    current_actor()
    return _cached(query, filters, database_url(), current_data_versions())


def load_together(*queries: partial) -> list[Any]:
    """Run independent loads at once, each `partial(query_fn, **filters)` cached as `load`
    caches it; their results in order.

    On a cold cache a page then waits for its slowest figure rather than the sum of them:
    the database works without holding Python's GIL (SQLite in-process, PostgreSQL in its
    own processes), so the loads use the machine's cores side by side.
    """
    from dashboard.auth import current_actor

    if any(query.args for query in queries):
        raise TypeError("load_together takes partial(query_fn, **filters): keyword filters only")
    current_actor()
    url, versions = database_url(), current_data_versions()
    context = get_script_run_ctx()

    def attach_context() -> None:
        # Streamlit's cache expects the script run's context in the thread that calls it.
        add_script_run_ctx(threading.current_thread(), context)

    workers = min(len(queries), os.cpu_count() or 1)
    if workers <= 1:
        return [_cached(q.func, q.keywords, url, versions) for q in queries]
    with ThreadPoolExecutor(max_workers=workers, initializer=attach_context) as pool:
        futures = [pool.submit(_cached, q.func, q.keywords, url, versions) for q in queries]
        return [future.result() for future in futures]


def _cached(query: Callable[..., T], filters: dict[str, Any], url: str,
            versions: dict[str, int]) -> T:
    frozen = {name: _frozen(value) for name, value in filters.items()}
    key = tuple(versions[area] for area in areas_read_by(query.__module__))
    return _cached_query(f"{query.__module__}:{query.__name__}", url, key, frozen)


def whole_list(query: Callable[..., Any], *,
               shape: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
               **filters: Any) -> Callable[[], Iterator[pd.DataFrame]]:
    """The whole list a paginated query answers under these filters, for a download: a
    callable that runs the query with limit=None (a generator query, e.g. task_list_chunks:
    its chunks as they come) in a session of its own when the download is clicked, each frame
    passed through `shape` as the page's rows are. Not cached: a download reads the list as it
    is then.

    Only for someone with access, like `load`.
    """
    from dashboard.auth import current_actor

    current_actor()
    bound = engine()  # resolved now: the download runs outside the script run

    def frames() -> Iterator[pd.DataFrame]:
        with read_session(bound) as session:
            if inspect.isgeneratorfunction(query):
                chunks = query(session, **filters)
            else:
                answer = query(session, limit=None, offset=0, **filters)
                # A DataFrame, or a page of one: RowsPage / TaskPage rows, AuditPage events.
                chunks = [answer if isinstance(answer, pd.DataFrame)
                          else answer.rows if hasattr(answer, "rows") else answer.events]
            for frame in chunks:
                yield shape(frame) if shape else frame

    return frames


def write(service: Callable[..., T], **kwargs: Any) -> T:
    """Run a crm_core service as the signed-in person, in one write transaction (run again
    after a deadlock, see crm_core.db.run_write).

    The actor is resolved afresh from the access grants, so a role taken away a moment ago
    no longer writes; the service checks the permission itself.
    """
    from dashboard.auth import resolve_actor

    try:
        actor = resolve_actor()
        if actor is None:
            raise PermissionDenied("You are signed out or no longer have access; sign in "
                                   "again.")
        return run_write(engine(), lambda session: service(session, actor=actor, **kwargs))
    except UNAVAILABLE_ERRORS as error:
        raise Unavailable("The database cannot be reached or did not answer in time, so "
                          "nothing was saved. Try again in a moment.") from error
