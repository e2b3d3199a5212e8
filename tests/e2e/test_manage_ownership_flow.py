"""In a real browser: reassign an owner on the Ownership page and see the coverage figure move."""

from __future__ import annotations

import pytest

from dashboard.navigation import page_spec
from tests.app.manage_helpers import id_of
from tests.e2e.conftest import wait_until_idle

pytestmark = pytest.mark.e2e

# The known dataset: 3 of its 5 stakeholders have an owner (Fay Fox and Hana Hill have none).
COVERAGE_BEFORE, COVERAGE_AFTER = "60%", "80%"


def coverage_figure(page, open_page, base_url: str, name: str) -> str:
    """The owned share as the Coverage screen (or, without it, the Overview) shows it."""
    if page_spec("pages/coverage.py") is not None:
        open_page(page, "/coverage", base_url=base_url, screenshot=f"coverage_{name}")
        label = "Owned"
    else:  # the Overview is the default page, served at "/"
        open_page(page, "/", base_url=base_url, screenshot=f"overview_{name}")
        label = "Ownership coverage"
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_assigning_an_owner_to_an_orphan_raises_the_coverage(page, open_page, private_app,
                                                             tmp_path):
    fay = id_of(f"sqlite:///{tmp_path / 'crm.db'}", "stakeholder", "Fay Fox")
    assert coverage_figure(page, open_page, private_app, "before") == COVERAGE_BEFORE

    open_page(page, f"/ownership?stakeholder={fay}", base_url=private_app,
              screenshot="ownership_before")
    assert page.locator("h1").first.inner_text().strip() == "Ownership"
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.keyboard.type("Carol")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save owners").click()
    wait_until_idle(page)
    # Carol is not on Acme's account team: warned first, saved on the second press.
    page.get_by_text("Carol Chen is off the account team of Acme Corp").first.wait_for()
    page.get_by_role("button", name="Save owners").click()
    wait_until_idle(page)
    page.get_by_text("Saved the owners of Fay Fox: 1 added, 0 removed.").first.wait_for()
    page.screenshot(path=str(tmp_path / "ownership_after.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0

    assert coverage_figure(page, open_page, private_app, "after") == COVERAGE_AFTER


@pytest.mark.parametrize("path", ["/ownership", "/teams", "/roles", "/records", "/history"])
def test_each_manage_page_opens_in_the_browser(page, open_page, path):
    open_page(page, path)
    titles = {"/ownership": "Ownership", "/teams": "Teams", "/roles": "Roles & links",
              "/records": "Records", "/history": "History"}
    assert page.locator("h1").first.inner_text().strip() == titles[path]
