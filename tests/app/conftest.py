"""AppTest harness: a temporary SQLite database with a small known dataset, caches cleared,
and `app_as(role)` to open the app signed in with that access role."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from crm_core.db import make_engine, write_session
from crm_core.models import AccessGrant
from tests.app.dataset import build_known_dataset

ROLE_EMAILS = {"viewer": "viewer@example.com", "manager": "manager@example.com",
               "admin": "admin@example.com"}
APP_TIMEOUT = 30
HOME = str(Path(__file__).resolve().parents[2] / "Home.py")


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
def app_as(app_db) -> Callable[..., AppTest]:
    """Open Home.py signed in as `role` (viewer / manager / admin), optionally on a page."""

    def open_app(role: str, page: str | None = None, **query_params: str) -> AppTest:
        at = AppTest.from_file(HOME, default_timeout=APP_TIMEOUT)
        at.user = {"is_logged_in": True, "email": ROLE_EMAILS[role], "name": role.title()}
        at.run()
        if page is not None:
            for key, value in query_params.items():
                at.query_params[key] = value
            at.switch_page(page).run()
        return at

    return open_app
