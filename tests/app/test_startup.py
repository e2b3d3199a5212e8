"""First start: the app migrates the database, seeds demo data into an empty one, never reseeds."""

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from crm_core.db import make_engine, read_session
from crm_core.models import Company, User
from tests.app.conftest import APP_TIMEOUT, HOME, NO_SIGN_IN


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    with read_session(engine) as session:
        counts = (session.scalar(select(func.count(User.id))),
                  session.scalar(select(func.count(Company.id))))
    engine.dispose()
    return counts


def _run_home(url: str, monkeypatch, seed_setting: str | None) -> AppTest:
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    if seed_setting is None:
        monkeypatch.delenv("CRM_SEED_DEMO", raising=False)
    else:
        monkeypatch.setenv("CRM_SEED_DEMO", seed_setting)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(HOME, default_timeout=APP_TIMEOUT)
    at.user, at.secrets = {}, NO_SIGN_IN
    return at.run()


def test_a_first_start_on_an_empty_file_migrates_and_seeds_the_demo(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    at = _run_home(url, monkeypatch, "1")
    assert not at.exception
    users, companies = _counts(url)
    assert users > 5 and companies > 20
    assert at.title[0].value == "Overview"


def test_a_database_with_data_is_never_reseeded(app_db, monkeypatch):
    at = _run_home(app_db, monkeypatch, "1")
    assert not at.exception
    assert _counts(app_db) == (3, 2)  # the known dataset, untouched


@pytest.mark.parametrize("setting", [None, "0"])
def test_a_configured_database_is_only_migrated_unless_demo_data_is_asked_for(
        tmp_path, monkeypatch, setting):
    url = f"sqlite:///{tmp_path / 'production.db'}"
    at = _run_home(url, monkeypatch, setting)
    assert not at.exception
    assert _counts(url) == (0, 0)
