"""The overview's charts: pipeline by stage, how relationships are owned, pipeline at risk."""

from __future__ import annotations

import altair as alt
import pandas as pd

PIPELINE_COLOURS = {"Pipeline": "#9ecae1", "Weighted pipeline": "#1f6feb"}
OWNERSHIP_COLOURS = {"Orphaned": "#c62828", "Single owner": "#f9a825",
                     "Two or more owners": "#2e7d32"}
RISK_COLOURS = {"Fully covered": "#2e7d32", "At risk": "#c62828", "Not gated": "#9e9e9e"}
MONEY_FORMAT = "$,.0f"


def _legend_scale(colours: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def pipeline_by_stage_chart(frame: pd.DataFrame) -> alt.Chart:
    """Grouped bars per open stage (in stage order): pipeline and weighted pipeline.

    `frame` is `crm_core.queries.overview.pipeline_by_stage`.
    """
    long = frame.rename(columns={"pipeline": "Pipeline",
                                 "weighted_pipeline": "Weighted pipeline"}).melt(
        id_vars=["stage_label", "opportunities"], value_vars=list(PIPELINE_COLOURS),
        var_name="Measure", value_name="Amount")
    return alt.Chart(long).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("stage_label:N", title=None, sort=list(frame["stage_label"])),
        yOffset=alt.YOffset("Measure:N", sort=list(PIPELINE_COLOURS)),
        x=alt.X("Amount:Q", title=None, axis=alt.Axis(format="$~s")),
        color=alt.Color("Measure:N", scale=_legend_scale(PIPELINE_COLOURS),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("stage_label:N", title="Stage"),
                 alt.Tooltip("opportunities:Q", title="Open opportunities"),
                 alt.Tooltip("Measure:N"), alt.Tooltip("Amount:Q", format=MONEY_FORMAT)],
    ).properties(height=alt.Step(14))


def _share_bar(counts: dict[str, float], colours: dict[str, str], *, unit: str,
               value_format: str) -> alt.LayerChart:
    total = sum(counts.values())
    frame = pd.DataFrame({"Part": list(counts), "Amount": list(counts.values())})
    frame["Share"] = frame["Amount"] / total if total else 0.0
    frame["End"] = frame["Share"].cumsum()
    frame["Start"] = frame["End"] - frame["Share"]
    frame["Middle"] = (frame["Start"] + frame["End"]) / 2
    # Label only the parts wide enough to hold their percentage.
    frame["Label"] = [f"{share:.0%}" if share >= 0.08 else "" for share in frame["Share"]]
    base = alt.Chart(frame)
    bar = base.mark_bar(height=34).encode(
        x=alt.X("Start:Q", title=None, scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%", tickCount=5)),
        x2="End:Q",
        color=alt.Color("Part:N", scale=_legend_scale(colours),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("Part:N"), alt.Tooltip("Amount:Q", title=unit,
                                                    format=value_format),
                 alt.Tooltip("Share:Q", format=".0%")])
    text = base.mark_text(color="white", fontWeight="bold").encode(
        x="Middle:Q", text="Label:N")
    return alt.layer(bar, text).properties(height=60)


def ownership_chart(*, orphaned: int, single_owner: int, multi_owner: int) -> alt.Chart:
    """One bar split into orphaned, single-owner and multi-owner stakeholders (shares)."""
    counts = dict(zip(OWNERSHIP_COLOURS, (orphaned, single_owner, multi_owner), strict=True))
    return _share_bar(counts, OWNERSHIP_COLOURS, unit="Stakeholders", value_format=",d")


def pipeline_risk_chart(*, pipeline: float, value_at_risk: float,
                        not_gated: float = 0.0) -> alt.Chart:
    """One bar splitting the open pipeline into fully covered, at-risk and not gated value."""
    counts = {"Fully covered": max(pipeline - value_at_risk - not_gated, 0.0),
              "At risk": value_at_risk, "Not gated": not_gated}
    return _share_bar(counts, RISK_COLOURS, unit="Value", value_format=MONEY_FORMAT)
