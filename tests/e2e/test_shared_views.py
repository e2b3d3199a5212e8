"""Shareable views in Chromium: the scope and the Coverage section go into the URL, a link
opened in another browser shows the same view, and the back button returns to the previous
scope. Known dataset: Bob Baker sits on Acme's account team only, so his scope holds Acme
Platform ($120,000 open) and Acme's 3 stakeholders."""

import re

from tests.e2e.conftest import assert_no_exception, wait_until_idle


def metric(page, label: str) -> str:
    return page.locator('[data-testid="stMetric"]', has_text=label).first.inner_text()


def scope_shown(page) -> str:
    """The scope control's text, and its input's value (where the choice may be shown)."""
    box = page.locator('[data-testid="stSelectbox"]', has_text="Scope").first
    inputs = box.locator("input")
    return box.inner_text() + " " + (inputs.first.input_value() if inputs.count() else "")


def choose_scope(page, name: str) -> None:
    wait_until_idle(page)
    box = page.locator('[data-testid="stSelectbox"]', has_text="Scope").first
    box.wait_for(timeout=120_000)   # a fresh server's first runs are slow on a busy machine
    box.click()
    page.get_by_role("option", name=name, exact=True).click()
    wait_until_idle(page)
    assert_no_exception(page)


def test_a_shared_link_opens_the_same_scope_and_back_returns(browser, page, open_page,
                                                              live_app, tmp_path):
    # The Overview is the default page: open it at the site's root, as a person would.
    open_page(page, "/")
    assert "$150.0K" in metric(page, "Open pipeline")   # the whole organisation
    choose_scope(page, "Bob Baker")
    # The Overview is the default page: its address is the site's root.
    page.wait_for_url(re.compile(r"/\?scope=person(%3A|:)\d+$"))
    page.locator('[data-testid="stMetric"]', has_text="$120.0K").first.wait_for()
    shared = page.url

    # Someone else opens the link: same scope, same figures.
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other.goto(shared)
    wait_until_idle(other)
    assert_no_exception(other, live_app)
    assert "Bob Baker" in scope_shown(other)
    assert "$120.0K" in metric(other, "Open pipeline")
    other.screenshot(path=str(tmp_path / "shared-overview.png"), full_page=True)

    # Back returns to the whole organisation.
    choose_scope(page, "Alice Archer")
    page.locator('[data-testid="stMetric"]', has_text="$120.0K").first.wait_for()
    page.go_back()
    page.wait_for_url(shared)
    wait_until_idle(page)
    assert "Bob Baker" in scope_shown(page)
    other.context.close()


def test_a_shared_coverage_link_keeps_scope_and_section(browser, page, open_page, live_app):
    open_page(page, "/coverage")
    choose_scope(page, "Bob Baker")
    page.locator('[data-testid="stButtonGroup"]').get_by_text(
        re.compile(r"^Single owner \(\d+\)$")).click()
    page.wait_for_url(re.compile(r"section=single"))
    wait_until_idle(page)
    shared = page.url
    assert "scope=person" in shared

    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other.goto(shared)
    wait_until_idle(other)
    assert_no_exception(other, live_app)
    assert "3" in metric(other, "Stakeholders")
    selected = other.locator('[data-testid="stButtonGroup"] [aria-checked="true"]')
    assert [t for t in selected.all_inner_texts() if t.startswith("Single owner")]
    other.context.close()
