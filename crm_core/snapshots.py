"""Daily snapshots of every scope's headline figures, taken by the very queries the screens run.

    python -m crm_core.snapshots            # today's snapshots of every scope (run daily)
    python -m crm_core.snapshots --day 2026-12-01

Idempotent per day: a (scope, day) already taken is skipped and never rewritten, so two runs
(cron and the app, two app processes) can race and the first one's rows stand.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crm_core.data_areas import note_writes
from crm_core.db import database_url, make_engine, read_session, write_session
from crm_core.models import Region, Snapshot, User
from crm_core.queries.coverage import CoverageSummary, coverage_summary
from crm_core.queries.meddpicc import GapSummary, gap_summaries_by_scope, gap_summary
from crm_core.queries.owner_load import off_account_team_owners
from crm_core.queries.scope import WHOLE
from crm_core.queries.scope_rollups import coverage_by_scope
from crm_core.queries.tasks import TaskCounts, task_counts

FIGURES = ("stakeholders", "owned", "orphaned", "orphaned_owner_departed", "single_owner",
           "off_account_team", "open_deals", "gated_deals", "fully_covered", "value_at_risk",
           "weighted_value_at_risk", "single_threaded", "overdue_tasks", "due_soon_tasks")


def live_figures(session: Session, *, scope: str, today: date,
                 gaps: GapSummary | None = None, coverage: CoverageSummary | None = None,
                 off_account_team: int | None = None) -> dict[str, int | float]:
    """The scope's headline figures now, from the queries Overview, Coverage and MEDDPICC show
    (the answers given were computed for many scopes at once, by the same rules)."""
    if off_account_team is None:
        off_account_team = off_account_team_owners(session, limit=0, scope=scope).total
    return figures_from(
        coverage=coverage or coverage_summary(session, scope=scope),
        gaps=gaps or gap_summary(session, scope=scope),
        tasks=task_counts(session, today=today, scope=scope),
        off_account_team=off_account_team)


def figures_from(*, coverage: CoverageSummary | None = None, gaps: GapSummary | None = None,
                 tasks: TaskCounts | None = None,
                 off_account_team: int | None = None) -> dict[str, int | float]:
    """The snapshot's figures named as in FIGURES, from the live answers given."""
    figures: dict[str, int | float] = {}
    if coverage is not None:
        figures.update(stakeholders=coverage.stakeholders, owned=coverage.owned,
                       orphaned=coverage.orphaned,
                       orphaned_owner_departed=coverage.orphaned_owner_departed,
                       single_owner=coverage.single_owner)
    if off_account_team is not None:
        figures["off_account_team"] = off_account_team
    if gaps is not None:
        figures.update(open_deals=gaps.open_opportunities, gated_deals=gaps.gated,
                       fully_covered=gaps.fully_covered, value_at_risk=gaps.value_at_risk,
                       weighted_value_at_risk=gaps.weighted_value_at_risk,
                       single_threaded=gaps.single_threaded)
    if tasks is not None:
        figures.update(overdue_tasks=tasks.overdue, due_soon_tasks=tasks.due_soon)
    return figures


def snapshot_scopes(session: Session) -> list[str]:
    """The scopes a snapshot covers: the organisation, each region, each manager's team.
    (One person's figures are read live: there are too many people to photograph daily.)"""
    region_ids = session.scalars(select(Region.id).order_by(Region.id))
    manager_ids = session.scalars(select(User.manager_id).where(User.manager_id.is_not(None))
                                  .distinct().order_by(User.manager_id))
    return [WHOLE, *(f"region:{i}" for i in region_ids), *(f"team:{i}" for i in manager_ids)]


def taken_scopes(session: Session, *, day: date) -> set[str]:
    """The scopes whose snapshot of that day exists."""
    return set(session.scalars(select(Snapshot.scope).where(Snapshot.day == day)))


def has_snapshot(session: Session, *, day: date) -> bool:
    """Whether the organisation's snapshot of that day exists (one primary-key lookup)."""
    return session.scalar(select(func.count()).where(Snapshot.scope == WHOLE,
                                                     Snapshot.day == day)) == 1


def insert_if_absent(session: Session, rows: list[dict]) -> int:
    """Insert snapshot rows, leaving any (scope, day) already there as it is; returns how many
    this call inserted (a concurrent writer's rows are not counted)."""
    if not rows:
        return 0
    dialects = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
    statement = (dialects[session.get_bind().dialect.name](Snapshot)
                 .on_conflict_do_nothing(index_elements=["scope", "day"])
                 .returning(Snapshot.scope))
    added = len(session.execute(statement, rows).all())
    if added:
        # Trends are cached by the snapshots' version: today's point shows once it is taken.
        note_writes(session, ["snapshot.taken"])
    return added


def take_snapshots(engine: Engine, *, day: date | None = None,
                   scopes: Iterable[str] | None = None) -> int:
    """Take the day's snapshot of every scope (default: all of snapshot_scopes) not taken yet;
    returns how many rows this call added."""
    day = day or date.today()
    with read_session(engine) as session:
        wanted = list(scopes) if scopes is not None else snapshot_scopes(session)
        missing = [s for s in wanted if s not in taken_scopes(session, day=day)]
        # One pass over the deals' gaps, and one over the ownerships, serves every scope.
        gaps = gap_summaries_by_scope(session, scopes=missing) if missing else {}
        coverage = coverage_by_scope(session, scopes=missing) if missing else {}

    def figures(scope: str) -> dict:
        with read_session(engine) as session:
            return {"scope": scope, "day": day, "synthetic": False,
                    **live_figures(session, scope=scope, today=day, gaps=gaps[scope],
                                   coverage=coverage[scope][0],
                                   off_account_team=coverage[scope][1])}

    # The database works without holding the GIL: scopes side by side use the machine's cores.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        rows = list(pool.map(figures, missing))
    with write_session(engine) as session:
        return insert_if_absent(session, rows)


def main(argv: list[str] | None = None) -> int:
    """Command line: take the day's snapshots in the configured database."""
    parser = argparse.ArgumentParser(description="Take today's snapshot of the headline figures "
                                     "of every scope (organisation, regions, teams) in the "
                                     "configured database (CRM_DATABASE_URL). Run once a day; "
                                     "a snapshot already taken is left as it is.")
    parser.add_argument("--day", type=date.fromisoformat, default=None,
                        help="The day to record (YYYY-MM-DD; default today).")
    args = parser.parse_args(argv)
    engine = make_engine(database_url())
    started = time.perf_counter()
    added = take_snapshots(engine, day=args.day)
    print(f"{added} snapshot(s) taken for {args.day or date.today()} in "
          f"{time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
