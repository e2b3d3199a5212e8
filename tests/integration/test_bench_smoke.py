"""The benchmark at demo scale, so it cannot rot: every part runs and reports (no timings are
asserted; the benchmark itself checks its targets on the large dataset)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.browser import chromium_missing
from bench.importing import measure_import
from bench.machine import describe_machine
from bench.queries import compare_figures, sample_ids, screen_queries, time_screen_queries
from bench.report import _ms, render_report
from bench.snapshots import measure_snapshots
from crm_core.seeding import seed_database
from dashboard.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]


def test_every_query_runs_and_the_figures_compare_with_their_references(engine):
    seed_database(engine)
    ids = sample_ids(engine)

    timings = time_screen_queries(engine, ids, runs=1)
    figures = compare_figures(engine, ids, runs=1, naive_runs=1)

    assert len(timings) == len(screen_queries()) > 20
    failed = [(t.name, t.note) for t in timings
              if t.median_ms is None and not t.note.startswith("skipped")]
    assert failed == []
    assert {f["figure"] for f in figures} >= {"coverage per company", "MEDDPICC gap matrix"}
    for figure in figures:
        assert figure["ours"]["median_ms"] is not None, figure["ours"]["note"]
        assert figure["hand_sql"]["median_ms"] is not None, figure["hand_sql"]["note"]
    assert all(f["naive_orm"]["median_ms"] for f in figures if f["naive_orm"])

    report = render_report({
        "when": "now", "scale": "demo", "machine": describe_machine(),
        "backends": {engine.dialect.name: {
            "seed": {"median_s": 0.5, "runs_s": [0.5], "rows": 7_000},
            "queries": [t.__dict__ for t in timings], "figures": figures}}})
    assert "coverage per company" in report and "`coverage.coverage_summary`" in report


def test_the_csv_import_is_timed_step_by_step_and_reported(engine):
    result = measure_import(engine, rows=300, companies=7)

    assert list(result["seconds"]) == ["dry_run", "apply", "re_import", "update"]
    assert result["summaries"] == {
        "dry_run": "Dry run, nothing written. 300 rows: 300 to create, 0 to update, "
                   "0 unchanged, 0 rejected.",
        "apply": "Imported. 300 rows: 300 created, 0 updated, 0 unchanged, 0 rejected.",
        "re_import": "Imported. 300 rows: 0 created, 0 updated, 300 unchanged, 0 rejected.",
        "update": "Imported. 300 rows: 0 created, 300 updated, 0 unchanged, 0 rejected."}
    report = render_report({
        "when": "now", "scale": "demo", "machine": describe_machine(),
        "backends": {engine.dialect.name: {
            "seed": {"median_s": 0.5, "runs_s": [0.5], "rows": 7_000}, "queries": [],
            "figures": [], "import": result}}})
    assert "#### Stakeholder CSV import (300 rows)" in report
    assert "holding the 7 companies the rows name" in report


def test_pages_render_in_their_own_process_with_peak_memory(sqlite_engine, tmp_path):
    seed_database(sqlite_engine)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    sqlite_engine.dispose()
    out = tmp_path / "pages.json"

    subprocess.run([sys.executable, "-m", "bench.pages", "--url", url, "--runs", "1",
                    "--out", str(out), "--page", "pages/overview.py",
                    "--page", "pages/company.py"], cwd=ROOT, check=True, timeout=300)

    result = json.loads(out.read_text())
    assert [p["page"] for p in result["pages"]] == ["pages/overview.py", "pages/company.py"]
    assert all(p["error"] == "" and p["cold_ms"] > 0 for p in result["pages"])
    assert result["peak_rss_mb"] >= result["baseline_rss_mb"] > 0


@pytest.mark.e2e
def test_first_paint_in_chromium_is_measured_for_every_page_and_reported(sqlite_engine,
                                                                          tmp_path):
    if reason := chromium_missing():
        pytest.skip(f"the browser benchmark {reason}")
    seed_database(sqlite_engine)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    sqlite_engine.dispose()
    out = tmp_path / "browser.json"

    subprocess.run([sys.executable, "-m", "bench.browser", "--url", url, "--runs", "1",
                    "--out", str(out)], cwd=ROOT, check=True, timeout=600)

    result = json.loads(out.read_text())
    assert [p["page"] for p in result["pages"]] == [spec.script for spec in PAGES]
    assert [p["error"] for p in result["pages"]] == [""] * len(PAGES), result["server_log_tail"]
    for page in result["pages"]:
        assert page["cold_ms"] > 0 and page["warm_ms"] > 0, page
    detail = {p["page"]: p["url"] for p in result["pages"] if p["detail"]}
    assert detail["pages/company.py"].startswith("/company?id=") and len(detail) == 4
    assert result["first_load_ms"] > 0 and result["server_start_ms"] > 0

    report = render_report({
        "when": "now", "scale": "demo", "machine": describe_machine(),
        "backends": {"sqlite": {"seed": {"median_s": 0.5, "runs_s": [0.5], "rows": 7_000},
                                "queries": [], "figures": [], "browser": result}}})
    section = report.split("#### First paint in Chromium")[1].split("####")[0]
    for page in result["pages"]:
        title = page["title"] + (" (detail)" if page["detail"] else "")
        assert f"| {title} | {_ms(page['cold_ms'])}" in section
    assert f"sqlite: Chromium {result['chromium']}" in section


def test_taking_every_scopes_snapshots_is_timed_and_reported(engine):
    seed_database(engine)
    result = measure_snapshots(engine, scope="organisation", runs=1)
    # The demo's organisation, its 2 regions and its 5 managers' teams; 28 weeks of history
    # less 2 missed days, and today.
    assert (result["scopes"], result["trend_days"]) == (8, 195)
    report = render_report({
        "when": "now", "scale": "demo", "machine": describe_machine(),
        "backends": {engine.dialect.name: {
            "seed": {"median_s": 0.5, "runs_s": [0.5], "rows": 7_000}, "queries": [],
            "figures": [], "snapshots": result}}})
    assert "#### Snapshots" in report
