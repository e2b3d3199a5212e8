"""AppTest harness: a temporary SQLite database with a small known dataset, caches cleared,
and `app_as(role)` to open the app signed in with that access role.

`open_app(user=..., secrets=...)` opens it as anyone (signed out, without a grant, with sign-in
configured or not); `server_address("0.0.0.0")` makes this test's app listen elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

from crm_core.db import make_engine, write_session
from crm_core.models import AccessGrant
from tests.app.dataset import build_known_dataset

ROLE_EMAILS = {"viewer": "viewer@example.com", "manager": "manager@example.com",
               "admin": "admin@example.com"}
APP_TIMEOUT = 30
HOME = str(Path(__file__).resolve().parents[2] / "Home.py")
# A stand-in for secrets.toml, so a developer's own .streamlit/secrets.toml never reaches tests.
NO_SIGN_IN = {"tests": "no [auth] section"}
OIDC_SECRETS = {"auth": {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
    "client_id": "crm", "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration"}}


@pytest.fixture(autouse=True)
def _test_friendly_config(monkeypatch) -> Iterator[None]:
    """Full error details in failing tests (the app hides them from viewers), the app served
    on 127.0.0.1 unless a test says otherwise, and no bootstrap admins from the environment."""
    monkeypatch.delenv("CRM_ADMIN_EMAILS", raising=False)
    saved = {name: config.get_option(name)
             for name in ("client.showErrorDetails", "server.address")}
    config.set_option("client.showErrorDetails", "full")
    config.set_option("server.address", "127.0.0.1")
    yield
    for name, value in saved.items():
        config.set_option(name, value)


@pytest.fixture
def server_address() -> Callable[[str | None], None]:
    """Set server.address for this test (restored afterwards by _test_friendly_config)."""
    return lambda address: config.set_option("server.address", address)


@pytest.fixture
def app_db(request, tmp_path, monkeypatch) -> str:
    """The URL of a fresh SQLite database holding the known dataset and one grant per role."""
    from tests.conftest import fresh_database_url

    url = next(fresh_database_url("sqlite", request, tmp_path))
    engine = make_engine(url)
    with write_session(engine) as session:
        build_known_dataset(session)
        for role, email in ROLE_EMAILS.items():
            session.add(AccessGrant(email=email, access_role=role, granted_by="tests"))
    engine.dispose()
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    return url


@pytest.fixture
def open_app(app_db) -> Callable[..., AppTest]:
    """Open Home.py as `user` (an st.user dict) with these secrets, optionally on a page."""

    def _open(*, user: dict, secrets: dict | None = None, page: str | None = None,
              **query_params: str) -> AppTest:
        at = AppTest.from_file(HOME, default_timeout=APP_TIMEOUT)
        at.user = user
        at.secrets = secrets or NO_SIGN_IN
        at.run()
        if page is not None:
            for key, value in query_params.items():
                at.query_params[key] = value
            at.switch_page(page).run()
        return at

    return _open


@pytest.fixture
def app_as(open_app) -> Callable[..., AppTest]:
    """Open Home.py signed in as `role` (viewer / manager / admin), optionally on a page."""

    def _open_as(role: str, page: str | None = None, **query_params: str) -> AppTest:
        user = {"is_logged_in": True, "email_verified": True,
                "email": ROLE_EMAILS[role], "name": role.title()}
        return open_app(user=user, secrets=OIDC_SECRETS, page=page, **query_params)

    return _open_as
