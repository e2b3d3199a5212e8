"""The real sign-in flow in Chromium: st.login against a local OpenID Connect provider
(oidc-provider-mock on 127.0.0.1), then back in the app as that person with their access role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import wait_until_idle
from tests.e2e.oidc import app_signing_in_with, oidc_provider, sign_in_at_the_provider

MANAGER_EMAIL = "mia.manager@example.com"
PROVIDER_USERS = [
    {"sub": "mia", "email": MANAGER_EMAIL, "email_verified": True, "name": "Mia Manager"},
    {"sub": "nora", "email": "nora.new@example.com", "email_verified": True},
]
GATE_TITLE = "Relationship & MEDDPICC coverage"

pytestmark = pytest.mark.e2e


@pytest.fixture
def signed_in_app(tmp_path, sqlite_template) -> Iterator[str]:
    """The app with [auth] pointing at a local provider; Mia holds a manager grant."""
    with oidc_provider(tmp_path, PROVIDER_USERS) as provider, app_signing_in_with(
            tmp_path, sqlite_template, provider, grants={MANAGER_EMAIL: "manager"}) as app:
        yield app


def _heading(page) -> str:
    return page.locator("h1").first.inner_text()


def test_signing_in_brings_a_person_back_with_their_access_role(page, signed_in_app, tmp_path):
    # The very first request of the server asks for an admin page directly: the gate answers.
    page.goto(f"{signed_in_app}/access")
    wait_until_idle(page)
    assert _heading(page) == GATE_TITLE
    assert page.get_by_text("Sign in to see the dashboards.").is_visible()
    assert page.locator('[data-testid="stMetric"]').count() == 0
    page.screenshot(path=str(tmp_path / "signed_out.png"), full_page=True)

    sign_in_at_the_provider(page, predefined="mia")
    assert _heading(page) == "Overview"
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "Mia Manager" in sidebar.inner_text()
    assert "Manager access" in sidebar.inner_text()
    assert sidebar.get_by_role("link", name="Access").count() == 0
    page.screenshot(path=str(tmp_path / "signed_in.png"), full_page=True)

    # A manager has no Access page: the URL says so and runs the overview instead.
    page.goto(f"{signed_in_app}/access")
    wait_until_idle(page)
    dialog = page.get_by_role("dialog")
    assert "Page not found" in dialog.inner_text()
    page.screenshot(path=str(tmp_path / "manager_on_access.png"), full_page=True)
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert _heading(page) == "Overview"

    # Signing out also ends the session at the provider, which asks to confirm.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()
    page.wait_for_selector("text=Sign in to see the dashboards.")
    assert _heading(page) == GATE_TITLE


def test_a_person_without_a_grant_is_asked_to_get_access_from_an_admin(page, signed_in_app,
                                                                       tmp_path):
    page.goto(signed_in_app)
    wait_until_idle(page)
    sign_in_at_the_provider(page, predefined="nora")
    assert _heading(page) == GATE_TITLE
    assert page.get_by_text("You have no access to this app yet. Ask an admin").is_visible()
    assert page.get_by_text("nora.new@example.com").is_visible()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    page.screenshot(path=str(tmp_path / "no_access.png"), full_page=True)

