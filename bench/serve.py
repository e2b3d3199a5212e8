"""`streamlit run` with one addition for the browser benchmark: SIGUSR1 clears the data cache.

    python -m bench.serve ACK_FILE run Home.py --server.port 8501 ...

bench/browser.py times a page's cold first paint as a load right after the server's
st.cache_data is cleared (as bench/pages.py does for its AppTest renders). A running Streamlit
server has no outside switch for that, so this starts the very same server as
`python -m streamlit` (its command line, the same arguments) and, on SIGUSR1, clears the data
cache and then writes how many clears it has done into ACK_FILE.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path


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
