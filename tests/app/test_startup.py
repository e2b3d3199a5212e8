"""First start, the CRM_SEED_DEMO setting: which empty databases get demo data (the default
data/crm.db, any other only when asked). tests/app/test_first_start.py covers seeding and never
reseeding."""

import shutil

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from crm_core.db import default_database_url, make_engine, read_session
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


def test_a_named_sqlite_database_is_never_seeded_by_default(tmp_path, monkeypatch,
                                                            sqlite_template):
    named = tmp_path / "named.db"
    shutil.copy(sqlite_template, named)  # an empty, migrated database
    url = f"sqlite:///{named}"
    at = _run_home(url, monkeypatch, None)
    assert not at.exception
    assert _counts(url) == (0, 0)


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


DEFAULT = default_database_url()


@pytest.mark.parametrize(("url", "setting", "expected"), [
    (DEFAULT, None, True), (DEFAULT, "auto", True), ("sqlite:///x.db", "auto", False),
    ("sqlite:///data/crm.db", None, False), ("sqlite:///x.db", "1", True),
    ("postgresql://crm@db/crm", None, False), ("postgresql://crm@db/crm", "1", True),
    (DEFAULT, "0", False), (DEFAULT, "off", False)])
def test_only_the_default_database_or_one_asked_for_gets_demo_data(monkeypatch, url, setting,
                                                                   expected):
    from dashboard.startup import should_seed_demo

    if setting is None:
        monkeypatch.delenv("CRM_SEED_DEMO", raising=False)
    else:
        monkeypatch.setenv("CRM_SEED_DEMO", setting)
    assert should_seed_demo(url) is expected
