"""The scope control on every dashboard, the URL that restores it, My team for someone with
reports, the team comparison, and departed users kept out (AppTest).

Added to the known dataset: Max Manager (manager@example.com, the signed-in manager) manages
Carol Chen, who manages Alice Archer and Bob Baker. Bob sits on Acme's account team only:
Acme has Dana (owned by Alice), Eli (Alice and Bob) and Fay (nobody); Acme Platform ($120,000)
is its open deal; Bob's one task is "Book discovery call" (due in 3 days).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from crm_core.db import make_engine, write_session
from crm_core.models import AccessGrant, User
from tests.app.conftest import OIDC_SECRETS
from tests.app.manage_helpers import id_of
from tests.factories import add_user

DASHBOARDS = ["pages/overview.py", "pages/coverage.py", "pages/meddpicc.py", "pages/tasks.py"]


@pytest.fixture
def org(app_db) -> dict[str, int]:
    engine = make_engine(app_db)
    with write_session(engine) as session:
        max_ = add_user(session, "Max Manager", email="manager@example.com",
                        job_title="VP of Sales")
        ids = {name: id_of(app_db, "user", full) for name, full in (
            ("alice", "Alice Archer"), ("bob", "Bob Baker"), ("carol", "Carol Chen"))}
        ids["max"] = max_.id
        session.execute(update(User).where(User.id == ids["carol"]).values(manager_id=max_.id))
        session.execute(update(User).where(User.id.in_([ids["alice"], ids["bob"]]))
                        .values(manager_id=ids["carol"]))
    engine.dispose()
    return ids


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_someone_with_reports_starts_on_my_team(app_as, org):
    at = app_as("manager", "pages/overview.py")
    assert not at.exception
    control = at.selectbox(key="scope_control")
    assert control.value == f"team:{org['max']}"
    assert control.format_func(control.value) == "My team (Max Manager)"
    assert at.query_params["scope"] == f"team:{org['max']}"


def test_someone_without_reports_starts_on_the_whole_organisation(app_as, org):
    at = app_as("viewer", "pages/overview.py")
    assert at.selectbox(key="scope_control").value == "organisation"
    assert metrics(at)["Open pipeline"] == "$150.0K"


@pytest.mark.parametrize("page, label, expected", [
    ("pages/overview.py", "Open pipeline", "$120.0K"),
    ("pages/coverage.py", "Stakeholders", "3"),
    ("pages/meddpicc.py", "Open opportunities", "1"),
    ("pages/tasks.py", "Open", "1"),
])
def test_a_url_with_a_scope_restores_it_on_each_dashboard(app_as, org, page, label, expected):
    at = app_as("viewer", page, scope=f"person:{org['bob']}")
    assert not at.exception
    assert at.selectbox(key="scope_control").value == f"person:{org['bob']}"
    assert metrics(at)[label] == expected


@pytest.mark.parametrize("page", DASHBOARDS)
def test_the_scope_control_puts_the_chosen_scope_in_the_url(app_as, org, page):
    at = app_as("viewer", page)
    at.selectbox(key="scope_control").set_value(f"person:{org['bob']}").run()
    assert not at.exception
    assert at.query_params["scope"] == f"person:{org['bob']}"
    assert at.selectbox(key="scope_control").value == f"person:{org['bob']}"


def test_the_coverage_section_is_in_the_url_too(app_as, org):
    at = app_as("viewer", "pages/coverage.py", section="single", scope=f"person:{org['bob']}")
    assert at.segmented_control(key="coverage_section").value == "single"
    at.segmented_control(key="coverage_section").set_value("owner_departed").run()
    assert at.query_params["section"] == "owner_departed"


def test_the_team_comparison_shows_each_direct_reports_team(app_as, org):
    at = app_as("viewer", "pages/overview.py", scope=f"team:{org['max']}")
    assert not [d for d in at.dataframe if "team_size" in d.value.columns]  # closed: not run
    at = app_as("viewer", "pages/overview.py", scope=f"team:{org['max']}",
                team_comparison_open="true")
    table = next(d.value for d in at.dataframe if "team_size" in d.value.columns)
    assert list(table["team_size"]) == [3]          # Carol, Alice and Bob
    assert list(table["stakeholders"]) == [5]
    assert list(table["orphaned"]) == [2]            # Fay and Hana
    assert list(table["team"]) == [
        f"/overview?scope=team:{org['carol']}&team_comparison_open=true"]


def test_a_departed_user_sees_that_they_can_no_longer_sign_in(open_app, org, app_db):
    engine = make_engine(app_db)
    with write_session(engine) as session:
        session.add(AccessGrant(email="alice.archer@ourco.example", access_role="manager",
                                granted_by="tests"))
        session.execute(update(User).where(User.id == org["alice"])
                        .values(departed_on=date.today() - timedelta(days=1)))
    engine.dispose()
    at = open_app(user={"is_logged_in": True, "email_verified": True,
                        "email": "alice.archer@ourco.example"},
                  secrets=OIDC_SECRETS)
    assert at.warning[0].value.startswith("Your account is marked as departed")
    assert not at.metric and not at.sidebar.text


def test_a_url_with_filters_restores_them(app_as, org):
    # Globex (Retail) has Gus and Hana.
    at = app_as("viewer", "pages/coverage.py", coverage_industries="Retail")
    assert at.multiselect(key="coverage_industries").value == ["Retail"]
    assert metrics(at)["Stakeholders"] == "2"
    at = app_as("viewer", "pages/meddpicc.py", meddpicc_stages="Qualification")
    assert metrics(at)["Open opportunities"] == "1"     # Globex Pilot


@pytest.mark.parametrize("raw", ["galaxy:1", "person:999"])
def test_a_link_to_a_scope_that_does_not_exist_falls_back_to_the_default(app_as, org, raw):
    at = app_as("manager", "pages/coverage.py", scope=raw)
    assert not at.exception
    assert at.warning[0].value.startswith("The scope in the link does not exist")
    assert at.selectbox(key="scope_control").value == f"team:{org['max']}"


def test_the_user_page_shows_the_reporting_line_and_opens_the_teams_dashboards(app_as, org):
    at = app_as("viewer", "pages/user.py", id=str(org["carol"]))
    assert not at.exception
    texts = [t.value for t in at.text]
    assert "Max Manager" in texts and "No" in texts     # her manager; she has not departed
    links = {str(link.label): link for link in at.get("page_link")}
    assert "Dashboards of their team (2 direct reports)" in links
