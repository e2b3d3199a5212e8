"""In a real browser, each manager job of acting where the problem is shown, counting its
interactions (the README lists them). One interaction is one action on one control: a click on
a button, tab or expander, typing into a box, or choosing an option in a list (opening it,
typing to narrow it and picking count as one). Arriving on the page by its link is not
counted."""

from __future__ import annotations

import re

import pytest

from tests.app.manage_helpers import id_of
from tests.e2e.conftest import assert_no_exception, wait_until_idle

pytestmark = pytest.mark.e2e


class Steps:
    """Drives the page and counts the interactions; waits for the app after each one."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url, self.count = page, base_url, 0

    def _done(self) -> None:
        self.count += 1
        wait_until_idle(self.page)
        assert_no_exception(self.page, self.base_url)

    def click(self, name: str, *, role: str = "button") -> None:
        self.page.get_by_role(role, name=re.compile(name)).first.click()
        self._done()

    def expand(self, label: str) -> None:
        self.page.locator('[data-testid="stExpander"] summary').filter(has_text=label).click()
        self._done()

    def choose(self, label: str, option: str, *, kind: str = "stSelectbox") -> None:
        box = self.page.locator(f'[data-testid="{kind}"]').filter(
            has=self.page.get_by_text(label, exact=True)).first
        box.locator("input").first.click()
        self.page.keyboard.type(option)          # the list filters as one types
        self.page.get_by_role("option", name=re.compile(re.escape(option))).first.wait_for()
        self.page.keyboard.press("Enter")
        if kind == "stMultiSelect":
            self.page.keyboard.press("Escape")
        self._done()

    def type(self, label: str, text: str) -> None:
        self.page.get_by_label(label, exact=True).fill(text)
        self.page.keyboard.press("Tab")   # a text box sends its value when it loses focus
        self._done()

    def sees(self, text: str) -> None:
        self.page.get_by_text(text).first.wait_for()


def arrive(page, base_url: str, path: str) -> Steps:
    page.goto(f"{base_url}{path}")
    wait_until_idle(page)
    assert_no_exception(page, base_url)
    return Steps(page, base_url)


def test_manager_jobs_take_few_interactions(page, private_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'crm.db'}"

    # 1. An orphaned stakeholder's page: assign an owner from the account team (2).
    steps = arrive(page, private_app, f"/stakeholder?id={id_of(url, 'stakeholder', 'Fay Fox')}")
    steps.choose("Relationship owner", "Bob Baker · Solutions Engineer · on the account team")
    steps.click("Assign owner")
    steps.sees("Bob Baker now owns the relationship with Fay Fox.")
    assert steps.count == 2

    # 2. A deal gap on the opportunity page: give a linked stakeholder the missing role (2).
    acme = id_of(url, "opportunity", "Acme Platform")
    steps = arrive(page, private_app, f"/opportunity?id={acme}")
    # The known dataset has no completed task, so its owned roles are never touched (stale).
    steps.sees("no champion; technical buyer owned, never touched")
    steps.choose("Linked stakeholder", "Eli Evans")   # the missing role is offered first
    steps.click("Give the role")
    steps.sees("Champion recorded.")
    assert steps.count == 2

    # 3. A deal with gaps: plan them as a task sequence (1).
    globex = id_of(url, "opportunity", "Globex Pilot")
    steps = arrive(page, private_app, f"/opportunity?id={globex}")
    steps.click("Plan the gaps")
    steps.sees("Created 'Gap plan: Globex Pilot'.")
    assert steps.count == 1

    # 4. The MEDDPICC page's deep link opens the fixes with the deal chosen (0 to choose it).
    arrive(page, private_app, f"/meddpicc?opportunity={globex}").sees("Globex Pilot · Globex")

    # 5. A task linked to a company and a deal, created and completed (6).
    steps = arrive(page, private_app, "/tasks")
    steps.expand("New task")
    steps.type("Description", "Called Gus about the pilot")
    steps.type("Find records to link", "globex")
    steps.choose("Deals", "Globex Pilot", kind="stMultiSelect")
    steps.click("Create task")
    steps.click("Complete 'Called Gus about the pilot' now")
    steps.sees("Task 'Called Gus about the pilot' completed.")
    assert steps.count == 6

    # 6. Hand Alice's book to Carol (seats move by default), then undo it from the history (5).
    steps = arrive(page, private_app, "/ownership")
    steps.click("Hand off a user's relationships", role="tab")
    steps.choose("Hand off from", "Alice Archer")
    steps.choose("To", "Carol Chen")
    steps.sees("Carol Chen is not on the account team of Acme Corp")
    steps.click("Hand off 2 relationship")
    steps.sees("Handed 2 stakeholder relationship(s) and 1 account team seat(s)")
    steps.click("^Undo$")
    steps.sees("Undid the handoff from Alice Archer to Carol Chen")
    assert steps.count == 5
    page.screenshot(path=str(tmp_path / "handoff_undone.png"), full_page=True)
