"""Time every dashboard query function of crm_core.queries (found by discovery), and compare
the headline figures with hand-written SQL and naive ORM loops."""

from __future__ import annotations

import gc
import importlib
import inspect
import pkgutil
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text

import crm_core.queries
from bench.baselines import FIGURE_PARAMS, HAND_PARAMS, comparisons, hand_sql
from bench.scoped import (
    SCOPED_HAND_PARAMS,
    SCOPED_PARAMS,
    sample_team,
    scoped_comparisons,
    scoped_hand_sql,
)
from crm_core.db import read_session
from crm_core.queries._task_sql import DUE_SOON_DAYS
from crm_core.queries.settings import DEFAULT_STALE_AFTER_DAYS

# Functions with a session that are helpers of other queries, not a question a screen asks.
NOT_SCREEN_QUERIES = {"access_role_for", "user_id_for_email", "departed_on_for_email",
                      # a download's whole list, chunk by chunk (a generator)
                      "task_list_chunks"}
# Optional arguments a query needs one of anyway (its screen always passes it).
ALWAYS_PASSED = {"relationship_map": ("company_id",)}


@dataclass(frozen=True)
class Timing:
    """Median and all run times of one call, in milliseconds (or why it was skipped)."""

    name: str
    median_ms: float | None
    runs_ms: tuple[float, ...] = ()
    rows: int | None = None
    note: str = ""
    # CPU time of this process (SQLite works in-process, so on a busy shared machine this is
    # close to what the query costs when it has a core to itself; PostgreSQL's is elsewhere).
    cpu_ms: float | None = None


def sample_ids(engine: Engine) -> dict[str, Any]:
    """Representative arguments: the busiest company, user, opportunity and so on."""
    queries = {
        "company_id": "SELECT company_id FROM stakeholders GROUP BY company_id "
                      "ORDER BY count(*) DESC, company_id LIMIT 1",
        "user_id": "SELECT user_id FROM stakeholder_relationship_owners GROUP BY user_id "
                   "ORDER BY count(*) DESC, user_id LIMIT 1",
        "opportunity_id": "SELECT opportunity_id FROM stakeholder_opportunities GROUP BY "
                          "opportunity_id ORDER BY count(*) DESC, opportunity_id LIMIT 1",
        "stakeholder_id": "SELECT stakeholder_id FROM stakeholder_opportunities GROUP BY "
                          "stakeholder_id ORDER BY count(*) DESC, stakeholder_id LIMIT 1",
        "sequence_id": "SELECT min(id) FROM tasks WHERE task_type = 'sequence'",
        "task_id": "SELECT min(task_id) FROM task_entities",
    }
    with read_session(engine) as session:
        ids = {name: session.execute(text(sql)).scalar() for name, sql in queries.items()}
        ids["email"] = session.execute(text("SELECT email FROM users WHERE id = :id"),
                                       {"id": ids["user_id"]}).scalar()
        ids["stakeholder_ids"] = tuple(session.execute(text(
            "SELECT id FROM stakeholders ORDER BY id LIMIT 50")).scalars())
        ids["task_ids"] = tuple(session.execute(text(
            "SELECT id FROM tasks ORDER BY id LIMIT 50")).scalars())
    ids["opportunity_ids"] = (ids["opportunity_id"],)
    ids["entity_type"], ids["entity_id"] = "company", ids["company_id"]
    ids["today"] = date.today()
    ids["week_end"] = ids["today"] + timedelta(days=DUE_SOON_DAYS)
    # The benchmark's database keeps the default stale threshold.
    ids["fresh_since"] = datetime.combine(
        ids["today"] - timedelta(days=DEFAULT_STALE_AFTER_DAYS), datetime.min.time())
    ids["text"] = ids["search"] = "an"
    ids["since"], ids["until"] = ids["today"] - timedelta(days=30), ids["today"]
    ids["manager_id"] = sample_team(engine)
    if ids["manager_id"] is not None:  # a database without a reporting line has no team scope
        ids["scope"] = f"team:{ids['manager_id']}"
        ids["scopes"] = ("organisation", ids["scope"])
    return ids


def screen_queries() -> list[tuple[str, Callable[..., Any]]]:
    """Every public query function (session first, keyword-only rest) in crm_core.queries.

    A module that fails to import is listed as a failing entry, so the run still finishes."""
    found = []
    for module_info in pkgutil.iter_modules(crm_core.queries.__path__):
        if module_info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"crm_core.queries.{module_info.name}")
        except Exception as error:  # reported in the results; the other modules still run
            found.append((f"{module_info.name} (import)", _failing(error)))
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (function.__module__ != module.__name__ or name.startswith("_")
                    or name in NOT_SCREEN_QUERIES):
                continue
            parameters = list(inspect.signature(function).parameters.values())
            if not parameters or parameters[0].name != "session":
                continue
            if all(p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in parameters[1:]):
                found.append((f"{module_info.name}.{name}", function))
    return found


def _failing(error: Exception) -> Callable[..., Any]:
    def fail(session, **_: Any) -> None:
        raise error
    return fail


def arguments_for(function: Callable[..., Any], ids: dict[str, Any]) -> dict[str, Any] | str:
    """Keyword arguments for a query, or the reason it cannot be called."""
    arguments = {}
    wanted = ("today", *ALWAYS_PASSED.get(function.__name__, ()))
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        if parameter.kind == parameter.VAR_KEYWORD:
            continue
        if parameter.name in ids and (parameter.default is inspect.Parameter.empty
                                      or parameter.name in wanted):
            arguments[parameter.name] = ids[parameter.name]
        elif parameter.default is inspect.Parameter.empty:
            return f"needs {parameter.name}"
    return arguments


def _rows(result: Any) -> int | None:
    if hasattr(result, "shape"):
        return int(result.shape[0])
    if isinstance(result, list | tuple | dict):
        return len(result)
    return None


def time_call(name: str, call: Callable[[], Any], *, runs: int, warmups: int = 1) -> Timing:
    """Median wall time of `call` after warm-ups (fewer runs for calls over two seconds)."""
    try:
        result = None
        started = time.perf_counter()
        for _ in range(warmups):
            result = call()
        if warmups and time.perf_counter() - started > 2 * warmups:
            runs = min(runs, 3)
        times, cpu = [], []
        for _ in range(runs):
            gc.collect()  # as in time_side_by_side
            started, cpu_started = time.perf_counter(), time.process_time()
            result = call()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
    except Exception as error:  # reported, not fatal: one broken query must not stop the run
        return Timing(name, None, note=f"{type(error).__name__}: {error}"[:200])
    return Timing(name, round(statistics.median(times), 2), tuple(round(t, 2) for t in times),
                  _rows(result), cpu_ms=round(statistics.median(cpu), 2))


def time_side_by_side(name: str, calls: dict[str, Callable[[], Any]], *, runs: int,
                      cold: dict[str, int]) -> dict[str, Timing]:
    """Median wall time of each call, the calls taking turns run after run, so a busy spell on
    a shared machine slows them alike instead of one of them. Each call has one warm-up,
    except those in `cold`, which run only their given number of times, in the first rounds."""
    times: dict[str, list[float]] = {key: [] for key in calls}
    cpu: dict[str, list[float]] = {key: [] for key in calls}
    results: dict[str, Any] = {}
    notes: dict[str, str] = {}

    def run(key: str, timed: bool) -> None:
        try:
            # Collect the garbage the previous call left, so a full collection it made due
            # does not land inside this call's time.
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            results[key] = calls[key]()
            if timed:
                times[key].append((time.perf_counter() - started) * 1000)
                cpu[key].append((time.process_time() - cpu_started) * 1000)
        except Exception as error:  # reported, not fatal: one broken query must not stop the run
            notes[key] = f"{type(error).__name__}: {error}"[:200]

    for key in calls:
        if key not in cold:
            run(key, timed=False)
    for round_number in range(runs):
        # Alternate the order, so neither call always follows the other.
        order = list(calls) if round_number % 2 == 0 else list(reversed(calls))
        for key in order:
            if key not in notes and len(times[key]) < cold.get(key, runs):
                run(key, timed=True)
    return {key: Timing(name, None, note=notes[key]) if key in notes else Timing(
        name, round(statistics.median(times[key]), 2), tuple(round(t, 2) for t in times[key]),
        _rows(results[key]), cpu_ms=round(statistics.median(cpu[key]), 2)) for key in calls}


def _in_session(engine: Engine, function: Callable[..., Any], **kwargs: Any) -> Callable:
    def call():
        with read_session(engine) as session:
            return function(session, **kwargs)
    return call


def time_screen_queries(engine: Engine, ids: dict[str, Any], *, runs: int) -> list[Timing]:
    """Every discovered query, called with representative arguments."""
    timings = []
    for name, function in screen_queries():
        arguments = arguments_for(function, ids)
        if isinstance(arguments, str):
            timings.append(Timing(name, None, note=f"skipped: {arguments}"))
            continue
        timings.append(time_call(name, _in_session(engine, function, **arguments), runs=runs))
    return timings


def compare_figures(engine: Engine, ids: dict[str, Any], *, runs: int,
                    naive_runs: int) -> list[dict]:
    """Ours vs hand-written SQL (and naive ORM where there is one), taking turns run by run."""
    rows = []
    for comparison in comparisons(ids["today"]):
        params = {p: ids[p] for p in FIGURE_PARAMS.get(comparison.figure, ())}
        calls = {"ours": _in_session(engine, comparison.ours, **params),
                 "hand": _in_session(engine, hand_sql, figure=comparison.figure, **{
                     p: ids[p] for p in HAND_PARAMS.get(comparison.figure, ())})}
        if comparison.naive:
            calls["naive"] = _in_session(engine, comparison.naive)
        timed = time_side_by_side(comparison.figure, calls, runs=runs,
                                  cold={"naive": naive_runs})
        rows.append(_row(comparison.figure, timed))
    if "scope" in ids:
        rows += compare_scoped_figures(engine, ids, runs=runs)
    return rows


def compare_scoped_figures(engine: Engine, ids: dict[str, Any], *, runs: int) -> list[dict]:
    """Ours vs the hand-written statement for the figures of one manager's team."""
    rows = []
    for comparison in scoped_comparisons():
        calls = {"ours": _in_session(engine, comparison.ours, **{
                     p: ids[p] for p in SCOPED_PARAMS[comparison.figure]}),
                 "hand": _in_session(engine, scoped_hand_sql, figure=comparison.figure, **{
                     p: ids[p] for p in SCOPED_HAND_PARAMS[comparison.figure]})}
        rows.append(_row(comparison.figure, time_side_by_side(
            comparison.figure, calls, runs=runs, cold={})))
    return rows


def _row(figure: str, timed: dict[str, Timing]) -> dict:
    ours, hand, naive = timed["ours"], timed["hand"], timed.get("naive")
    return {"figure": figure,
            "ours": asdict(ours), "hand_sql": asdict(hand),
            "naive_orm": asdict(naive) if naive else None,
            "ours_vs_hand": _ratio(ours.median_ms, hand.median_ms),
            "naive_vs_ours": _ratio(naive.median_ms if naive else None, ours.median_ms)}


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None
