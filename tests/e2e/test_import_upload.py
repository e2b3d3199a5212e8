"""In a real browser: upload a Salesforce Contact export on the import screen, see the dry-run
report with the rejected row, apply the valid rows, see the result, and download the export."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.e2e.conftest import assert_no_exception, wait_until_idle

pytestmark = pytest.mark.e2e

CONTACTS = ("\ufeffFirstName;LastName;Title;Email;Account.Name\n"
            "Kim;Kay;Head of IT;kim@acme.example;Acme Corp\n"
            "\n"
            "Lou;Lim;CFO;lou@initech.example;Initech\n").encode()


def test_uploading_a_file_shows_the_dry_run_report_and_applies_the_valid_rows(
        page, open_page, private_app, tmp_path):
    # The first request to a fresh server may show Streamlit's "Page not found" dialog over
    # the page (seen on every page); a second visit does not.
    open_page(page, "/import-export", base_url=private_app, screenshot="import_first_visit")
    open_page(page, "/import-export", base_url=private_app, screenshot="import_empty")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "Contact.csv", "mimeType": "text/csv", "buffer": CONTACTS}])
    wait_until_idle(page)
    page.get_by_role("button", name="Dry run").click()
    wait_until_idle(page)
    assert_no_exception(page)
    page.get_by_text("Dry run, nothing written. 2 rows: 1 to create, 0 to update, "
                     "0 unchanged, 1 rejected.").wait_for()
    page.screenshot(path=str(tmp_path / "import_dry_run.png"), full_page=True)
    page.get_by_text("Write the valid rows, skip the rejected ones").click()
    wait_until_idle(page)
    page.get_by_role("button", name="Apply import").click()
    wait_until_idle(page)
    assert_no_exception(page)
    page.get_by_text("Imported. 2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected.").wait_for()
    page.screenshot(path=str(tmp_path / "import_applied.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download full export (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert "kim@acme.example" in archive.read("stakeholders.csv").decode()
