"""The only cached access to data: one engine per URL, loaders keyed by filters and data version.

Pages call `load(query_fn, **filters)` for reads (`load_together` for several independent ones)
and `write(service_fn, **kwargs)` for writes.
The data version (the latest audit event id) is part of every cache key, so a write made in any
browser session or app process shows up on the next rerun everywhere.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from crm_core.audit import data_version
from crm_core.db import UNAVAILABLE_ERRORS, database_url, make_engine, read_session, run_write
from crm_core.errors import PermissionDenied, Unavailable

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def engine() -> Engine:
    """The engine of the configured database (one per URL per process)."""
    return _engine_for(database_url())


def current_data_version() -> int:
    """The latest audit event id: cheap (an index lookup), read fresh on every call."""
    with read_session(engine()) as session:
        return data_version(session)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(query_path: str, url: str, version: int, filters: dict[str, Any]) -> Any:
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
    """Run a crm_core query with these filters, cached by filters and the data version.

    Only for someone with access: without an actor the run stops before any data is read.
    """
    from dashboard.auth import current_actor

    current_actor()
    return _cached(query, filters, database_url(), current_data_version())


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
    url, version = database_url(), current_data_version()
    context = get_script_run_ctx()

    def attach_context() -> None:
        # Streamlit's cache expects the script run's context in the thread that calls it.
        add_script_run_ctx(threading.current_thread(), context)

    workers = min(len(queries), os.cpu_count() or 1)
    if workers <= 1:
        return [_cached(q.func, q.keywords, url, version) for q in queries]
    with ThreadPoolExecutor(max_workers=workers, initializer=attach_context) as pool:
        futures = [pool.submit(_cached, q.func, q.keywords, url, version) for q in queries]
        return [future.result() for future in futures]


def _cached(query: Callable[..., T], filters: dict[str, Any], url: str, version: int) -> T:
    frozen = {name: _frozen(value) for name, value in filters.items()}
    return _cached_query(f"{query.__module__}:{query.__name__}", url, version, frozen)


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
