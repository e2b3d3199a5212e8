"""Names people typed are shown as text in a real browser: no HTML or markdown from them runs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from crm_core.db import make_engine, write_session
from dashboard.navigation import PAGES
from tests.app.dataset import build_known_dataset
from tests.e2e.conftest import start_streamlit
from tests.factories import add_company, add_opportunity, add_stakeholder, add_user

HOSTILE = "<img src=x onerror=alert(1)> **bold**"

pytestmark = pytest.mark.e2e


@pytest.fixture
def hostile_app(tmp_path, sqlite_template) -> Iterator[tuple[str, dict[str, int]]]:
    """An app whose user, company, stakeholder and opportunity are all named HOSTILE."""
    db_path = tmp_path / "crm.db"
    shutil.copy(sqlite_template, db_path)
    url = f"sqlite:///{db_path}"
    engine = make_engine(url)
    with write_session(engine) as session:
        build_known_dataset(session)
        user = add_user(session, HOSTILE, email="hostile@ourco.example")
        company = add_company(session, HOSTILE, team=[user])
        stakeholder = add_stakeholder(session, company, HOSTILE, owners=[user],
                                      roles=["champion"])
        opportunity = add_opportunity(session, company, HOSTILE, value=5_000,
                                      stage="discovery", close_in_days=5,
                                      stakeholders=[stakeholder])
        ids = {"user": user.id, "company": company.id, "stakeholder": stakeholder.id,
               "opportunity": opportunity.id}
    engine.dispose()
    process, base_url = start_streamlit(url, tmp_path / "streamlit.log")
    yield base_url, ids
    process.terminate()
    process.wait(timeout=20)


def test_hostile_names_do_not_inject_html_on_any_page(page, open_page, hostile_app):
    base_url, ids = hostile_app
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    for spec in PAGES:
        query = f"?id={ids[spec.url_path]}" if spec.url_path in ids else ""
        open_page(page, f"/{spec.url_path}{query}", base_url=base_url,
                  screenshot=f"hostile_{spec.url_path}")
        assert page.locator('img[src="x"]').count() == 0, spec.url_path
        assert page.locator("strong", has_text="bold").count() == 0, spec.url_path
    assert alerts == []
