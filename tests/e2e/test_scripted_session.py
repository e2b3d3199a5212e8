"""The benchmark's scripted session (bench/sessions.py) sees what a browser sees: the same
headings and figures on the same pages of one server, and its form writes land."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.sessions import ScriptedSession, choose, trigger
from tests.app.manage_helpers import id_of, owner_names
from tests.e2e.conftest import wait_until_idle

pytestmark = pytest.mark.e2e

PAGES = [("", ""), ("coverage", ""), ("meddpicc", ""), ("tasks", "")]


def _run(coroutine):
    # Playwright's sync API runs an event loop in this thread: the session gets its own thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _in_browser(page, base_url: str, path: str, query: str,
                metric_count: int = 0) -> tuple[list[str], dict]:
    page.goto(f"{base_url}/{path}" + (f"?{query}" if query else ""))
    wait_until_idle(page)
    if metric_count:  # a busy machine: wait until the page shows as many figures
        page.locator('[data-testid="stMetric"]').nth(metric_count - 1).wait_for()
    headings = [h.inner_text().strip() for h in page.locator("h1, h2, h3").all()]
    metrics = {}
    for metric in page.locator('[data-testid="stMetric"]').all():
        label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        metrics[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return headings, metrics


async def _scripted(base_url: str) -> list:
    session = ScriptedSession(base_url)
    await session.open()
    try:
        return [await session.view(path, query) for path, query in PAGES]
    finally:
        await session.close()


def test_a_scripted_session_sees_the_headings_and_figures_a_browser_sees(page, private_app):
    views = _run(_scripted(private_app))
    for (path, query), view in zip(PAGES, views, strict=True):
        assert view.ok, (path, view.exceptions)
        headings, metrics = _in_browser(page, private_app, path, query, len(view.metrics))
        assert view.metrics == metrics, path
        assert view.headings == [h for h in headings if h in view.headings], path
        assert view.headings[0] == headings[0]
    # The known dataset's Overview, as both see it.
    assert views[0].metrics["Ownership coverage"] == "60%"


async def _assign(base_url: str, stakeholder_id: int) -> list[str]:
    session = ScriptedSession(base_url)
    await session.open()
    try:
        form = await session.view("ownership", f"stakeholder={stakeholder_id}")
        owners = form.widget("ownership_owner_ids")
        carol = next(o for o in owners.options if o.startswith("Carol Chen"))
        press = [choose(owners, [carol]), trigger(form.widget("ownership_owners_save"))]
        saved = await session.view("ownership", f"stakeholder={stakeholder_id}", widgets=press)
        if not any(t.startswith("Saved the owners") for t in saved.texts):
            # Carol is off Fay's account team: the first press warns, the second saves.
            saved = await session.view("ownership", f"stakeholder={stakeholder_id}",
                                       widgets=press)
        return saved.texts
    finally:
        await session.close()


def test_a_scripted_form_save_writes_like_a_click(page, private_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    texts = _run(_assign(private_app, id_of(url, "stakeholder", "Fay Fox")))
    # The markdown as sent: punctuation of the name part escaped (dashboard.format).
    assert "Saved the owners of Fay Fox: 1 added, 0 removed." in [t.replace("\\", "")
                                                                 for t in texts]
    assert owner_names(url, "Fay Fox") == ["Carol Chen"]
    _, metrics = _in_browser(page, private_app, "", "")
    assert metrics["Ownership coverage"] == "80%"
