"""The MEDDPICC screen's charts: the opportunities × roles heatmap and value at risk bars."""

from __future__ import annotations

import altair as alt
import pandas as pd

from crm_core.queries.meddpicc_sql import CELL_STATES
from crm_core.vocab import MEDDPICC_ROLES

# Green = covered and owned by the team; warm colours = a gap; grey = not required.
CELL_COLOURS = {"covered_owned": "#2e7d32", "covered_stale": "#9ccc65",
                "covered_off_team": "#ef6c00",
                "covered_unowned": "#f9a825", "covered_owner_departed": "#8d6e63",
                "missing": "#c62828", "not_required": "#e0e0e0"}
CELL_ORDER = ["covered_owned", "covered_stale", "covered_off_team", "covered_unowned",
              "covered_owner_departed", "missing", "not_required"]
RISK_COLOURS = {"Value at risk": "#c62828", "Weighted value at risk": "#ef9a9a"}
MONEY_FORMAT = "$,.0f"


def heatmap_frame(matrix: pd.DataFrame) -> pd.DataFrame:
    """Long form of `gap_matrix`: one row per (opportunity, MEDDPICC role) with labels."""
    labels = matrix["name"] + " · " + matrix["company"]
    # Two deals may share a name and company: keep each row distinct by its id.
    labels = labels.where(~labels.duplicated(keep=False),
                          labels + " (#" + matrix["opportunity_id"].astype(str) + ")")
    wide = matrix.assign(opportunity=labels.values)
    long = wide.melt(id_vars=["opportunity_id", "opportunity", "stage", "value",
                              "value_at_risk"], value_vars=list(MEDDPICC_ROLES),
                     var_name="role", value_name="state")
    long["state"] = long["state"].astype(str)
    long["Role"] = long["role"].map(MEDDPICC_ROLES.label)
    long["State"] = long["state"].map(CELL_STATES.label)
    return long


def gap_heatmap(matrix: pd.DataFrame) -> alt.Chart:
    """Rows = opportunities (in the matrix's order: most value at risk first), columns =
    MEDDPICC roles, colour = cell state. `matrix` is `crm_core.queries.meddpicc.gap_matrix`."""
    long = heatmap_frame(matrix)
    order = list(dict.fromkeys(long["opportunity"]))
    states = [CELL_STATES.label(s) for s in CELL_ORDER]
    return alt.Chart(long).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("Role:N", sort=[MEDDPICC_ROLES.label(r) for r in MEDDPICC_ROLES], title=None,
                # Two-word role names on two lines, so narrow columns never overlap.
                axis=alt.Axis(orient="top", labelAngle=0, labelOverlap=False,
                              labelExpr="split(datum.label, ' ')")),
        y=alt.Y("opportunity:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        color=alt.Color("State:N", scale=alt.Scale(domain=states,
                                                   range=[CELL_COLOURS[s] for s in CELL_ORDER]),
                        legend=alt.Legend(title=None, orient="bottom", columns=3)),
        tooltip=[alt.Tooltip("opportunity:N", title="Opportunity"),
                 alt.Tooltip("Role:N", title="MEDDPICC role"), alt.Tooltip("State:N"),
                 alt.Tooltip("value:Q", title="Value", format=MONEY_FORMAT),
                 alt.Tooltip("value_at_risk:Q", title="Value at risk", format=MONEY_FORMAT)],
    ).properties(height=alt.Step(22))


def _risk_bars(frame: pd.DataFrame, *, category: str, title: str, value: str,
               weighted: str, count: str) -> alt.Chart:
    long = frame.rename(columns={value: "Value at risk", weighted: "Weighted value at risk"}
                        ).melt(id_vars=[category, count], value_vars=list(RISK_COLOURS),
                               var_name="Measure", value_name="Amount")
    return alt.Chart(long).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y(f"{category}:N", title=None, sort=list(frame[category])),
        yOffset=alt.YOffset("Measure:N", sort=list(RISK_COLOURS)),
        x=alt.X("Amount:Q", title=None, axis=alt.Axis(format="$~s")),
        color=alt.Color("Measure:N", scale=alt.Scale(domain=list(RISK_COLOURS),
                                                     range=list(RISK_COLOURS.values())),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip(f"{category}:N", title=title),
                 alt.Tooltip(f"{count}:Q", title="Opportunities"), alt.Tooltip("Measure:N"),
                 alt.Tooltip("Amount:Q", format=MONEY_FORMAT)],
    ).properties(height=alt.Step(14))


def value_at_risk_by_stage_chart(frame: pd.DataFrame) -> alt.Chart:
    """Value and weighted value at risk per open stage (`gap_screen(...).by_stage`)."""
    return _risk_bars(frame, category="stage_label", title="Stage", value="value_at_risk",
                      weighted="weighted_value_at_risk", count="opportunities")


def value_at_risk_by_gap_type_chart(frame: pd.DataFrame) -> alt.Chart:
    """Value and weighted value of the deals having each gap type (`gap_screen().by_gap_type`)."""
    return _risk_bars(frame, category="gap_label", title="Gap type", value="value",
                      weighted="weighted_value", count="opportunities")
