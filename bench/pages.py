"""Render every page server-side through AppTest: cold (empty data cache) and a cached rerun,
and the process's peak memory while doing so. Runs in its own process:

    python -m bench.pages --url sqlite:///bench/results/bench-large.db --runs 3 --out pages.json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import sys
import time
from pathlib import Path

BENCH_ADMIN = "bench-admin@example.com"
HOME = str(Path(__file__).resolve().parents[1] / "Home.py")
DETAIL_PARAMS = {"pages/user.py": "user_id", "pages/company.py": "company_id",
                 "pages/stakeholder.py": "stakeholder_id",
                 "pages/opportunity.py": "opportunity_id"}


def _peak_rss_mb() -> float:
    """The most memory this process has held (VmHWM; ru_maxrss would include the peak of the
    parent that started it, which Linux carries across fork and exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _detail_ids(url: str) -> dict[str, int]:
    from bench.queries import sample_ids
    from crm_core.db import make_engine

    engine = make_engine(url)
    try:
        ids = sample_ids(engine)
    finally:
        engine.dispose()
    return {key: ids[key] for key in DETAIL_PARAMS.values()}


def render_pages(url: str, *, runs: int, scripts: list[str] | None = None,
                 scope: str | None = None) -> dict:
    """Cold and cached-rerun render times of each page (ms, medians) and peak memory (MB);
    the dashboards in `scope` ('team:12') when given."""
    os.environ["CRM_DATABASE_URL"] = url
    os.environ["CRM_ADMIN_EMAILS"] = BENCH_ADMIN
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    # Clearing caches outside a server run logs a warning per call; they say nothing here.
    for name in ("streamlit", "streamlit.runtime"):
        logging.getLogger(name).setLevel(logging.ERROR)

    from dashboard.navigation import PAGES

    ids = _detail_ids(url)
    baseline_mb = _peak_rss_mb()
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(HOME, default_timeout=300)
    at.user = {"is_logged_in": True, "email_verified": True,
               "email": BENCH_ADMIN, "name": "Benchmark"}
    started = time.perf_counter()
    at.run()
    first_start_ms = (time.perf_counter() - started) * 1000
    results = []
    for spec in PAGES:
        if scripts and spec.script not in scripts:
            continue
        cold, cached, error = [], [], ""
        for _ in range(runs):
            at = AppTest.from_file(HOME, default_timeout=300)
            at.user = {"is_logged_in": True, "email_verified": True,
                       "email": BENCH_ADMIN, "name": "Benchmark"}
            at.run()
            if spec.script in DETAIL_PARAMS:
                at.query_params["id"] = str(ids[DETAIL_PARAMS[spec.script]])
            if scope:
                at.query_params["scope"] = scope
            at.switch_page(spec.script)
            st.cache_data.clear()  # cold: nothing this page reads is cached yet
            started = time.perf_counter()
            at.run()
            cold.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            at.run()
            cached.append((time.perf_counter() - started) * 1000)
            if at.exception:
                error = str(at.exception[0].message)[:200]
                break
        results.append({"page": spec.script, "title": spec.title,
                        "detail": spec.script in DETAIL_PARAMS,
                        "cold_ms": round(statistics.median(cold), 1),
                        "cached_ms": round(statistics.median(cached), 1),
                        "cold_runs_ms": [round(t, 1) for t in cold],
                        "cached_runs_ms": [round(t, 1) for t in cached], "error": error})
    return {"first_start_ms": round(first_start_ms, 1), "pages": results,
            "baseline_rss_mb": baseline_mb, "peak_rss_mb": _peak_rss_mb()}


def main(argv: list[str] | None = None) -> int:
    """Command line: render every page of the database at --url, write JSON to --out."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="database URL holding the dataset")
    parser.add_argument("--runs", type=int, default=3, help="renders per page (median)")
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--page", action="append", help="only this page script (repeatable)")
    parser.add_argument("--scope", help="the dashboards' scope, e.g. team:12")
    args = parser.parse_args(argv)
    result = render_pages(args.url, runs=args.runs, scripts=args.page, scope=args.scope)
    Path(args.out).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
