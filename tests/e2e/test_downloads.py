"""In a real browser: a list's Download CSV holds the whole list under the filters (not the
page shown), with text a spreadsheet would run as a formula defused."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator

import pytest

from bench.serve import IDLE
from crm_core.db import make_engine, write_session
from tests.app.dataset import build_known_dataset
from tests.e2e.conftest import assert_no_exception, start_streamlit
from tests.factories import add_company, add_stakeholder, add_task

pytestmark = pytest.mark.e2e

DOWNLOAD_TIMEOUT_MS = 120_000  # the machine may be busy: wait for the file, however long


@pytest.fixture
def app_with_long_lists(tmp_path, sqlite_template) -> Iterator[str]:
    """The known dataset (2 orphans, 2 open tasks) plus Initech's 30 orphaned stakeholders and
    55 open tasks, one of each named like a spreadsheet formula: 32 orphans (more than a page
    of 25) and 57 open tasks (more than a page of 50)."""
    shutil.copy(sqlite_template, tmp_path / "crm.db")
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    engine = make_engine(url)
    with write_session(engine) as session:
        build_known_dataset(session)
        initech = add_company(session, "Initech", industry="Software")
        add_stakeholder(session, initech, '=HYPERLINK("http://evil.example","Open")')
        for n in range(1, 30):
            add_stakeholder(session, initech, f"Orphan {n:02d}")
        add_task(session, "@SUM(1+1)", due_in_days=60, links=[("company", initech.id)])
        for n in range(1, 55):
            add_task(session, f"Initech task {n:02d}", due_in_days=60 + n)
    engine.dispose()
    process, base_url = start_streamlit(url, tmp_path / "streamlit.log")
    yield base_url
    process.terminate()
    process.wait(timeout=20)


def download_first_list(page, base_url: str, path: str, *, pager: str) -> tuple[str, list]:
    """Open the page, wait for its pager's text, click the first Download CSV; the file's
    suggested name and its rows (dicts by column label).

    The page is opened twice: a fresh server's first run of a page reruns it once (see
    dashboard.navigation.ensure_routed), and a click on a download button of the run being
    replaced finds no file."""
    for _ in range(2):
        page.goto(f"{base_url}{path}")
        page.get_by_text(pager).wait_for(timeout=DOWNLOAD_TIMEOUT_MS)
    button = page.locator('[data-testid="stDownloadButton"] button').first
    button.wait_for(timeout=DOWNLOAD_TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=DOWNLOAD_TIMEOUT_MS)
    assert_no_exception(page, base_url)
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download:
        button.click()
    text = download.value.path().read_text("utf-8")
    return download.value.suggested_filename, list(csv.DictReader(io.StringIO(text)))


def test_the_orphan_download_holds_every_orphan_with_formulas_defused(page,
                                                                      app_with_long_lists):
    file_name, rows = download_first_list(page, app_with_long_lists, "/coverage",
                                          pager="Showing 1–25 of 32")
    assert file_name == "orphaned-stakeholders.csv"
    assert len(rows) == 32
    names = {row["Stakeholder"] for row in rows}
    assert {"Fay Fox", "Hana Hill", "Orphan 01", "Orphan 29"} <= names
    assert "'=HYPERLINK(\"http://evil.example\",\"Open\")" in names


def test_the_task_download_holds_every_task_of_the_list_with_linked_names(page,
                                                                         app_with_long_lists):
    file_name, rows = download_first_list(page, app_with_long_lists, "/tasks",
                                          pager="Showing 1–50 of 57")
    assert file_name == "tasks.csv"
    assert len(rows) == 57
    assert [r["Task"] for r in rows[:3]] == ["Send pricing to Dana", "Book discovery call",
                                             "'@SUM(1+1)"]
    assert rows[2]["Company"] == "Initech"            # the name, not a link
    assert rows[-1]["Task"] == "Initech task 54"
