"""Names people typed are shown as text in a real browser, on every page: no HTML, markdown,
colour, icon, image or link is made from them, and nothing is fetched from a host they name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard.navigation import PAGES
from tests.e2e.conftest import (
    assert_no_exception,
    known_dataset_url,
    start_streamlit,
    wait_until_idle,
)
from tests.factories import add_company, add_opportunity, add_stakeholder, add_task, add_user

HOSTILE = ("<img src=x onerror=alert(1)> **bold** :red[red] :material/skull: "
           "![pixel](https://evil.example/pixel.png) https://evil.example/phish "
           "www.evil.example mallory@evil.example")

pytestmark = pytest.mark.e2e


@pytest.fixture
def hostile_app(tmp_path, sqlite_template) -> Iterator[tuple[str, dict[str, int]]]:
    """An app whose user, company, stakeholder, opportunity, task and sequence are all named
    HOSTILE (job titles too)."""
    ids: dict[str, int] = {}

    def add_hostile_records(session) -> None:
        user = add_user(session, HOSTILE, email="hostile@ourco.example", job_title=HOSTILE)
        company = add_company(session, HOSTILE, industry=HOSTILE, team=[user])
        stakeholder = add_stakeholder(session, company, HOSTILE, owners=[user],
                                      roles=["champion"], job_title=HOSTILE)
        opportunity = add_opportunity(session, company, HOSTILE, value=5_000,
                                      stage="discovery", close_in_days=5,
                                      stakeholders=[stakeholder])
        links = [("company", company.id), ("user", user.id)]
        add_task(session, HOSTILE, links=links)
        sequence = add_task(session, HOSTILE, task_type="sequence", links=links)
        add_task(session, HOSTILE, parent=sequence, sequence_order=1, links=links)
        ids.update(user=user.id, company=company.id, stakeholder=stakeholder.id,
                   opportunity=opportunity.id, sequence=sequence.id)

    url = known_dataset_url(tmp_path, sqlite_template, add_hostile_records)
    process, base_url = start_streamlit(url, tmp_path / "streamlit.log")
    yield base_url, ids
    process.terminate()
    process.wait(timeout=20)


def _paths(ids: dict[str, int]) -> list[str]:
    """Every page, each detail and Manage page opened on the hostile record."""
    paths = [f"/{spec.url_path}" + (f"?id={ids[spec.url_path]}" if spec.url_path in ids
                                    else "") for spec in PAGES]
    return paths + [f"/ownership?stakeholder={ids['stakeholder']}",
                    f"/ownership?from_user={ids['user']}",
                    f"/teams?company={ids['company']}",
                    f"/teams?opportunity={ids['opportunity']}",
                    f"/roles?stakeholder={ids['stakeholder']}",
                    f"/tasks?sequence={ids['sequence']}"]


def _assert_only_text(page, where: str) -> None:
    main = page.locator('[data-testid="stApp"]')
    assert main.locator('img[src="x"], img[src*="evil"]').count() == 0, where
    assert main.locator("strong", has_text="bold").count() == 0, where
    assert main.locator(".stMarkdownColoredText").count() == 0, where
    assert main.locator('span[aria-label="skull icon"]').count() == 0, where
    assert main.locator('a[href*="evil"]').count() == 0, where


def test_hostile_names_are_shown_as_typed_on_every_page(page, hostile_app, tmp_path):
    base_url, ids = hostile_app
    alerts: list[str] = []
    fetched: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: fetched.append(request.url)
            if "evil" in request.url else None)
    for path in _paths(ids):
        page.goto(f"{base_url}{path}")
        wait_until_idle(page)
        assert_no_exception(page, base_url)
        _assert_only_text(page, path)
        name = path.strip("/").replace("?", "_").replace("=", "-")
        page.screenshot(path=str(tmp_path / f"hostile_{name}.png"), full_page=True)

    # The delete form of the hostile user: its warning and its confirmation checkbox.
    page.goto(f"{base_url}/records?user={ids['user']}")
    wait_until_idle(page)
    page.get_by_role("radiogroup", name="Record type").get_by_text("User").click()
    wait_until_idle(page)
    page.get_by_role("radiogroup", name="Action").get_by_text("Delete").click()
    wait_until_idle(page)
    checkbox = page.locator('[data-testid="stCheckbox"]', has_text="I understand")
    checkbox.wait_for()
    # Exactly as typed (the app puts invisible word joiners where links would start).
    assert checkbox.inner_text().replace("\u2060", "").strip() == (
        f"I understand that this deletes {HOSTILE} and what is listed above")
    assert_no_exception(page, base_url)
    _assert_only_text(page, "records delete")
    page.screenshot(path=str(tmp_path / "hostile_records_delete.png"), full_page=True)

    assert alerts == [] and fetched == []
