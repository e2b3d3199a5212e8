"""In a real browser: the app asks nothing of any other server (it works offline): every
request of every page goes to the app itself."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.e2e


def test_no_page_fetches_anything_from_another_host(page, open_page, live_app):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/overview", "/coverage", "/meddpicc", "/tasks", "/glossary"):
        open_page(page, path)
    app_host = urlparse(live_app).netloc
    outside = sorted({url for url in requested
                      if urlparse(url).scheme in ("http", "https", "ws", "wss")
                      and urlparse(url).netloc != app_host})
    assert requested and outside == []
