"""The coverage screen's chart builders: what they plot, read back through the Vega-Lite spec."""

import pandas as pd

from dashboard.charts.coverage import coverage_bars_chart, coverage_heatmap, owner_load_chart


def _rows(spec: dict) -> list[dict]:
    (rows,) = spec["datasets"].values()
    return rows


def _layer_encodings(spec: dict) -> list[dict]:
    return [layer["encoding"] for layer in spec["layer"]]


COMPANIES = pd.DataFrame({
    "company_id": [3, 1], "company": ["Core", "Acme"], "industry": ["Software", "Software"],
    "stakeholders": [2, 4], "owned": [0, 3], "orphaned": [2, 1], "single_owner": [0, 2],
    "multi_owner": [0, 1], "owned_share": [0.0, 0.75], "open_pipeline": [0.0, 150_000.0],
    "open_opportunities": [0, 2]})


def test_coverage_bars_split_each_company_into_orphaned_single_and_multi_owner():
    spec = coverage_bars_chart(COMPANIES, category="company").to_dict()
    assert [(r["company"], r["Ownership"], r["count"]) for r in _rows(spec)] == [
        ("Core", "Orphaned", 2), ("Acme", "Orphaned", 1),
        ("Core", "Single owner", 0), ("Acme", "Single owner", 2),
        ("Core", "Two or more owners", 0), ("Acme", "Two or more owners", 1)]
    assert spec["encoding"]["y"]["sort"] == ["Core", "Acme"]  # the query's order is kept
    assert spec["encoding"]["color"]["scale"]["domain"] == [
        "Orphaned", "Single owner", "Two or more owners"]
    assert spec["mark"]["type"] == "bar"


def test_coverage_bars_per_industry_name_the_companies_without_one():
    industries = pd.DataFrame({
        "industry": ["Retail", None], "companies": [1, 2], "stakeholders": [3, 1],
        "owned": [2, 0], "orphaned": [1, 1], "single_owner": [2, 0], "multi_owner": [0, 0],
        "owned_share": [2 / 3, 0.0], "open_pipeline": [40_000.0, 0.0]})
    spec = coverage_bars_chart(industries, category="industry").to_dict()
    assert spec["encoding"]["y"]["field"] == "industry"
    assert spec["encoding"]["y"]["sort"] == ["Retail", "No industry"]


def test_the_heatmap_colours_owned_counts_and_outlines_account_team_cells():
    matrix = pd.DataFrame({
        "user_id": [1, 1, 2, 2], "user": ["Ann", "Ann", "Ben", "Ben"], "user_rank": [2, 2, 1, 1],
        "company_id": [1, 2, 1, 2], "company": ["Acme", "Bolt", "Acme", "Bolt"],
        "owned": [2, 0, 0, 1], "on_account_team": [True, False, False, False],
        "company_rank": [1, 2, 1, 2], "company_stakeholders": [4, 3, 4, 3],
        "company_orphaned": [1, 1, 1, 1], "company_open_pipeline": [150_000.0, 40_000.0] * 2})
    spec = coverage_heatmap(matrix).to_dict()
    cells, text = _layer_encodings(spec)
    assert cells["x"]["sort"] == ["Acme", "Bolt"]  # largest open pipeline first
    assert cells["y"]["sort"] == ["Ben", "Ann"]  # in the query's user order
    assert cells["color"]["condition"]["field"] == "owned"
    assert cells["stroke"]["condition"]["value"] == "#111111"
    assert text["text"]["field"] == "label"
    assert [(r["user"], r["company"], r["label"], r["team"]) for r in _rows(spec)] == [
        ("Ann", "Acme", "2", "On account team"), ("Ann", "Bolt", "", "Not on account team"),
        ("Ben", "Acme", "", "Not on account team"), ("Ben", "Bolt", "1", "Not on account team")]


def test_owner_load_splits_each_users_stakeholders_into_sole_and_shared():
    load = pd.DataFrame({
        "user_id": [1, 2], "name": ["Ann", "Ben"], "job_title": ["AE", "SE"],
        "stakeholders_owned": [3, 1], "sole_owner_of": [2, 0], "companies_touched": [2, 1],
        "open_opportunities": [3, 1], "open_pipeline": [190_000.0, 100_000.0],
        "owns_nobody": [False, False]})
    spec = owner_load_chart(load).to_dict()
    assert [(r["name"], r["Ownership"], r["count"]) for r in _rows(spec)] == [
        ("Ann", "Sole owner", 2), ("Ben", "Sole owner", 0),
        ("Ann", "Shared with others", 1), ("Ben", "Shared with others", 1)]
    assert spec["encoding"]["y"]["sort"] == ["Ann", "Ben"]
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"open_pipeline",
                                                                  "companies_touched"}
