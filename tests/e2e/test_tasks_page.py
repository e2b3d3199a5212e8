"""The Tasks screen in a real Chromium: the list, the overdue task first, the charts tab."""

from tests.e2e.conftest import wait_until_idle


def test_the_tasks_page_lists_open_tasks_overdue_first(page, open_page, tmp_path):
    open_page(page, "/tasks")
    assert page.locator("h1").first.inner_text() == "Tasks"
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    assert page.get_by_text("2 task(s)").count() == 1
    page.get_by_role("tab", name="Charts").click()
    wait_until_idle(page)
    assert page.get_by_text("Overdue and due soon by owner").count() == 1
    page.get_by_role("tab", name="Task list").click()
    wait_until_idle(page)
    page.screenshot(path=str(tmp_path / "tasks_list.png"), full_page=True)
