"""Trends: a scope's daily snapshots over a period, and the change of a figure since n days ago.

A day without a snapshot stays missing: the trend never fills it in.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import Snapshot
from crm_core.queries.scope import Scope
from crm_core.snapshots import FIGURES

TREND_COLUMNS = ["day", *FIGURES, "synthetic"]


def scope_trend(session: Session, *, scope: str | None, today: date,
                days: int = 365) -> pd.DataFrame:
    """The scope's snapshots from today - days to today, oldest first (columns: TREND_COLUMNS);
    one range of the (scope, day) primary key."""
    key = str(Scope.parse(scope))
    columns = [getattr(Snapshot, c) for c in TREND_COLUMNS]
    rows = session.execute(select(*columns).where(
        Snapshot.scope == key, Snapshot.day >= today - timedelta(days=days),
        Snapshot.day <= today).order_by(Snapshot.day)).all()
    frame = pd.DataFrame(rows, columns=TREND_COLUMNS)
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def change_since(trend: pd.DataFrame, figure: str, *, today: date,
                 days: int) -> float | None:
    """Today's value of the figure minus its value `days` days before; None when either day
    has no snapshot (a gap is never guessed across)."""
    by_day = trend.set_index(trend["day"].dt.date)[figure]
    then = today - timedelta(days=days)
    if today not in by_day.index or then not in by_day.index:
        return None
    return by_day[today] - by_day[then]
