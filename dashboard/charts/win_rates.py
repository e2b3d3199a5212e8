"""The charts of "What coverage is worth": win rate per group with its 95% interval."""

from __future__ import annotations

import altair as alt
import pandas as pd


def win_rate_chart(groups: pd.DataFrame) -> alt.LayerChart:
    """Horizontal bars of the win rate per group, with the Wilson 95% interval as a rule.

    `groups` is one comparison's rows of `crm_core.queries.win_rates.win_rates`, the groups to
    draw only, in display order.
    """
    order = list(groups["label"])
    data = groups[["label", "won", "lost", "deals", "win_rate", "low", "high"]]
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=200)))
    tooltip = [alt.Tooltip("label:N", title="Group"),
               alt.Tooltip("win_rate:Q", title="Win rate", format=".0%"),
               alt.Tooltip("low:Q", title="95% interval from", format=".0%"),
               alt.Tooltip("high:Q", title="95% interval to", format=".0%"),
               alt.Tooltip("won:Q", title="Won"), alt.Tooltip("lost:Q", title="Lost")]
    bars = base.mark_bar(color="#1565c0", cornerRadiusEnd=2).encode(
        x=alt.X("win_rate:Q", title="Win rate (95% interval)",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=tooltip)
    interval = base.mark_rule(color="#212121", strokeWidth=2).encode(
        x="low:Q", x2="high:Q", tooltip=tooltip)
    return alt.layer(bars, interval).properties(height=alt.Step(32))
