"""Following names from page to page in Chromium: user -> stakeholder -> opportunity -> company
-> user, each page's heading and record name checked, and the back button going back."""

import re

from tests.e2e.conftest import assert_no_exception, wait_until_idle

PAGE_LINK = '[data-testid="stPageLink-NavLink"]'


def headings(page) -> tuple[str, str]:
    """(the page title, the record's name) shown as h1 and h2."""
    return page.locator("h1").first.inner_text(), page.locator("h2").first.inner_text()


def pick(page, plural: str, text: str, name: str) -> None:
    """Type into a detail page's search box and choose the match starting with `name`."""
    page.get_by_label(f"Search {plural}").fill(text)
    page.get_by_label(f"Search {plural}").press("Enter")
    wait_until_idle(page)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=re.compile(f"^{re.escape(name)}")).click()
    wait_until_idle(page)


def follow_page_link(page, name: str, tmp_path, screenshot: str) -> None:
    page.locator(PAGE_LINK, has_text=name).first.click()
    wait_until_idle(page)
    assert_no_exception(page)
    page.screenshot(path=str(tmp_path / f"{screenshot}.png"), full_page=True)


def test_names_link_user_to_stakeholder_to_opportunity_to_company_and_back_to_user(
        page, open_page, tmp_path):
    # No id: pick Alice from the search box; her id goes into the URL.
    open_page(page, "/user", screenshot="0-user-picker")
    pick(page, "users", "alice", "Alice Archer")
    assert re.search(r"/user\?id=\d+$", page.url)
    assert headings(page) == ("User", "Alice Archer")
    page.screenshot(path=str(tmp_path / "1-user.png"), full_page=True)

    # A table name (Dana Diaz, whose relationship Alice owns) opens in a new tab.
    grid = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    first_name_cell = (grid["x"] + 30, grid["y"] + 35 + 17)  # below the 35px header row
    page.mouse.move(*first_name_cell)
    with page.context.expect_page() as opened:
        page.mouse.click(*first_name_cell)
    stakeholder = opened.value
    wait_until_idle(stakeholder)
    assert_no_exception(stakeholder)
    assert "/stakeholder?id=" in stakeholder.url
    assert headings(stakeholder) == ("Stakeholder", "Dana Diaz")
    stakeholder.screenshot(path=str(tmp_path / "2-stakeholder.png"), full_page=True)

    follow_page_link(stakeholder, "Acme Platform", tmp_path, "3-opportunity")
    assert "/opportunity?id=" in stakeholder.url
    assert headings(stakeholder) == ("Opportunity", "Acme Platform")

    follow_page_link(stakeholder, "Acme Corp", tmp_path, "4-company")
    assert "/company?id=" in stakeholder.url
    assert headings(stakeholder) == ("Company", "Acme Corp")

    follow_page_link(stakeholder, "Alice Archer", tmp_path, "5-user")
    assert "/user?id=" in stakeholder.url
    assert headings(stakeholder) == ("User", "Alice Archer")

    stakeholder.go_back()
    wait_until_idle(stakeholder)
    assert "/company?id=" in stakeholder.url
    assert headings(stakeholder) == ("Company", "Acme Corp")


def test_a_bad_id_shows_not_found_in_the_browser(page, open_page):
    open_page(page, "/opportunity?id=987654", screenshot="not-found")
    assert page.locator("h1").first.inner_text() == "Opportunity"
    alert = page.locator('[data-testid="stMain"] [data-testid="stAlert"]').first
    assert "There is no opportunity with id 987654" in alert.inner_text()


def test_a_name_on_the_relationship_map_opens_its_page_in_the_same_tab(page, open_page,
                                                                        tmp_path):
    open_page(page, "/company", screenshot="company-picker")
    pick(page, "companies", "acme", "Acme Corp")
    page.screenshot(path=str(tmp_path / "company-map.png"), full_page=True)
    page.locator('[data-testid="stGraphVizChart"] g.node', has_text="Eli Evans").click()
    wait_until_idle(page)
    assert "/stakeholder?id=" in page.url
    assert headings(page) == ("Stakeholder", "Eli Evans")
    page.go_back()
    wait_until_idle(page)
    assert headings(page) == ("Company", "Acme Corp")
