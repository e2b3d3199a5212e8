"""First paint of every page in Chromium, cold and warm, served by the real app. Runs in its own
process:

    python -m bench.browser --url sqlite:///bench/results/bench-large.db --runs 3 --out paint.json

The app is started as deployed (`streamlit run Home.py`, headless, a free port on 127.0.0.1,
no sign-in configured, so the browser is the local admin and reaches every page: see
dashboard/auth.py), through bench/serve.py, which only adds a signal that clears the data
cache. Debian's Chromium, driven by Playwright (never a downloaded browser), opens each page of
dashboard.navigation.PAGES by its URL (the default page at /, see page_url); detail pages get
?id= of the benchmark's sample record (bench.queries.sample_ids, as bench/pages.py uses).

First paint: from navigation start (the new document's performance.timeOrigin, the moment the
browser starts navigating to the URL) to the first animation frame in which the page's title
heading (the first h1, showing the page's title) is rendered AND Streamlit reports the script
finished (stApp's data-test-script-state is "notRunning": no running indicator, every element
of the run sent). It is read in the page as performance.now() at that frame, so Playwright's
own round trips are not counted.

- cold: the load right after the server's data cache (st.cache_data) was cleared, as
  bench/pages.py does for its AppTest renders. The server process (imports, engine) and the
  browser's cache of Streamlit's static files are warm: a first visitor after a restart pays
  more, reported once as server_start_ms and first_load_ms.
- warm: the same URL loaded again straight after, its data served from the cache.
Medians over --runs rounds; each round clears the cache before each page. Beside each figure,
the CPU time the app server process used for that load (until it settled; 10 ms ticks): on this
shared machine wall time waits for a core, CPU time less so (on PostgreSQL the database
server's own work is not in it, nor is Chromium's).

Streamlit 1.67 treats the pages/ folder the legacy way until a script of the process has called
st.navigation, so the first request to a page URL on a fresh server can show a "Page not
found" dialog. As the e2e tests do (tests/e2e/test_import_upload.py), the server's first load
is a throwaway visit (timed as first_load_ms; a dialog there is closed) before any page is
measured; a measured load that still shows a dialog or an exception box is that page's error.

A database whose schema is behind the code's migrations is not measured: the app would migrate
it on start (see unmigrated).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.serve import CHROMIUM, CHROMIUM_ARGS, IDLE, free_port, wait_for_health

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_MS = 120_000
# Truthy (the time since navigation start) once the page's title heading is rendered and the
# script has finished; false before.
PAINTED = """title => {
  const app = document.querySelector('[data-testid="stApp"]');
  const heading = document.querySelector('h1');
  return app !== null && app.dataset.testScriptState === 'notRunning'
    && heading !== null && heading.getClientRects().length > 0
    && heading.innerText.trim() === title && performance.now();
}"""


def chromium_missing() -> str:
    """Why the browser benchmark cannot run here, or '' when it can."""
    if not Path(CHROMIUM).exists():
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return ""


def unmigrated(url: str) -> str:
    """Why the app would write to this database on start, or '' when it would not.

    The app migrates a database behind the code's migrations on its first start: measuring
    must not change the schema of someone's database, so such a database is not measured
    (the benchmark's own databases are migrated to head when it creates them)."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from crm_core.db import PROJECT_ROOT, make_engine

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    heads = set(ScriptDirectory.from_config(config).get_heads())
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    if current == heads:
        return ""
    return (f"the database is at revision {', '.join(sorted(current)) or 'none'}, the code at "
            f"{', '.join(sorted(heads))}: the app would migrate it (migrate it, or measure a "
            f"copy)")


@contextmanager
def app_server(database_url: str, folder: Path) -> Iterator[tuple[str, int, Callable[[], None]]]:
    """`streamlit run Home.py` on the database; yields (base URL, its pid, clear_data_cache)."""
    port, ack, log_path = free_port(), folder / "cleared", folder / "streamlit.log"
    secrets = folder / "secrets.toml"
    secrets.write_text("# sign-in off\n")  # a developer's own secrets.toml is never read
    env = {**os.environ, "CRM_DATABASE_URL": database_url,
           "CRM_SEED_DEMO": "0"}  # the benchmark's database is never written to
    env.pop("CRM_ADMIN_EMAILS", None)  # the local operator is the admin
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.serve", str(ack), "run", "Home.py",
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--secrets.files", str(secrets)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"

    def clear_data_cache() -> None:
        done = int(ack.read_text()) + 1 if ack.exists() else 1
        process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 30
        while not (ack.exists() and ack.read_text() == str(done)):
            if time.monotonic() > deadline:
                raise TimeoutError("the server did not confirm clearing its data cache")
            time.sleep(0.01)

    try:
        wait_for_health(base_url, process, timeout=120, log=log_path)
        yield base_url, process.pid, clear_data_cache
    finally:
        process.terminate()
        process.wait(timeout=30)


def cpu_ms(pid: int) -> float:
    """CPU time (user + system, all threads) a process has used so far, in ms."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _problem(page) -> str:
    """The text of an exception box or dialog (e.g. "Page not found") on the page, else ''."""
    if page.locator('[data-testid="stException"]').count():
        # Viewers see a generic message (client.showErrorDetails = "none").
        return "exception box (the traceback is in server_log_tail)"
    dialogs = page.get_by_role("dialog")
    return " ".join(dialogs.first.inner_text().split())[:200] if dialogs.count() else ""


def first_paint(page, url: str, title: str) -> tuple[float | None, str]:
    """(ms from navigation start to first paint, problem seen or '') of one load of the URL."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(url, wait_until="commit")
    try:
        painted = page.wait_for_function(PAINTED, arg=title, polling="raf").json_value()
    except PlaywrightTimeout:
        heading = page.locator("h1")
        shown = heading.first.inner_text() if heading.count() else "no heading"
        return None, _problem(page) or f"no {title!r} heading ({shown!r}) within the timeout"
    # As tests/e2e's wait_until_idle: outlast a rerun, then look for an error or a dialog.
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE)
    return round(painted, 1), _problem(page)


def page_url(spec, ids: dict[str, int]) -> str:
    """The path of a page: "/" for the default page (Streamlit ignores its url_path, and
    /overview would show "Page not found" before running it), ?id= for detail pages."""
    from bench.pages import DETAIL_PARAMS

    path = "/" if spec.default else f"/{spec.url_path}"
    return path + (f"?id={ids[DETAIL_PARAMS[spec.script]]}" if spec.script in DETAIL_PARAMS
                   else "")


def _median(values: list[float | None]) -> float | None:
    measured = [v for v in values if v is not None]
    return round(statistics.median(measured), 1) if measured else None


def measure_first_paint(url: str, *, runs: int, scripts: list[str] | None = None) -> dict:
    """Cold and warm first paint of each page (ms, medians), and the server's start-up."""
    if reason := chromium_missing() or unmigrated(url):
        return {"note": f"skipped: {reason}"}
    from playwright.sync_api import sync_playwright

    from bench.pages import DETAIL_PARAMS, _detail_ids
    from dashboard.navigation import PAGES

    ids = _detail_ids(url)
    specs = [spec for spec in PAGES if not scripts or spec.script in scripts]
    urls = {spec.script: page_url(spec, ids) for spec in specs}
    cold = {spec.script: [] for spec in specs}
    warm = {spec.script: [] for spec in specs}
    cold_cpu = {spec.script: [] for spec in specs}
    warm_cpu = {spec.script: [] for spec in specs}
    errors = dict.fromkeys(urls, "")
    with (tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        started = time.perf_counter()
        with app_server(url, Path(folder)) as (base_url, pid, clear_data_cache):
            server_start_ms = (time.perf_counter() - started) * 1000
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(TIMEOUT_MS)
            default = next(spec for spec in PAGES if spec.default)
            first_load_ms, _ = first_paint(page, base_url + "/", default.title)
            if page.get_by_role("dialog").count():
                page.keyboard.press("Escape")
                page.get_by_role("dialog").wait_for(state="hidden")
            for _ in range(runs):  # rounds outside, pages inside: noise spreads over pages
                for spec in specs:
                    clear_data_cache()
                    for times, cpu in ((cold, cold_cpu), (warm, warm_cpu)):
                        cpu_started = cpu_ms(pid)
                        ms, problem = first_paint(page, base_url + urls[spec.script],
                                                  spec.title)
                        times[spec.script].append(ms)
                        cpu[spec.script].append(round(cpu_ms(pid) - cpu_started))
                        errors[spec.script] = errors[spec.script] or problem
            # A page's error box says nothing to viewers; the traceback is in the server log.
            log_tail = ((Path(folder) / "streamlit.log").read_text()[-4000:]
                        if any(errors.values()) else "")
        version = browser.version
        browser.close()
    return {"chromium": version, "server_start_ms": round(server_start_ms, 1),
            "first_load_ms": first_load_ms,
            "pages": [{"page": spec.script, "title": spec.title, "url": urls[spec.script],
                       "detail": spec.script in DETAIL_PARAMS,
                       "cold_ms": _median(cold[spec.script]),
                       "warm_ms": _median(warm[spec.script]),
                       "cold_server_cpu_ms": _median(cold_cpu[spec.script]),
                       "warm_server_cpu_ms": _median(warm_cpu[spec.script]),
                       "cold_runs_ms": cold[spec.script], "warm_runs_ms": warm[spec.script],
                       "error": errors[spec.script]} for spec in specs],
            "server_log_tail": log_tail}


def main(argv: list[str] | None = None) -> int:
    """Command line: first paint of every page of the database at --url, JSON to --out."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="database URL holding the dataset")
    parser.add_argument("--runs", type=int, default=3, help="loads per page (median)")
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--page", action="append", help="only this page script (repeatable)")
    args = parser.parse_args(argv)
    result = measure_first_paint(args.url, runs=args.runs, scripts=args.page)
    Path(args.out).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
