"""A real server whose PostgreSQL database is down at first: the browser shows the "cannot
reach the database" page, and the app comes back by itself once the database answers (here:
a TCP relay to the test database that starts listening later)."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from crm_core.db import make_engine, write_session
from tests.app.dataset import build_known_dataset
from tests.conftest import fresh_database_url
from tests.e2e.conftest import start_streamlit, wait_until_idle

pytestmark = pytest.mark.e2e


class _Relay(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, target: tuple[str, int]):
        self.target = target
        super().__init__(("127.0.0.1", port), _Pipe)


class _Pipe(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        upstream = socket.create_connection(self.server.target)

        def pump(source: socket.socket, sink: socket.socket) -> None:
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                sink.close()

        threading.Thread(target=pump, args=(upstream, self.request), daemon=True).start()
        pump(self.request, upstream)


@pytest.fixture
def database_behind_a_relay(request, tmp_path) -> Iterator[tuple[str, callable]]:
    """(URL through a relay port nothing listens on yet, a function that starts the relay)."""
    urls = fresh_database_url("postgresql", request, tmp_path)
    real = make_url(next(urls))
    engine = make_engine(real.render_as_string(False))
    with write_session(engine) as session:
        build_known_dataset(session)
    engine.dispose()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    relays: list[_Relay] = []

    def start_relay() -> None:
        relay = _Relay(port, (real.host, real.port or 5432))
        threading.Thread(target=relay.serve_forever, daemon=True).start()
        relays.append(relay)

    yield real.set(host="127.0.0.1", port=port).render_as_string(False), start_relay
    for relay in relays:
        relay.shutdown()
        relay.server_close()
    next(urls, None)


def test_the_app_says_the_database_is_down_and_comes_back_by_itself(
        page, tmp_path, database_behind_a_relay):
    url, start_relay = database_behind_a_relay
    process, base_url = start_streamlit(url, tmp_path / "streamlit.log")
    try:
        page.goto(base_url)
        page.get_by_role("heading", name="The database cannot be reached").wait_for()
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(tmp_path / "database_down.png"), full_page=True)
        start_relay()
        page.get_by_role("heading", name="Overview").wait_for(timeout=60_000)
        page.locator('[data-testid="stMetric"]').first.wait_for()
        wait_until_idle(page)
        assert page.get_by_role("heading", name="The database cannot be reached").count() == 0
        page.screenshot(path=str(tmp_path / "database_back.png"), full_page=True)
    finally:
        process.terminate()
        process.wait(timeout=20)
