"""Database faults at start-up and while a page reads: a page that says so (and checks again by
itself) instead of an error box, timeouts instead of a hang, and no database made up from a
mistyped path."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import HOME, NO_SIGN_IN

UNAVAILABLE = "The database cannot be reached"


def _open_home(monkeypatch, url: str, **env: str) -> AppTest:
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    monkeypatch.delenv("CRM_SEED_DEMO", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(HOME, default_timeout=60)
    at.user, at.secrets = {}, NO_SIGN_IN
    return at.run()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung database server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener.getsockname()[1]
    listener.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def test_a_database_that_is_down_gets_a_clear_page_not_an_error_box(monkeypatch):
    at = _open_home(monkeypatch, f"postgresql://crm@127.0.0.1:{_closed_port()}/crm")
    assert not at.exception
    assert [t.value for t in at.title] == [UNAVAILABLE]
    assert at.error[0].value.startswith("The app cannot reach its database")
    assert "checking again every 5 seconds" in at.caption[0].value
    assert not at.metric and not at.dataframe


def test_a_database_that_never_answers_does_not_hang_the_page(monkeypatch, silent_server):
    started = time.monotonic()
    at = _open_home(monkeypatch, f"postgresql://crm@127.0.0.1:{silent_server}/crm")
    assert time.monotonic() - started < 30  # the connect timeout is 10 s
    assert not at.exception
    assert [t.value for t in at.title] == [UNAVAILABLE]


def test_a_mistyped_sqlite_path_is_not_created_nor_seeded(monkeypatch, tmp_path):
    typo = tmp_path / "crm-typo.db"
    at = _open_home(monkeypatch, f"sqlite:///{typo}")
    assert not at.exception
    assert [t.value for t in at.title] == ["There is no database at the configured path"]
    assert [t.value for t in at.text] == [str(typo)]
    assert not typo.exists()


def test_a_new_named_database_is_created_empty_when_asked(monkeypatch, tmp_path):
    named = tmp_path / "new.db"
    at = _open_home(monkeypatch, f"sqlite:///{named}", CRM_SEED_DEMO="0")
    assert not at.exception
    assert named.exists()
    assert at.title[0].value == "Overview"
