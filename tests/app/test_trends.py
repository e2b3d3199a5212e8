"""Trends on the three dashboards, on the known dataset with snapshots written by hand: the
value now, its change against 7 and 30 days ago (green when better), and the trend line with
its gaps."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from streamlit.proto.Metric_pb2 import Metric

from crm_core.db import make_engine, write_session
from crm_core.models import Snapshot, Stakeholder
from crm_core.services.assignment_sets import set_stakeholder_owners
from dashboard.charts.trends import trend_chart
from tests.factories import MANAGER

TODAY = date.today()
GREEN, RED = "GREEN", "RED"
# The known dataset now: 5 stakeholders, 3 owned, 2 orphaned, 2 single-owner, 1 ownership off
# the account team (Gus by Bob at Globex); 2 open deals, both gated, none fully covered,
# $150K at risk ($66K weighted), 1 single-threaded; 1 task overdue, 1 due soon.
NOW = dict(stakeholders=5, owned=3, orphaned=2, orphaned_owner_departed=0, single_owner=2,
           off_account_team=1, open_deals=2, gated_deals=2, fully_covered=0,
           value_at_risk=150_000.0, weighted_value_at_risk=66_000.0, single_threaded=1,
           overdue_tasks=1, due_soon_tasks=1)
# 7 days ago: more orphans, more at risk, one deal fully covered; 30 days ago: fewer orphans.
WEEK_AGO = {**NOW, "owned": 1, "orphaned": 4, "fully_covered": 1, "value_at_risk": 200_000.0,
            "overdue_tasks": 3, "single_threaded": 2}
MONTH_AGO = {**NOW, "stakeholders": 4, "owned": 3, "orphaned": 1, "value_at_risk": 100_000.0}


@pytest.fixture
def history(app_db):
    engine = make_engine(app_db)
    with write_session(engine) as session:
        for days_ago, figures in ((30, MONTH_AGO), (29, MONTH_AGO), (7, WEEK_AGO),
                                  (0, NOW)):  # nothing from 28 to 8 days ago
            session.add(Snapshot(scope="organisation", day=TODAY - timedelta(days=days_ago),
                                 **figures))
    engine.dispose()


def metrics(at) -> dict[str, tuple[str, str, str]]:
    return {m.label: (m.value, m.delta, Metric.MetricColor.Name(m.proto.color))
            for m in at.metric if " days" in m.label}


def test_the_overview_shows_each_figure_with_its_change_in_7_and_30_days(app_as, history):
    at = app_as("viewer", "pages/overview.py", scope="organisation", trends_open="true")
    assert not at.exception
    shown = metrics(at)
    assert shown["Orphaned · 7 days"][:2] == ("2", "-2 in 7 days")
    assert shown["Orphaned · 30 days"][:2] == ("2", "+1 in 30 days")
    assert shown["Ownership coverage · 7 days"][:2] == ("60%", "+40.0 pts in 7 days")
    assert shown["Ownership coverage · 30 days"][:2] == ("60%", "-15.0 pts in 30 days")
    assert shown["Value at risk · 7 days"][:2] == ("$150.0K", "-$50.0K in 7 days")
    assert shown["Fully covered deals · 7 days"][:2] == ("0", "-1 in 7 days")
    assert shown["Overdue tasks · 30 days"][:2] == ("1", "+0 in 30 days")
    # Green when better: down for orphans and value at risk, up for coverage; grey for none.
    assert shown["Orphaned · 7 days"][2] == GREEN
    assert shown["Orphaned · 30 days"][2] == RED
    assert shown["Value at risk · 7 days"][2] == GREEN
    assert shown["Ownership coverage · 7 days"][2] == GREEN
    assert shown["Ownership coverage · 30 days"][2] == RED
    assert shown["Fully covered deals · 7 days"][2] == RED


def test_coverage_and_meddpicc_show_their_own_figures_and_no_delta_without_a_snapshot(
        app_as, history):
    at = app_as("viewer", "pages/coverage.py", scope="organisation", trends_open="true")
    assert not at.exception
    shown = metrics(at)
    assert shown["Off the account team · 7 days"][:2] == ("1", "+0 in 7 days")
    assert shown["Single owner · 30 days"][:2] == ("2", "+0 in 30 days")
    at = app_as("viewer", "pages/meddpicc.py", scope="organisation", trends_open="true")
    assert not at.exception
    shown = metrics(at)
    assert shown["Single-threaded deals · 7 days"][:2] == ("1", "-1 in 7 days")
    assert shown["Weighted at risk · 30 days"][:2] == ("$66.0K", "+$0 in 30 days")
    # A region with no snapshot: the values now, no change, no line.
    at = app_as("viewer", "pages/meddpicc.py", scope="person:1", trends_open="true")
    assert not at.exception
    assert all(m.delta in (None, "") for m in at.metric if " days" in m.label)
    assert any("No snapshot of this scope yet" in c.value for c in at.caption)


def test_the_trend_line_breaks_where_a_day_has_no_snapshot():
    import pandas as pd

    trend = pd.DataFrame({"day": pd.to_datetime([TODAY - timedelta(days=d)
                                                 for d in (30, 29, 7, 0)]),
                          "orphaned": [1, 1, 4, 2]})
    spec = trend_chart(trend, "orphaned", label="Orphaned").to_dict()
    (rows,) = spec["datasets"].values()
    # Three runs of consecutive days, each its own line: nothing drawn across the gaps.
    assert [(r["value"], r["segment"]) for r in rows] == [(1, 0), (1, 0), (4, 1), (2, 2)]
    line = spec["layer"][0]
    assert line["mark"]["type"] == "line" and line["encoding"]["detail"]["field"] == "segment"


def test_what_changed_lists_a_relationship_orphaned_today_with_links_to_it_and_its_history(
        app_as, app_db):
    engine = make_engine(app_db)
    with write_session(engine) as session:
        eli = session.scalar(select(Stakeholder.id).where(Stakeholder.name == "Eli Evans"))
        set_stakeholder_owners(session, actor=MANAGER, stakeholder_id=eli, user_ids=[])
    engine.dispose()
    at = app_as("viewer", "pages/coverage.py", scope="organisation", what_changed_open="true")
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    orphaned = next(t for t in tables if "cause" in t.columns)
    # Both owners went in one save; the list names the stakeholder once, with the change.
    assert orphaned["cause"].tolist() == ["owner removed"]
    assert orphaned["stakeholder"].tolist() == [f"/stakeholder?id={eli}&name=Eli+Evans"]
    assert orphaned["history"].tolist() == [f"/history?entity_type=stakeholder&entity_id={eli}"]
    # Eli is the technical buyer of Acme Platform, whose solution stage requires one: a gap.
    gaps = next(t for t in tables if "role" in t.columns)
    assert gaps[["role", "change", "action"]].values.tolist() == [
        ["Technical buyer", "opened", "owner.removed"]]
    assert "No handoff in the period." in [c.value for c in at.caption]
