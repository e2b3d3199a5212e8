"""Snapshots on the hand-built organisation: a snapshot equals the live figures, written by hand
here; a day is taken once and never rewritten; a trend keeps its gaps."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm_core.data_areas import data_versions
from crm_core.db import read_session, write_session
from crm_core.models import Snapshot
from crm_core.queries.coverage import coverage_summary
from crm_core.queries.meddpicc import gap_summaries_by_scope, gap_summary
from crm_core.queries.owner_load import off_account_team_owners
from crm_core.queries.scope_rollups import coverage_by_scope
from crm_core.queries.trends import change_since, scope_trend
from crm_core.snapshots import live_figures, snapshot_scopes, take_snapshots
from dashboard.snapshot_job import snapshot_today_in_background
from tests.factories import add_stakeholder
from tests.integration.team_dataset import build_team_world

TODAY = date.today()


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_team_world(session)


def stored(engine, scope: str, day: date = TODAY) -> dict:
    with read_session(engine) as session:
        row = session.get(Snapshot, (scope, day))
        return {c: getattr(row, c) for c in (
            "stakeholders", "owned", "orphaned", "orphaned_owner_departed", "single_owner",
            "off_account_team", "open_deals", "gated_deals", "fully_covered", "value_at_risk",
            "weighted_value_at_risk", "single_threaded", "overdue_tasks", "due_soon_tasks")}


def test_the_scopes_are_the_organisation_each_region_and_each_managers_team(engine, world):
    with read_session(engine) as session:
        scopes = snapshot_scopes(session)
    w = world
    assert scopes == ["organisation", f"region:{w.west.id}", f"region:{w.east.id}",
                      *(f"team:{m.id}" for m in (w.vp, w.dora, w.mia, w.eve))]


def test_a_snapshot_holds_the_live_figures_of_its_scope(engine, world):
    assert take_snapshots(engine, day=TODAY) == 7
    # Mia's team (Mia, Ray, Gus who departed): Acme through Ray; the Acme and Core deals.
    assert stored(engine, f"team:{world.mia.id}") == {
        "stakeholders": 4, "owned": 2, "orphaned": 2, "orphaned_owner_departed": 1,
        "single_owner": 2, "off_account_team": 3, "open_deals": 2, "gated_deals": 2,
        "fully_covered": 0, "value_at_risk": 500.0, "weighted_value_at_risk": 100.0,
        "single_threaded": 2, "overdue_tasks": 1, "due_soon_tasks": 1}
    assert stored(engine, "organisation") == {
        "stakeholders": 7, "owned": 3, "orphaned": 4, "orphaned_owner_departed": 1,
        "single_owner": 3, "off_account_team": 3, "open_deals": 3, "gated_deals": 3,
        "fully_covered": 0, "value_at_risk": 700.0, "weighted_value_at_risk": 140.0,
        "single_threaded": 3, "overdue_tasks": 2, "due_soon_tasks": 1}
    # And each equals what the live queries answer now, scope by scope.
    with read_session(engine) as session:
        for scope in snapshot_scopes(session):
            assert stored(engine, scope) == live_figures(session, scope=scope, today=TODAY)


def test_a_days_snapshot_is_taken_once_and_never_rewritten(engine, world):
    assert take_snapshots(engine, day=TODAY) == 7
    with write_session(engine) as session:
        add_stakeholder(session, world.acme, "Newcomer")
    assert take_snapshots(engine, day=TODAY) == 0
    assert stored(engine, "organisation")["stakeholders"] == 7
    with read_session(engine) as session:
        assert len(session.scalars(select(Snapshot)).all()) == 7
    # The next day is a new row with the new figures.
    tomorrow = TODAY + timedelta(days=1)
    assert take_snapshots(engine, day=tomorrow, scopes=["organisation"]) == 1
    assert stored(engine, "organisation", tomorrow)["stakeholders"] == 8


def test_taking_snapshots_bumps_the_snapshots_version_and_no_other(engine, world):
    with read_session(engine) as session:
        before = data_versions(session)
    take_snapshots(engine, day=TODAY)
    take_snapshots(engine, day=TODAY)  # nothing new: no bump
    with read_session(engine) as session:
        after = data_versions(session)
    assert after == {**before, "snapshots": before["snapshots"] + 1}


def test_a_trend_keeps_missing_days_missing_and_changes_need_both_days(engine, world):
    for days_ago in (30, 8, 0):  # nothing 7 days ago
        take_snapshots(engine, day=TODAY - timedelta(days=days_ago), scopes=["organisation"])
    with read_session(engine) as session:
        trend = scope_trend(session, scope="organisation", today=TODAY, days=365)
    assert [d.date() for d in trend["day"]] == [TODAY - timedelta(days=30),
                                                TODAY - timedelta(days=8), TODAY]
    assert trend["owned_share"].tolist() == [3 / 7] * 3
    assert change_since(trend, "orphaned", now=6, today=TODAY, days=30) == 2  # 4 then
    assert change_since(trend, "orphaned", now=6, today=TODAY, days=7) is None


def test_the_gaps_of_many_scopes_at_once_equal_each_scopes_own(engine, world):
    with read_session(engine) as session:
        scopes = [*snapshot_scopes(session), f"person:{world.sol.id}", f"person:{world.vp.id}"]
        together = gap_summaries_by_scope(session, scopes=scopes)
        assert together == {s: gap_summary(session, scope=s) for s in scopes}
    assert together[f"person:{world.sol.id}"].open_opportunities == 1  # Core, on its team
    assert together[f"person:{world.vp.id}"].open_opportunities == 0  # on no team at all


def test_the_first_dashboard_of_the_day_takes_the_snapshots_once_in_the_background(engine,
                                                                                  world):
    thread = snapshot_today_in_background(engine)
    assert thread is not None
    thread.join(timeout=60)
    assert snapshot_today_in_background(engine) is None  # this process already did today
    with read_session(engine) as session:
        assert len(session.scalars(select(Snapshot).where(Snapshot.day == TODAY)).all()) == 7


def test_two_writers_taking_the_same_day_at_once_leave_one_row_per_scope(engine, world):
    with ThreadPoolExecutor(max_workers=2) as pool:
        added = list(pool.map(lambda _: take_snapshots(engine, day=TODAY), range(2)))
    assert sum(added) == 7  # each scope counted by the writer whose row stands
    with read_session(engine) as session:
        assert len(session.scalars(select(Snapshot)).all()) == 7


def test_the_ownership_figures_of_many_scopes_at_once_equal_each_scopes_own(engine, world):
    with read_session(engine) as session:
        scopes = [*snapshot_scopes(session), f"person:{world.sol.id}", f"person:{world.vp.id}"]
        together = coverage_by_scope(session, scopes=scopes)
        for scope in scopes:
            off = off_account_team_owners(session, limit=0, scope=scope).total
            assert together[scope] == (coverage_summary(session, scope=scope), off), scope
    # Sol alone: Core and its one orphan; Vic is on no account team.
    assert together[f"person:{world.sol.id}"][0].stakeholders == 1
    assert together[f"person:{world.vp.id}"][0].stakeholders == 0
