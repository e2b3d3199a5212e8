"""Two app processes behind nginx on PostgreSQL (deploy/cluster.py), in Chromium: sign in
through the proxy, write through one process and see it through the other, then kill the
process a session is on and find the session on the live one with every committed write."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_core.db import make_engine, write_session
from crm_core.models import AccessGrant
from deploy.cluster import NGINX, start_cluster
from tests.app.dataset import build_known_dataset
from tests.app.manage_helpers import id_of, owner_names
from tests.conftest import fresh_database_url
from tests.e2e.conftest import assert_no_exception, free_port, wait_until_idle
from tests.e2e.oidc import oidc_provider, sign_in_at_the_provider
from tests.e2e.test_sign_in_flow import MANAGER_EMAIL, PROVIDER_USERS

pytestmark = pytest.mark.e2e


@pytest.fixture
def cluster(request, tmp_path) -> Iterator:
    """Two app processes and nginx over a fresh PostgreSQL database with the known dataset."""
    if not Path(NGINX).exists() and not shutil.which("nginx"):
        pytest.skip("the scale-out test needs nginx (apt-get install nginx; .ci/run does)")
    with oidc_provider(tmp_path, PROVIDER_USERS) as oidc:
        database = fresh_database_url("postgresql", request, tmp_path)
        db_url = next(database)
        engine = make_engine(db_url)
        with write_session(engine) as session:
            build_known_dataset(session)
            session.add(AccessGrant(email=MANAGER_EMAIL, access_role="manager",
                                    granted_by="tests"))
        engine.dispose()
        port = free_port()
        secrets = tmp_path / "secrets.toml"
        secrets.write_text("\n".join([
            "[auth]",
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"',
            'cookie_secret = "scale-out-cookie-secret-that-is-long-enough-123456"',
            'client_id = "crm-e2e"',
            'client_secret = "crm-e2e-secret"',
            f'server_metadata_url = "{oidc}/.well-known/openid-configuration"',
        ]))
        running = start_cluster(processes=2, port=port, run_dir=tmp_path / "cluster",
                                app_args=["--secrets.files", str(secrets)],
                                env={"CRM_DATABASE_URL": db_url, "CRM_ADMIN_EMAILS": ""})
        running.database_url = db_url
        try:
            yield running
        finally:
            running.stop()
            database.close()  # drops the database


def _served_by(page, url: str) -> int:
    """Open url; the port of the app process that served it (nginx's X-Served-By)."""
    response = page.goto(url)
    wait_until_idle(page)
    return int(response.headers["x-served-by"].split(",")[-1].rsplit(":", 1)[1])


def _signed_in_session(browser, cluster, *, not_on: int | None = None):
    """A new browser signed in as Mia through the proxy (on another process than `not_on`)."""
    for _ in range(20):  # the first response picks a process at random
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(30_000)
        port = _served_by(page, cluster.url)
        if port != not_on:
            sign_in_at_the_provider(page, predefined="mia")
            assert _served_by(page, cluster.url) == port  # sticky: the same process
            return page, port
        context.close()
    raise AssertionError("nginx never sent a new browser to the other process")


def _ownership_coverage(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text="Ownership coverage")).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _save_owner(page, url: str, stakeholder_id: int, typed: str, saved: str) -> None:
    page.goto(f"{url}/ownership?stakeholder={stakeholder_id}")
    wait_until_idle(page)
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=typed).first.wait_for()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save owners").click()
    wait_until_idle(page)
    if not page.get_by_text(saved).count():
        # An owner off the account team: the first press warns, the second saves.
        page.get_by_role("button", name="Save owners").click()
    page.get_by_text(saved).first.wait_for()
    assert_no_exception(page)


def test_two_processes_share_writes_and_a_killed_process_loses_none(browser, cluster):
    # Known dataset: 3 of 5 stakeholders owned (60%); Fay Fox and Hana Hill have no owner.
    first, first_port = _signed_in_session(browser, cluster)
    second, second_port = _signed_in_session(browser, cluster, not_on=first_port)
    assert {first_port, second_port} == set(cluster.app_ports)
    assert _ownership_coverage(second) == "60%"
    assert "Mia Manager" in second.locator('[data-testid="stSidebar"]').inner_text()

    fay = id_of(cluster.database_url, "stakeholder", "Fay Fox")
    _save_owner(first, cluster.url, fay, "Carol Chen",
                "Saved the owners of Fay Fox: 1 added, 0 removed.")
    assert _served_by(second, cluster.url) == second_port
    assert _ownership_coverage(second) == "80%"  # written on one process, seen on the other

    # Kill the first browser's process mid-session: its next click reaches the live process,
    # still signed in, and finds the committed write; it can go on writing there.
    cluster.kill_app(first_port)
    first.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Overview").click()
    first.get_by_text("Ownership coverage").first.wait_for()
    wait_until_idle(first)
    assert _ownership_coverage(first) == "80%"
    assert "Mia Manager" in first.locator('[data-testid="stSidebar"]').inner_text()
    hana = id_of(cluster.database_url, "stakeholder", "Hana Hill")
    _save_owner(first, cluster.url, hana, "Bob Baker",
                "Saved the owners of Hana Hill: 1 added, 0 removed.")
    assert owner_names(cluster.database_url, "Fay Fox") == ["Carol Chen"]
    assert owner_names(cluster.database_url, "Hana Hill") == ["Bob Baker"]
    assert _served_by(first, cluster.url) == second_port
