"""A server killed while it applies an import: nothing of the import is written, and the page
the browser reconnects to (a new server on the same address) says what became of it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm_core.db import make_engine, read_session
from crm_core.models import Stakeholder
from tests.e2e.conftest import (
    assert_no_exception,
    free_port,
    known_dataset_url,
    start_streamlit,
    wait_until_idle,
)

pytestmark = pytest.mark.e2e

ROWS = 60_000  # enough for the apply to take seconds


def _contacts() -> bytes:
    lines = ["FirstName,LastName,Email,Account.Name"]
    lines += [f"Pat,Number{i},pat{i}@acme.example,Acme Corp" for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def _stakeholders(url: str) -> int:
    engine = make_engine(url)
    with read_session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Stakeholder))
    engine.dispose()
    return count


def test_the_page_says_an_interrupted_import_wrote_nothing(page, tmp_path, sqlite_template):
    url = known_dataset_url(tmp_path, sqlite_template)
    before = _stakeholders(url)
    port = free_port()
    process, base_url = start_streamlit(url, tmp_path / "first.log", port=port)
    try:
        # A fresh server's first page may open under a "Page not found" dialog: visit twice.
        for _ in range(2):
            page.goto(f"{base_url}/import-export")
            wait_until_idle(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": "Contact.csv", "mimeType": "text/csv", "buffer": _contacts()}])
        wait_until_idle(page)
        page.get_by_role("button", name="Dry run").click()
        page.get_by_text(f"Dry run, nothing written. {ROWS:,} rows").wait_for(timeout=120_000)
        page.get_by_role("button", name="Apply import").click()
        page.wait_for_url(lambda address: "import_running=Contact.csv" in address)
    finally:
        process.kill()  # the server dies in the middle of the import
        process.wait(timeout=20)
    process, _ = start_streamlit(url, tmp_path / "second.log", port=port)
    try:
        page.get_by_text("The import of Contact.csv did not finish").wait_for(timeout=120_000)
        wait_until_idle(page)
        assert_no_exception(page, base_url)
        assert "import_running" not in page.url
        page.screenshot(path=str(tmp_path / "import_interrupted.png"), full_page=True)
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert _stakeholders(url) == before
