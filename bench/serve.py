"""`streamlit run` with one addition for the browser benchmark: SIGUSR1 clears the data cache.

    python -m bench.serve ACK_FILE run Home.py --server.port 8501 ...

bench/browser.py times a page's cold first paint as a load right after the server's
st.cache_data is cleared (as bench/pages.py does for its AppTest renders). A running Streamlit
server has no outside switch for that, so this starts the very same server as
`python -m streamlit` (its command line, the same arguments) and, on SIGUSR1, clears the data
cache and then writes how many clears it has done into ACK_FILE.

What starts such a server and drives it in Chromium is shared here too, by the browser
benchmark and the end-to-end tests: `free_port`, `wait_for_health`, the Chromium binary and
arguments, and the selector of an idle app.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

# Debian's Chromium (never a downloaded browser); CRM_CHROMIUM points elsewhere.
CHROMIUM = os.environ.get("CRM_CHROMIUM", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
# The app once its script has finished running.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(base_url: str, process: subprocess.Popen, *, timeout: float = 60,
                    log: Path | None = None) -> None:
    """Wait until the Streamlit server at base_url answers its health check; fail (with the
    tail of its log, when given) if the process exits first or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = f":\n{log.read_text()[-2000:]}" if log else ""
            raise RuntimeError(f"streamlit exited with {process.returncode}{tail}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{base_url} did not become healthy in {timeout}s")


def main(argv: list[str]) -> None:
    """Serve with the cache-clearing signal; argv is ACK_FILE then Streamlit's arguments."""
    ack, streamlit_args = Path(argv[0]), argv[1:]
    cleared = 0

    def clear() -> None:
        nonlocal cleared
        import streamlit as st

        st.cache_data.clear()
        cleared += 1
        ack.write_text(str(cleared))

    # The clear runs in a thread of its own: a signal handler interrupts the main thread (the
    # server's event loop) anywhere, and must not take the caches' locks there.
    signal.signal(signal.SIGUSR1, lambda *_: threading.Thread(target=clear).start())
    from streamlit.web.cli import main as streamlit_cli

    streamlit_cli(streamlit_args, prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
