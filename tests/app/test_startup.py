"""First start, the CRM_SEED_DEMO setting: which empty databases get demo data (SQLite by
default, PostgreSQL only when asked). tests/app/test_first_start.py covers seeding and never
reseeding."""

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


def test_demo_data_can_be_switched_off(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    at = _run_home(url, monkeypatch, "0")
    assert not at.exception
    assert _counts(url) == (0, 0)


def test_an_empty_postgresql_database_is_only_migrated_unless_demo_data_is_asked_for(
        request, tmp_path, monkeypatch):
    from tests.conftest import fresh_database_url

    urls = fresh_database_url("postgresql", request, tmp_path)
    url = next(urls)
    try:
        at = _run_home(url, monkeypatch, None)
        assert not at.exception
        assert _counts(url) == (0, 0)
    finally:
        st.cache_resource.clear()  # let go of the engine before the database is dropped
        urls.close()


@pytest.mark.parametrize(("url", "setting", "expected"), [
    ("sqlite:///data/crm.db", None, True), ("sqlite:///x.db", "auto", True),
    ("postgresql://crm@db/crm", None, False), ("postgresql://crm@db/crm", "1", True),
    ("sqlite:///data/crm.db", "0", False), ("sqlite:///data/crm.db", "off", False)])
def test_which_empty_databases_get_demo_data(monkeypatch, url, setting, expected):
    from dashboard.startup import should_seed_demo

    if setting is None:
        monkeypatch.delenv("CRM_SEED_DEMO", raising=False)
    else:
        monkeypatch.setenv("CRM_SEED_DEMO", setting)
    assert should_seed_demo(url) is expected
