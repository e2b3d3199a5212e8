"""The app's first start: an empty database gets the demo dataset; one with data never does."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from crm_core.db import make_engine
from tests.app.conftest import APP_TIMEOUT, HOME


def counts(url: str) -> tuple[int, int]:
    """(users, seed events) in the database."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return (connection.execute(text("SELECT count(*) FROM users")).scalar_one(),
                    connection.execute(text("SELECT count(*) FROM audit_events "
                                            "WHERE action = 'seed.loaded'")).scalar_one())
    finally:
        engine.dispose()


def open_home() -> AppTest:
    """Run Home.py once as a signed-in admin."""
    at = AppTest.from_file(HOME, default_timeout=APP_TIMEOUT)
    at.user = {"is_logged_in": True, "email_verified": True,
               "email": "admin@example.com", "name": "Admin"}
    return at.run()


def test_the_first_start_on_a_new_database_creates_it_and_loads_the_demo(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'first-start.db'}"
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    monkeypatch.setenv("CRM_SEED_DEMO", "1")  # a named database gets the demo only when asked
    st.cache_data.clear()
    st.cache_resource.clear()

    at = open_home()

    assert not at.exception
    assert counts(url) == (15, 1)


def test_a_restart_does_not_seed_again(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    monkeypatch.setenv("CRM_SEED_DEMO", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    open_home()
    st.cache_resource.clear()  # what a new app process starts with

    at = open_home()

    assert not at.exception
    assert counts(url) == (15, 1)


def test_a_database_with_data_is_never_seeded(app_as, app_db):
    at = app_as("admin")

    assert not at.exception
    assert counts(app_db)[1] == 0
