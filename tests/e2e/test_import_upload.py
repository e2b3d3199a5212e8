"""In a real browser: upload a Salesforce Contact export on the import screen, see the dry-run
report with the rejected row, apply the valid rows, see the result, and download the export."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from bench.serve import IDLE
from tests.e2e.conftest import assert_no_exception

pytestmark = pytest.mark.e2e

# Every wait is for a condition; under load (several test runs on two cores) each step may
# take far longer than on an idle machine, so each may take up to this long.
GENEROUS_MS = 180_000

CONTACTS = ("\ufeffFirstName;LastName;Title;Email;Account.Name\n"
            "Kim;Kay;Head of IT;kim@acme.example;Acme Corp\n"
            "\n"
            "Lou;Lim;CFO;lou@initech.example;Initech\n").encode()


def test_uploading_a_file_shows_the_dry_run_report_and_applies_the_valid_rows(
        page, private_app, tmp_path):
    # The first request to a fresh server may show Streamlit's "Page not found" dialog over
    # the page (seen on every page); a second visit does not.
    for visit in ("import_first_visit", "import_empty"):
        page.goto(f"{private_app}/import-export")
        page.wait_for_selector(IDLE, timeout=GENEROUS_MS)
        page.screenshot(path=str(tmp_path / f"{visit}.png"), full_page=True)
    assert_no_exception(page, private_app)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "Contact.csv", "mimeType": "text/csv", "buffer": CONTACTS}])
    dry_run = page.get_by_role("button", name="Dry run")
    expect(dry_run).to_be_enabled(timeout=GENEROUS_MS)
    dry_run.click()
    page.get_by_text("Dry run, nothing written. 2 rows: 1 to create, 0 to update, "
                     "0 unchanged, 1 rejected.").wait_for(timeout=GENEROUS_MS)
    assert_no_exception(page, private_app)
    page.screenshot(path=str(tmp_path / "import_dry_run.png"), full_page=True)
    valid_rows_only = page.get_by_text("Write the valid rows, skip the rejected ones")
    valid_rows_only.click()
    expect(page.get_by_role("radio", name="Write the valid rows, skip the rejected ones")
           ).to_be_checked(timeout=GENEROUS_MS)
    page.wait_for_selector(IDLE, timeout=GENEROUS_MS)
    page.get_by_role("button", name="Apply import").click()
    page.get_by_text("Imported. 2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected."
                     ).wait_for(timeout=GENEROUS_MS)
    assert_no_exception(page, private_app)
    page.screenshot(path=str(tmp_path / "import_applied.png"), full_page=True)
    # A click on the button of a run that is being replaced finds no file: wait for the page
    # to settle first. The ZIP is written when the button is clicked: on a busy machine that
    # takes a while.
    page.wait_for_selector(IDLE, timeout=GENEROUS_MS)
    with page.expect_download(timeout=GENEROUS_MS) as download:
        page.get_by_role("button", name="Download full export (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert "kim@acme.example" in archive.read("stakeholders.csv").decode()
