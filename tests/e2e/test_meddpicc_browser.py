"""The MEDDPICC screen and the admin Settings page in a real Chromium."""

from tests.e2e.conftest import wait_until_idle


def test_the_meddpicc_screen_shows_the_headline_heatmap_and_gap_table(page, open_page,
                                                                     tmp_path):
    open_page(page, "/meddpicc", screenshot="meddpicc")
    assert page.locator("h1").first.inner_text() == "MEDDPICC"
    metrics = page.locator('[data-testid="stMetric"]')
    assert "Open opportunities" in metrics.first.inner_text()
    # Charts mount after the script has finished; wait for the third before counting.
    page.locator('[data-testid="stVegaLiteChart"]').nth(2).wait_for()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 3
    assert page.get_by_text("Opportunities and their gaps").count() == 1
    page.locator('[data-testid="stButtonGroup"] button').filter(has_text="10").first.click()
    wait_until_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(tmp_path / "meddpicc_top_10.png"), full_page=True)


def test_the_settings_page_shows_the_stage_by_role_grid(page, open_page):
    open_page(page, "/settings", screenshot="settings")
    assert page.locator("h1").first.inner_text() == "Settings"
    assert page.locator('[data-testid="stCheckbox"]').count() == 6 * 7
