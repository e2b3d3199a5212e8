"""The change-over-time section of the dashboards: per headline figure, the value now with its
change against 7 and 30 days ago, and its trend line from the scope's daily snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from crm_core.glossary import help_text, name
from crm_core.queries.coverage import coverage_summary
from crm_core.queries.meddpicc import gap_summary
from crm_core.queries.owner_load import off_account_team_owners
from crm_core.queries.tasks import task_counts
from crm_core.queries.trends import change_since, scope_trend
from crm_core.snapshots import figures_from
from dashboard.charting import show_chart
from dashboard.charts.trends import trend_chart
from dashboard.data import engine, load
from dashboard.format import money, percent
from dashboard.snapshot_job import snapshot_today_in_background

TREND_DAYS = 365
PERIODS = (7, 30)
TRENDS_OPEN = "trends_open"  # the section's expander, and its URL parameter


@dataclass(frozen=True)
class Figure:
    """A headline figure as the trend section shows it."""

    column: str       # in the snapshot (crm_core.snapshots.FIGURES) or the trend
    label: str
    help_key: str     # its glossary entry
    better: str       # "up", "down" (the delta turns green going down) or "" (neither)
    kind: str = "count"  # count, money or share


FIGURES = {f.column: f for f in (
    Figure("owned_share", "Ownership coverage", "owned", "up", "share"),
    Figure("orphaned", name("orphaned"), "orphaned", "down"),
    Figure("orphaned_owner_departed", name("orphaned_owner_departed"),
           "orphaned_owner_departed", "down"),
    Figure("single_owner", name("single_owner"), "single_owner", "down"),
    Figure("off_account_team", name("off_account_team"), "off_account_team", "down"),
    Figure("open_deals", f"{name('open_deal')}s", "open_deal", ""),
    Figure("fully_covered", f"{name('fully_covered')} deals", "fully_covered", "up"),
    Figure("value_at_risk", name("value_at_risk"), "value_at_risk", "down", "money"),
    Figure("weighted_value_at_risk", name("weighted_at_risk"), "weighted_at_risk", "down",
           "money"),
    Figure("single_threaded", f"{name('single_threaded')} deals", "single_threaded", "down"),
    Figure("overdue_tasks", f"{name('overdue')} tasks", "overdue", "down"),
)}
# Which live answer holds each figure: only those a page shows are loaded.
_SOURCES = {"coverage": {"owned_share", "orphaned", "orphaned_owner_departed", "single_owner"},
            "off_account_team": {"off_account_team"},
            "gaps": {"open_deals", "fully_covered", "value_at_risk", "weighted_value_at_risk",
                     "single_threaded"},
            "tasks": {"overdue_tasks"}}


def live_values(columns: list[str], *, scope: str, today: date) -> dict[str, float | None]:
    """The figures now, from the same cached loads the dashboards show."""
    needed = {source for source, figures in _SOURCES.items() if figures & set(columns)}
    coverage = load(coverage_summary, scope=scope) if "coverage" in needed else None
    values = figures_from(
        coverage=coverage,
        gaps=load(gap_summary, scope=scope) if "gaps" in needed else None,
        tasks=load(task_counts, today=today, scope=scope) if "tasks" in needed else None,
        off_account_team=load(off_account_team_owners, limit=0, scope=scope).total
        if "off_account_team" in needed else None)
    if coverage is not None:
        values["owned_share"] = coverage.owned_share
    return values


def shown(figure: Figure, value: float | None) -> str:
    """The value as the dashboards write it."""
    if figure.kind == "share":
        return percent(value)
    if figure.kind == "money":
        return money(value)
    return "—" if value is None else f"{value:,.0f}"


def delta_text(figure: Figure, change: float | None, days: int) -> str | None:
    """'+3 in 7 days', '-1.2 pts in 30 days' (None: no snapshot that day, no delta shown)."""
    if change is None:
        return None
    if figure.kind == "share":
        amount = f"{change * 100:+.1f} pts"
    elif figure.kind == "money":
        amount = ("+" if change >= 0 else "-") + money(abs(change))
    else:
        amount = f"{change:+,.0f}"
    return f"{amount} in {days} days"


def change_over_time(columns: list[str], *, scope: str, today: date) -> None:
    """The section, in an expander computed only when open (its state in the URL, so a link
    opens it): per figure, its value now with the changes in 7 and 30 days, and its trend over
    the last year; days without a snapshot are gaps."""
    snapshot_today_in_background(engine())
    section = st.expander(name("trend") + "s", key=TRENDS_OPEN, bind="query-params",
                          icon=":material/trending_up:")
    if not section.open:
        return
    with section:
        _show_trends(columns, scope=scope, today=today)


def _show_trends(columns: list[str], *, scope: str, today: date) -> None:
    trend = load(scope_trend, scope=scope, today=today, days=TREND_DAYS)
    now = live_values(columns, scope=scope, today=today)
    if trend.empty:
        st.caption("No snapshot of this scope yet: its history starts with the first daily "
                   "snapshot (`python -m crm_core.snapshots`).")
    else:
        st.caption(help_text("snapshot") + (
            f" {name('synthetic_history')}: {help_text('synthetic_history')}"
            if trend["synthetic"].any() else ""))
    for column, cell in zip(columns, st.columns(len(columns)), strict=True):
        figure = FIGURES[column]
        colour = {"up": "normal", "down": "inverse"}.get(figure.better, "off")
        with cell:
            for days in PERIODS:
                change = change_since(trend, column, now=now[column], today=today, days=days)
                st.metric(f"{figure.label} · {days} days", shown(figure, now[column]),
                          delta=delta_text(figure, change, days), delta_color=colour,
                          border=True, help=f"{help_text(figure.help_key)} "
                          f"{help_text(f'change_{days}_days')}")
            if not trend.empty:
                show_chart(trend_chart, trend, column, label=figure.label,
                           money=figure.kind == "money", share=figure.kind == "share")
