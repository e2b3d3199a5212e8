"""Sign-in off, against a real `streamlit run app.py` on 127.0.0.1: only a browser tab of this
app itself is the local admin. Another Host (DNS rebinding), another origin (any other
http://localhost:* page), a proxy's forwarding headers and framing by another site are refused.

The WebSocket cases speak Streamlit's own protocol (protobuf BackMsg / ForwardMsg), as a page
on another origin would, and read back what the app sent.
"""

from __future__ import annotations

import socket
import urllib.request
from urllib.parse import urlsplit

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.e2e.conftest import wait_until_idle

ADMIN = "Local operator\nAdmin access"
REFUSED = "This app answers only the person at this computer"

pytestmark = pytest.mark.e2e


def _app_texts(base_url: str, *, host: str | None = None,
               headers: dict[str, str] | None = None) -> list[str]:
    """Open the app's WebSocket with this Host and these headers, run the script once and
    return the texts of the elements it sent (text, alerts, markdown, headings)."""
    address = urlsplit(base_url)
    host = host or address.netloc
    sock = socket.create_connection((address.hostname, address.port), timeout=30)
    texts: list[str] = []
    with connect(f"ws://{host}/_stcore/stream", sock=sock, additional_headers=headers or {},
                 subprotocols=["streamlit"], open_timeout=30) as ws:
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        ws.send(rerun.SerializeToString())
        while True:
            message = ForwardMsg()
            message.ParseFromString(ws.recv(timeout=60))
            if message.WhichOneof("type") == "script_finished":
                return texts
            if message.WhichOneof("type") == "delta" and message.delta.HasField("new_element"):
                element = message.delta.new_element
                kind = element.WhichOneof("type")
                if kind in ("text", "alert", "markdown", "heading"):
                    texts.append(getattr(element, kind).body)


def test_a_tab_of_the_app_itself_is_the_local_admin(live_app):
    texts = _app_texts(live_app, headers={"Origin": live_app})
    assert ADMIN in texts
    assert not any(t.startswith(REFUSED) for t in texts)


@pytest.mark.parametrize("origin", ["http://localhost:3000", "http://127.0.0.1:1"])
def test_a_local_page_of_another_origin_gets_no_access(live_app, origin):
    # Streamlit lets loopback origins open the WebSocket; the app itself refuses them.
    texts = _app_texts(live_app, headers={"Origin": origin})
    assert ADMIN not in texts
    assert any(t.startswith(REFUSED) for t in texts)
    assert "Overview" not in texts


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
def test_a_remote_site_or_a_sandboxed_frame_cannot_open_the_app(live_app, origin):
    with pytest.raises(InvalidStatus) as refused:
        _app_texts(live_app, headers={"Origin": origin})
    assert refused.value.response.status_code == 403


def test_a_proxy_in_front_makes_nobody_local(live_app):
    texts = _app_texts(live_app, headers={"Origin": live_app, "X-Forwarded-For": "203.0.113.9"})
    assert ADMIN not in texts
    assert any(t.startswith(REFUSED) for t in texts)


@pytest.mark.parametrize("host", ["rebound.example", "localhost.evil.example", "192.168.1.20"])
def test_a_dns_rebound_name_cannot_open_the_app(live_app, host):
    port = urlsplit(live_app).port
    with pytest.raises(InvalidStatus) as refused:
        _app_texts(live_app, host=f"{host}:{port}", headers={"Origin": f"http://{host}:{port}"})
    assert refused.value.response.status_code == 403


def test_every_response_forbids_framing(live_app):
    for path in ("/", "/access", "/_stcore/health"):
        with urllib.request.urlopen(f"{live_app}{path}", timeout=30) as response:
            assert response.headers["X-Frame-Options"] == "DENY"
            assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_chromium_refuses_to_show_the_app_in_another_sites_frame(page, live_app):
    page.goto(live_app)  # the app on its own loads
    wait_until_idle(page)
    page.set_content(f'<iframe id="app" src="{live_app}/access" '
                     'onload="this.dataset.loaded = 1"></iframe>')
    page.wait_for_selector("iframe#app[data-loaded]")
    framed = page.frame_locator("iframe#app")
    # Chromium replaces a refused frame by its own error page: the app's document never loads.
    assert [f.url for f in page.frames[1:]] == ["chrome-error://chromewebdata/"]
    assert framed.locator("#root").count() == 0
