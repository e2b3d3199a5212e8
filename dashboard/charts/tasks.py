"""The task screen's charts: overdue and due-soon tasks by owner, tasks completed per week."""

from __future__ import annotations

import altair as alt
import pandas as pd

DUE_COLOURS = {"Overdue": "#c62828", "Due soon": "#f9a825"}


def due_by_owner_chart(frame: pd.DataFrame, *, top: int = 15) -> alt.Chart:
    """Stacked bars per user (most overdue first): overdue and due-soon linked tasks.

    `frame` is `crm_core.queries.task_rollups.due_by_user`.
    """
    shown = frame.head(top).rename(columns={"overdue": "Overdue", "due_soon": "Due soon"})
    long = shown.melt(id_vars=["user_id", "name"], value_vars=list(DUE_COLOURS),
                      var_name="When", value_name="Tasks")
    return alt.Chart(long).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("name:N", title=None, sort=list(shown["name"]),
                axis=alt.Axis(labelOverlap=False, labelLimit=180)),
        x=alt.X("Tasks:Q", title="Tasks", stack="zero", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("When:N", scale=alt.Scale(domain=list(DUE_COLOURS),
                                                  range=list(DUE_COLOURS.values())),
                        legend=alt.Legend(title=None, orient="bottom")),
        order=alt.Order("When:N", sort="descending"),
        tooltip=[alt.Tooltip("name:N", title="User"), alt.Tooltip("When:N"),
                 alt.Tooltip("Tasks:Q")],
    ).properties(height=alt.Step(22))


def completed_per_week_chart(frame: pd.DataFrame) -> alt.Chart:
    """Bars of tasks completed per week (the week's Monday on the x axis).

    `frame` is `crm_core.queries.task_rollups.completed_per_week`.
    """
    weeks = pd.to_datetime(frame["week"])
    data = frame.assign(label=weeks.dt.strftime("%d %b"), week=weeks.dt.strftime("%Y-%m-%d"))
    return alt.Chart(data).mark_bar(color="#2e7d32", cornerRadiusEnd=2).encode(
        x=alt.X("label:O", title="Week of", sort=list(data["label"]),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("completed:Q", title="Tasks completed", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("week:N", title="Week of (Monday)"),
                 alt.Tooltip("completed:Q", title="Completed")],
    ).properties(height=300)
