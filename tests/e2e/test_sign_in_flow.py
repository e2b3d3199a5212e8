"""The real sign-in flow in Chromium: st.login against a local OpenID Connect provider
(oidc-provider-mock on 127.0.0.1), then back in the app as that person with their access role."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from crm_core.db import make_engine, write_session
from crm_core.models import AccessGrant
from tests.app.dataset import build_known_dataset
from tests.e2e.conftest import free_port, start_streamlit, wait_until_idle

MANAGER_EMAIL = "mia.manager@example.com"
PROVIDER_USERS = [{"sub": "mia", "email": MANAGER_EMAIL, "name": "Mia Manager"}]
GATE_TITLE = "Relationship & MEDDPICC coverage"

pytestmark = pytest.mark.e2e


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID Connect provider exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {timeout}s")


@pytest.fixture
def oidc_provider(tmp_path) -> Iterator[str]:
    """Base URL of a local OpenID Connect provider that knows Mia (and accepts any subject)."""
    port = free_port()
    arguments = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1",
                 "--port", str(port)]
    for user in PROVIDER_USERS:
        arguments += ["--user-claims", json.dumps(user)]
    log = open(tmp_path / "oidc.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(arguments, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base_url}/.well-known/openid-configuration", process)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture
def signed_in_app(tmp_path, sqlite_template, oidc_provider) -> Iterator[str]:
    """The app with [auth] pointing at the local provider; Mia holds a manager grant."""
    db_path = tmp_path / "crm.db"
    shutil.copy(sqlite_template, db_path)
    url = f"sqlite:///{db_path}"
    engine = make_engine(url)
    with write_session(engine) as session:
        build_known_dataset(session)
        session.add(AccessGrant(email=MANAGER_EMAIL, access_role="manager", granted_by="tests"))
    engine.dispose()
    secrets = "\n".join([
        "[auth]",
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"',
        'cookie_secret = "e2e-cookie-secret-that-is-long-enough-1234567890"',
        'client_id = "crm-e2e"',
        'client_secret = "crm-e2e-secret"',
        f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"',
    ])
    process, base_url = start_streamlit(url, tmp_path / "streamlit.log", secrets=secrets)
    yield base_url
    process.terminate()
    process.wait(timeout=20)


def _heading(page) -> str:
    return page.locator("h1").first.inner_text()


def _sign_in_at_the_provider(page, *, predefined: str | None = None,
                             subject: str | None = None) -> None:
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Authorize Client")
    if predefined:
        page.get_by_role("button", name=predefined, exact=True).click()
    else:
        page.fill("input[name=sub]", subject)
        page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(lambda url: url.startswith("http://127.0.0.1") and "oauth2" not in url)
    wait_until_idle(page)


def test_signing_in_brings_a_person_back_with_their_access_role(page, signed_in_app, tmp_path):
    # The very first request of the server asks for an admin page directly: the gate answers.
    page.goto(f"{signed_in_app}/access")
    wait_until_idle(page)
    assert _heading(page) == GATE_TITLE
    assert page.get_by_text("Sign in to see the dashboards.").is_visible()
    assert page.locator('[data-testid="stMetric"]').count() == 0
    page.screenshot(path=str(tmp_path / "signed_out.png"), full_page=True)

    _sign_in_at_the_provider(page, predefined="mia")
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
    _sign_in_at_the_provider(page, subject="nora.new@example.com")
    assert _heading(page) == GATE_TITLE
    assert page.get_by_text("You have no access to this app yet. Ask an admin").is_visible()
    assert page.get_by_text("nora.new@example.com").is_visible()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    page.screenshot(path=str(tmp_path / "no_access.png"), full_page=True)

