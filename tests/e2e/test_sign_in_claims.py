"""Which emails a sign-in proves, through a real provider (oidc-provider-mock) and Chromium:
only `email_verified: true` (the boolean), or any email of a provider an admin marked as
verifying emails; never an address that only Unicode case folding turns into a granted one."""

from __future__ import annotations

import pytest

from tests.e2e.oidc import app_signing_in_with, oidc_provider, sign_in_at_the_provider

ADMIN = "ada.admin@example.com"
KATE = "kate@example.com"
USERS = [
    {"sub": "verified", "email": ADMIN, "email_verified": True, "name": "Ada"},
    {"sub": "string-false", "email": ADMIN, "email_verified": "false", "name": "Mallory"},
    {"sub": "string-true", "email": ADMIN, "email_verified": "true", "name": "Mallory"},
    {"sub": "no-claim", "email": ADMIN, "name": "Mallory"},
    # U+212A KELVIN SIGN lower-cases to a plain "k": "kate@example.com".
    {"sub": "kelvin", "email": "\u212aate@example.com", "email_verified": True, "name": "Kelvin"},
]
GRANTS = {ADMIN: "admin", KATE: "manager"}
UNVERIFIED = "Your sign-in provider did not share a verified email address this app can use"

pytestmark = pytest.mark.e2e


def _sidebar(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


@pytest.mark.parametrize(("subject", "admitted"), [
    ("verified", True), ("string-false", False), ("string-true", False), ("no-claim", False),
    ("kelvin", False)])
def test_only_a_verified_ascii_email_gets_its_grant(page, tmp_path, sqlite_template, subject,
                                                     admitted):
    with oidc_provider(tmp_path, USERS) as provider, app_signing_in_with(
            tmp_path, sqlite_template, provider, grants=GRANTS) as app:
        page.goto(app)
        sign_in_at_the_provider(page, predefined=subject)
        if admitted:
            assert "Admin access" in _sidebar(page)
        else:
            assert page.get_by_text(UNVERIFIED).is_visible()
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0
            assert page.locator('[data-testid="stMetric"]').count() == 0


def test_a_provider_marked_as_verifying_emails_is_trusted_without_the_claim(
        page, tmp_path, sqlite_template):
    with oidc_provider(tmp_path, USERS) as provider, app_signing_in_with(
            tmp_path, sqlite_template, provider, grants=GRANTS,
            provider_settings="verifies_emails = true") as app:
        page.goto(app)
        sign_in_at_the_provider(page, predefined="no-claim")
        assert "Admin access" in _sidebar(page)
        assert "Mallory" in _sidebar(page)
