"""Trends and What changed on the three dashboards in a real Chromium, over the known dataset
with snapshots of 30 and 7 days ago (today's is taken by the app itself in the background)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm_core.models import Snapshot
from tests.e2e.conftest import assert_no_exception, known_dataset_url, start_streamlit

# The known dataset's figures (tests/app/test_trends.py), with 4 orphans 7 days ago.
FIGURES = dict(stakeholders=5, owned=3, orphaned=2, orphaned_owner_departed=0, single_owner=2,
               off_account_team=1, open_deals=2, gated_deals=2, fully_covered=0,
               value_at_risk=150_000.0, weighted_value_at_risk=66_000.0, single_threaded=1,
               overdue_tasks=1, due_soon_tasks=1)


def _history(session) -> None:
    today = date.today()
    session.add(Snapshot(scope="organisation", day=today - timedelta(days=30), **FIGURES))
    session.add(Snapshot(scope="organisation", day=today - timedelta(days=7),
                         **{**FIGURES, "owned": 1, "orphaned": 4}))


@pytest.fixture
def trends_app(tmp_path, sqlite_template):
    url = known_dataset_url(tmp_path, sqlite_template, add=_history)
    process, base_url = start_streamlit(url, tmp_path / "streamlit.log")
    yield base_url
    process.terminate()
    process.wait(timeout=20)


def _metric(page, label: str):
    return page.locator('[data-testid="stMetric"]').filter(has_text=label).first


@pytest.mark.parametrize("path, figure, delta", [
    ("/overview", "Orphaned · 7 days", "-2 in 7 days"),
    ("/coverage", "Orphaned · 7 days", "-2 in 7 days"),
    ("/meddpicc", "Single-threaded deals · 30 days", "+0 in 30 days"),
])
def test_each_dashboard_shows_trends_with_their_changes_and_lines(page, trends_app, tmp_path,
                                                                 path, figure, delta):
    page.goto(f"{trends_app}{path}?scope=organisation&trends_open=true")
    metric = _metric(page, figure)
    metric.locator('[data-testid="stMetricDelta"]').filter(has_text=delta).wait_for()
    trends = page.locator('[data-testid="stExpander"]').filter(has_text="Trends").first
    # Five figures, each with its line (charts mount after the script has finished).
    trends.locator('[data-testid="stVegaLiteChart"]').nth(4).wait_for()
    assert trends.locator('[data-testid="stVegaLiteChart"]').count() == 5
    assert_no_exception(page, trends_app)
    page.screenshot(path=str(tmp_path / f"trends{path.replace('/', '_')}.png"), full_page=True)


def test_what_changed_opens_from_its_link(page, trends_app):
    page.goto(f"{trends_app}/overview?scope=organisation&what_changed_open=true")
    page.get_by_text("No relationship was orphaned in the period.").wait_for()
    page.get_by_text("No handoff in the period.").wait_for()
    assert_no_exception(page, trends_app)
