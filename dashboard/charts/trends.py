"""Trend lines of a scope's snapshots: one small chart per figure, broken where a day is missing."""

from __future__ import annotations

import altair as alt
import pandas as pd

LINE_COLOUR = "#1f6feb"


def with_segments(trend: pd.DataFrame, figure: str) -> pd.DataFrame:
    """day, value and segment: a new segment starts after each missing day, so the line is
    drawn through consecutive days only and a gap stays a gap."""
    frame = trend[["day", figure]].rename(columns={figure: "value"}).sort_values("day")
    missing_before = frame["day"].diff().dt.days.fillna(1) > 1
    return frame.assign(segment=missing_before.cumsum().astype(int)).reset_index(drop=True)


def trend_chart(trend: pd.DataFrame, figure: str, *, label: str, money: bool = False,
                share: bool = False) -> alt.LayerChart:
    """A line of one figure over the days of `trend` (crm_core.queries.trends.scope_trend),
    one line per run of consecutive days, with a point on each day for the tooltip."""
    frame = with_segments(trend, figure)
    value_format = "$,.0f" if money else ".1%" if share else ",d"
    axis_format = "$~s" if money else "%" if share else "~s"
    base = alt.Chart(frame).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%d %b", labelOverlap=True)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False),
                axis=alt.Axis(format=axis_format)),
        tooltip=[alt.Tooltip("day:T", title="Day", format="%d %B %Y"),
                 alt.Tooltip("value:Q", title=label, format=value_format)])
    line = base.mark_line(color=LINE_COLOUR).encode(detail="segment:N")
    points = base.mark_point(color=LINE_COLOUR, size=8, filled=True, opacity=0.5)
    return alt.layer(line, points).properties(height=120, title=label)
