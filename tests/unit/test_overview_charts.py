"""The overview's chart builders: what they plot, read back through the Vega-Lite spec."""

import pandas as pd
import pytest

from dashboard.charts.overview import (
    ownership_chart,
    pipeline_by_stage_chart,
    pipeline_risk_chart,
)


def _rows(spec: dict) -> list[dict]:
    (rows,) = spec["datasets"].values()
    return rows


def test_pipeline_chart_plots_pipeline_and_weighted_pipeline_per_stage_in_stage_order():
    frame = pd.DataFrame({
        "stage": ["prospecting", "proposal"], "stage_label": ["Prospecting", "Proposal"],
        "opportunities": [1, 2], "pipeline": [10_000.0, 120_000.0],
        "weighted_pipeline": [1_000.0, 80_000.0]})
    spec = pipeline_by_stage_chart(frame).to_dict()
    assert [(r["stage_label"], r["Measure"], r["Amount"]) for r in _rows(spec)] == [
        ("Prospecting", "Pipeline", 10_000.0), ("Proposal", "Pipeline", 120_000.0),
        ("Prospecting", "Weighted pipeline", 1_000.0),
        ("Proposal", "Weighted pipeline", 80_000.0)]
    assert spec["encoding"]["y"]["sort"] == ["Prospecting", "Proposal"]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Pipeline", "Weighted pipeline"]


def test_ownership_chart_splits_stakeholders_into_shares_that_add_up_to_one():
    spec = ownership_chart(orphaned=2, single_owner=3, multi_owner=5).to_dict()
    rows = _rows(spec)
    assert [(r["Part"], r["Amount"], r["Label"]) for r in rows] == [
        ("Orphaned", 2, "20%"), ("Single owner", 3, "30%"), ("Two or more owners", 5, "50%")]
    assert [(r["Start"], r["End"]) for r in rows] == [
        pytest.approx((0.0, 0.2)), pytest.approx((0.2, 0.5)), pytest.approx((0.5, 1.0))]


def test_risk_chart_splits_the_pipeline_into_covered_at_risk_and_not_gated_value():
    rows = _rows(pipeline_risk_chart(pipeline=200_000, value_at_risk=50_000,
                                     not_gated=40_000).to_dict())
    assert [(r["Part"], r["Amount"], r["Share"]) for r in rows] == [
        ("Fully covered", 110_000, 0.55), ("At risk", 50_000, 0.25), ("Not gated", 40_000, 0.2)]


def test_a_part_too_narrow_for_its_percentage_is_left_unlabelled():
    rows = _rows(ownership_chart(orphaned=1, single_owner=0, multi_owner=99).to_dict())
    assert [r["Label"] for r in rows] == ["", "", "99%"]
