"""Trends: a scope's daily snapshots over a period, and the change of a figure since n days ago.

A day without a snapshot stays missing: the trend never fills it in.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from crm_core.models import Snapshot
from crm_core.queries.scope import Scope
from crm_core.snapshots import FIGURES

TREND_COLUMNS = ["day", *FIGURES, "owned_share", "synthetic"]


def scope_trend(session: Session, *, scope: str | None, today: date,
                days: int = 365) -> pd.DataFrame:
    """The scope's snapshots from today - days to today, oldest first (columns: TREND_COLUMNS);
    one range of the (scope, day) primary key."""
    key = str(Scope.parse(scope))
    # The owned share as the Coverage screen computes it: owned / stakeholders (none of 0).
    owned_share = (cast(Snapshot.owned, Float) / func.nullif(Snapshot.stakeholders, 0))
    columns = [owned_share.label(c) if c == "owned_share" else getattr(Snapshot, c)
               for c in TREND_COLUMNS]
    rows = session.execute(select(*columns).where(
        Snapshot.scope == key, Snapshot.day >= today - timedelta(days=days),
        Snapshot.day <= today).order_by(Snapshot.day)).all()
    frame = pd.DataFrame(rows, columns=TREND_COLUMNS)
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def value_on(trend: pd.DataFrame, figure: str, *, day: date) -> float | None:
    """The figure in that day's snapshot; None when the day has none (never guessed)."""
    found = trend.loc[trend["day"].dt.date == day, figure]
    return None if found.empty or pd.isna(found.iloc[0]) else found.iloc[0]


def change_since(trend: pd.DataFrame, figure: str, *, now: float | None, today: date,
                 days: int) -> float | None:
    """`now` minus the figure's value in the snapshot of `days` days before today; None when
    that day has no snapshot."""
    then = value_on(trend, figure, day=today - timedelta(days=days))
    return None if then is None or now is None else now - then
