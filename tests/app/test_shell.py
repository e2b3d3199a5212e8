"""The app shell: every registered page of every role runs; the role decides what is reachable."""

import pytest

from crm_core.access import ROLE_PERMISSIONS, Permission
from dashboard.navigation import PAGES

NOT_REGISTERED = "Could not find a navigation page"


@pytest.mark.parametrize("role", ["viewer", "manager", "admin"])
def test_every_page_a_role_may_open_runs_without_exception(app_as, role):
    allowed = [p for p in PAGES if p.permission in ROLE_PERMISSIONS[role]]
    at = app_as(role)
    assert not at.exception
    for spec in allowed:
        at.switch_page(spec.script).run()
        assert not at.exception, f"{spec.script} raised for {role}: {at.exception}"
        assert at.title[0].value == spec.title, f"{spec.script} shows {at.title[0].value!r}"


@pytest.mark.parametrize(("role", "permission"), [
    ("viewer", Permission.EDIT), ("viewer", Permission.ADMINISTER),
    ("manager", Permission.ADMINISTER)])
def test_a_role_cannot_switch_to_a_page_its_access_role_does_not_allow(app_as, role, permission):
    forbidden = [p for p in PAGES if p.permission == permission]
    at = app_as(role)
    for spec in forbidden:
        # The page is not registered with st.navigation for this role, so there is no such page.
        with pytest.raises(ValueError, match=NOT_REGISTERED):
            at.switch_page(spec.script)


def test_a_viewer_cannot_reach_the_access_page(app_as):
    at = app_as("viewer")
    with pytest.raises(ValueError, match=NOT_REGISTERED):
        at.switch_page("pages/access.py")
    assert at.title[0].value == "Overview"


def test_the_admin_reaches_the_access_page(app_as):
    at = app_as("admin", page="pages/access.py")
    assert not at.exception
    assert at.title[0].value == "Access"


def test_the_sidebar_says_who_is_signed_in_with_which_access_role(app_as):
    at = app_as("manager")
    assert at.sidebar.text[0].value == "Manager\nManager access"
    assert [b.label for b in at.sidebar.button] == ["Sign out"]


def test_the_overview_is_the_home_page(app_as):
    at = app_as("viewer")
    assert at.title[0].value == "Overview"


def test_with_the_shipped_error_setting_a_failure_shows_a_generic_box_without_details(
        app_as, monkeypatch):
    from streamlit import config

    import crm_core.queries.overview

    def broken(session):
        raise RuntimeError("password=hunter2 in postgresql://crm@db")

    monkeypatch.setattr(crm_core.queries.overview, "open_pipeline", broken)
    config.set_option("client.showErrorDetails", "none")  # as in .streamlit/config.toml
    at = app_as("viewer")
    (box,) = at.exception
    assert box.message.startswith("This app has encountered an error.")
    assert "hunter2" not in str(box.proto) and "RuntimeError" not in str(box.proto)
