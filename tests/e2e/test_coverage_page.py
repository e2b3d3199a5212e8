"""The Coverage screen in a real Chromium: headline, charts, section switch, industry toggle."""

from tests.e2e.conftest import assert_no_exception, wait_until_idle


def test_the_coverage_page_shows_its_headline_charts_and_orphans(page, open_page, tmp_path):
    open_page(page, "/coverage")
    assert page.locator("h1").first.inner_text() == "Coverage"
    metrics = page.locator('[data-testid="stMetric"]')
    assert metrics.count() == 7  # five headline figures, owned and fresh, owned but stale
    assert "Orphaned" in metrics.nth(2).inner_text() and "2" in metrics.nth(2).inner_text()
    page.locator('[data-testid="stVegaLiteChart"]').nth(0).wait_for()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 1  # the section below
    sections = page.locator('[data-testid="stButtonGroup"]')
    assert sections.get_by_text("Orphaned (2)", exact=True).count() == 1
    assert page.get_by_text("Assign an owner").count() == 1  # the local operator is an admin
    sections.get_by_text("Owner load", exact=True).click()
    wait_until_idle(page)
    assert_no_exception(page)
    page.locator('[data-testid="stVegaLiteChart"]').nth(1).wait_for()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 2
    page.locator('[data-testid="stButtonGroup"]').get_by_text("Industry", exact=True).click()
    wait_until_idle(page)
    assert_no_exception(page)
    page.set_viewport_size({"width": 1400, "height": 4000})
    page.screenshot(path=str(tmp_path / "coverage_by_industry.png"), full_page=True)
