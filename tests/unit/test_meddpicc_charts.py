"""The MEDDPICC chart builders return Altair charts over exactly the data they are given."""

import pandas as pd

from dashboard.charts.meddpicc import (
    CELL_COLOURS,
    gap_heatmap,
    heatmap_frame,
    value_at_risk_by_gap_type_chart,
    value_at_risk_by_stage_chart,
)


def matrix() -> pd.DataFrame:
    roles = {"decision_maker": "missing", "economic_buyer": "covered_owned",
             "influencer": "not_required", "champion": "covered_unowned",
             "gatekeeper": "not_required", "user": "not_required",
             "technical_buyer": "covered_off_team"}
    rows = [{"opportunity_id": 1, "name": "Deal", "company": "Acme", "stage": "solution",
             "value": 100.0, "value_at_risk": 100.0, **roles},
            {"opportunity_id": 2, "name": "Deal", "company": "Acme", "stage": "solution",
             "value": 50.0, "value_at_risk": 0.0, **roles}]
    return pd.DataFrame(rows)


def test_the_heatmap_has_one_cell_per_opportunity_and_role_in_the_given_order():
    long = heatmap_frame(matrix())
    assert len(long) == 2 * 7
    # Two deals of the same name and company stay two rows, told apart by id.
    assert list(dict.fromkeys(long["opportunity"])) == ["Deal · Acme (#1)", "Deal · Acme (#2)"]
    first = long[long["opportunity_id"] == 1].set_index("role")["State"]
    assert first["decision_maker"] == "Missing"
    assert first["technical_buyer"] == "Covered, owned off the deal team"
    spec = gap_heatmap(matrix()).to_dict()
    assert spec["mark"]["type"] == "rect"
    assert spec["encoding"]["y"]["sort"] == ["Deal · Acme (#1)", "Deal · Acme (#2)"]
    assert spec["encoding"]["color"]["scale"]["range"][0] == CELL_COLOURS["covered_owned"]


def test_the_value_at_risk_bars_show_value_and_weighted_value_per_category():
    stages = pd.DataFrame({"stage_label": ["Qualification", "Solution"], "opportunities": [1, 2],
                           "value_at_risk": [30.0, 120.0], "weighted_value_at_risk": [6.0, 60.0]})
    spec = value_at_risk_by_stage_chart(stages).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert {(d["stage_label"], d["Measure"], d["Amount"]) for d in data} == {
        ("Qualification", "Value at risk", 30.0), ("Qualification", "Weighted value at risk", 6.0),
        ("Solution", "Value at risk", 120.0), ("Solution", "Weighted value at risk", 60.0)}
    types = pd.DataFrame({"gap_label": ["Missing role"], "opportunities": [2], "value": [300.0],
                          "weighted_value": [120.0]})
    assert value_at_risk_by_gap_type_chart(types).to_dict()["mark"]["type"] == "bar"
