"""Every page of the app opens in a real Chromium without an exception box."""

from dashboard.navigation import PAGES


def test_every_page_opens_in_chromium_without_an_exception(page, open_page):
    for spec in PAGES:
        open_page(page, f"/{spec.url_path}")
        heading = page.locator("h1").first.inner_text()
        assert heading == spec.title, f"/{spec.url_path} shows heading {heading!r}"
