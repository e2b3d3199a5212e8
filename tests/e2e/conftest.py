"""Browser end-to-end harness: `streamlit run app.py` (Home.py with the response headers of
production) on a free port against a temporary
SQLite database holding the known dataset, driven by Debian's Chromium through Playwright.

Without [auth] configured and served on 127.0.0.1, the browser is the local admin.
Use `open_page(page, "/coverage")`: it navigates, waits until the script has finished, fails on
any exception box, and saves a screenshot under the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bench.serve import CHROMIUM, CHROMIUM_ARGS, IDLE, free_port, wait_for_health
from crm_core.db import make_engine, write_session
from tests.app.dataset import build_known_dataset

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


SERVER_LOGS: dict[str, Path] = {}  # base URL -> that server's log (tracebacks end up there)


def start_streamlit(database_url: str, log_path: Path, *, extra_env: dict | None = None,
                    cwd: Path = ROOT, secrets: str = "",
                    port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on a free loopback port; return (process, base URL).

    `secrets` is the whole secrets.toml of this server (default: none, so sign-in is off and
    a developer's own .streamlit/secrets.toml is never read). The project's
    .streamlit/config.toml applies, as in production.
    """
    port = port or free_port()
    secrets_path = log_path.with_name(f"secrets-{port}.toml")
    secrets_path.write_text(secrets or "# sign-in off\n")
    env = {**os.environ, "CRM_DATABASE_URL": database_url}
    env.pop("CRM_ADMIN_EMAILS", None)  # bootstrap admins only when a test asks for them
    env.update(extra_env or {})
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets_path)],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    SERVER_LOGS[base_url] = log_path
    try:
        wait_for_health(base_url, process)
    except Exception:
        process.terminate()
        raise
    return process, base_url


def known_dataset_url(folder: Path, template: str,
                      add: Callable[[Session], object] | None = None) -> str:
    """The URL of a new SQLite file in `folder` holding the known dataset (and what `add`
    writes in the same transaction)."""
    db_path = folder / "crm.db"
    shutil.copy(template, db_path)
    url = f"sqlite:///{db_path}"
    engine = make_engine(url)
    with write_session(engine) as session:
        build_known_dataset(session)
        if add is not None:
            add(session)
    engine.dispose()
    return url


def _serve_known_dataset(folder: Path, template: str) -> Iterator[str]:
    url = known_dataset_url(folder, template)
    process, base_url = start_streamlit(url, folder / "streamlit.log")
    yield base_url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, sqlite_template) -> Iterator[str]:
    """Base URL of the app serving the known dataset, shared by read-only browser tests."""
    yield from _serve_known_dataset(tmp_path_factory.mktemp("live_app"), sqlite_template)


@pytest.fixture
def private_app(tmp_path, sqlite_template) -> Iterator[str]:
    """Base URL of an app of this test's own (for tests that write)."""
    yield from _serve_known_dataset(tmp_path, sqlite_template)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def wait_until_idle(page, *, settle_ms: int = 300) -> None:
    """Wait until the Streamlit script has finished running (twice, to outlast reruns)."""
    page.wait_for_selector(IDLE, timeout=30_000)
    page.wait_for_timeout(settle_ms)
    page.wait_for_selector(IDLE, timeout=30_000)


def assert_no_exception(page, base_url: str | None = None) -> None:
    """Fail on an exception box; viewers only see a generic message, so show the server log."""
    boxes = page.locator('[data-testid="stException"]')
    if boxes.count():
        log = SERVER_LOGS.get(base_url or "")
        tail = "\n".join(log.read_text().splitlines()[-40:]) if log and log.exists() else ""
        raise AssertionError(f"{boxes.first.inner_text()}\n--- server log ---\n{tail}")


@pytest.fixture
def open_page(live_app, tmp_path):
    """Navigate to a path of the live app, wait, check for exceptions, save a screenshot.

    Pass base_url=private_app to use a test's own server.
    """

    def _open(page, path: str, *, screenshot: str | None = None, base_url: str | None = None):
        page.goto(f"{base_url or live_app}{path}")
        wait_until_idle(page)
        assert_no_exception(page, base_url or live_app)
        name = screenshot or (path.strip("/").replace("/", "_").replace("?", "_") or "home")
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        return page

    return _open
