"""The admin Settings page: the stage × MEDDPICC role grid of required roles."""

from __future__ import annotations

import pytest

from crm_core.db import make_engine, write_session
from crm_core.services.settings import set_stale_after_days
from dashboard.navigation import PAGES
from tests.app.manage_helpers import texts
from tests.factories import ADMIN

PAGE = "pages/settings.py"


@pytest.mark.parametrize("role", ["viewer", "manager"])
def test_the_settings_page_is_for_admins_only(app_as, role):
    assert PAGE in [spec.script for spec in PAGES]
    at = app_as(role)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)


def test_the_grid_shows_the_default_required_roles(app_as):
    at = app_as("admin", PAGE)
    assert not at.exception
    assert at.title[0].value == "Settings"
    assert at.checkbox(key="required_qualification_economic_buyer").value is True
    assert at.checkbox(key="required_qualification_decision_maker").value is False
    assert at.checkbox(key="required_negotiation_gatekeeper").value is True
    assert at.checkbox(key="required_prospecting_champion").value is False


def test_an_admin_changes_the_grid_and_the_meddpicc_screen_follows(app_as):
    at = app_as("admin", PAGE)
    # Solution then requires only the economic buyer and champion that Acme Platform lacks one of.
    at.checkbox(key="required_solution_decision_maker").uncheck()
    at.checkbox(key="required_solution_technical_buyer").uncheck()
    at.checkbox(key="required_solution_champion").uncheck()
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert texts(at.success) == ["Saved the required roles of Solution."]
    assert at.checkbox(key="required_solution_champion").value is False
    history = next(d.value for d in at.dataframe if "summary" in d.value.columns)
    assert history["summary"].iloc[0] == "Solution now requires Economic buyer"
    at.switch_page("pages/meddpicc.py").run()
    gaps = next(d.value for d in at.dataframe if "gaps" in d.value.columns)
    # Acme Platform's economic buyer is owned by its team but nobody has touched her: stale.
    assert sorted(gaps["gaps"]) == ["economic buyer owned but stale",
                                    "no economic buyer; champion owned off the deal team"]


def test_an_admin_sets_the_stale_threshold(app_as):
    at = app_as("admin", PAGE)
    assert at.number_input(key="stale_days").value == 90
    at.number_input(key="stale_days").set_value(30)
    next(b for b in at.button if b.label == "Save threshold").click().run()
    assert not at.exception
    # The banner escapes markdown: compare its plain words.
    assert "A relationship is now stale after 30 days without a touch." in [
        s.value.replace("\\", "") for s in at.success]
    assert at.number_input(key="stale_days").value == 30
    history = next(d.value for d in at.dataframe if "summary" in d.value.columns)
    assert history["summary"].iloc[0] == (
        "A relationship is now stale after 30 days without a touch")


def test_a_stale_threshold_form_is_refused_and_keeps_what_was_typed(app_as, app_db):
    at = app_as("admin", PAGE)
    engine = make_engine(app_db)
    with write_session(engine) as session:  # another admin, meanwhile
        set_stale_after_days(session, actor=ADMIN, days=60, shown_days=90)
    engine.dispose()
    at.number_input(key="stale_days").set_value(30)
    next(b for b in at.button if b.label == "Save threshold").click().run()
    assert not at.exception
    assert any("changed the stale threshold to 60 days" in e.value for e in at.error)
    assert at.number_input(key="stale_days").value == 30
