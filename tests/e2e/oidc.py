"""A local OpenID Connect provider (oidc-provider-mock) for browser tests, and the app served
with [auth] pointing at it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crm_core.models import AccessGrant
from tests.e2e.conftest import free_port, known_dataset_url, start_streamlit, wait_until_idle


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


@contextmanager
def oidc_provider(folder: Path, users: list[dict]) -> Iterator[str]:
    """Base URL of a local provider that knows these users (claims with "sub"), and any other
    subject typed in its form."""
    port = free_port()
    arguments = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1",
                 "--port", str(port)]
    for user in users:
        arguments += ["--user-claims", json.dumps(user)]
    log = open(folder / f"oidc-{port}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(arguments, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base_url}/.well-known/openid-configuration", process)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@contextmanager
def app_signing_in_with(folder: Path, template: str, provider_url: str, *,
                        grants: dict[str, str], provider_settings: str = "") -> Iterator[str]:
    """The app with [auth] pointing at the provider, these grants {email: access role}, and
    extra lines for the [auth] section (e.g. `verifies_emails = true`)."""
    url = known_dataset_url(folder, template, lambda session: session.add_all(
        [AccessGrant(email=email, access_role=role, granted_by="tests")
         for email, role in grants.items()]))
    secrets = "\n".join([
        "[auth]",
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"',
        'cookie_secret = "e2e-cookie-secret-that-is-long-enough-1234567890"',
        'client_id = "crm-e2e"',
        'client_secret = "crm-e2e-secret"',
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"',
        provider_settings,
    ])
    process, base_url = start_streamlit(url, folder / "streamlit.log", secrets=secrets)
    try:
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=20)


def sign_in_at_the_provider(page, *, predefined: str | None = None,
                            subject: str | None = None) -> None:
    """Click Sign in, choose a predefined user (or type a subject) at the provider, come back."""
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Authorize Client")
    if predefined:
        page.get_by_role("button", name=predefined, exact=True).click()
    else:
        page.fill("input[name=sub]", subject)
        page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(lambda url: url.startswith("http://127.0.0.1") and "oauth2" not in url)
    wait_until_idle(page)
