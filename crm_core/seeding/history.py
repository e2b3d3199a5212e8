"""A synthetic history of daily snapshots for the demo: invented, plausible, ending exactly at
today's real snapshot (taken by the same queries as any other day's).

Looking back, things were a little worse: fewer stakeholders and more of them orphaned, fewer
deals fully covered, more value at risk and more overdue tasks; each figure wanders by a small
random walk that is zero today. The snapshot job "did not run" on two days, a gap in the line.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from sqlalchemy import Engine, select

from crm_core.db import read_session, write_session
from crm_core.models import Snapshot
from crm_core.snapshots import FIGURES, insert_if_absent, take_snapshots

HISTORY_DAYS = 28 * 7
MISSED_DAYS = (45, 46)  # days ago without a snapshot


def _walk(rng: random.Random, days: int) -> list[float]:
    """A relative wander per day ago: 0 today, about ±2% at the far end."""
    steps, value = [0.0], 0.0
    for _ in range(days):
        value += rng.gauss(0.0, 0.02 / math.sqrt(days))
        steps.append(value)
    return steps


def _day_figures(today: dict, k: int, rng: random.Random, walk: list[float],
                 departures_day: int) -> dict:
    p = k / HISTORY_DAYS  # 0 today, 1 at the start of the history

    def wander(value: float, trend: float) -> float:
        return max(0.0, value * (1 + trend * p) * (1 + walk[k] + rng.gauss(0.0, 0.004)))

    stakeholders = round(wander(today["stakeholders"], -0.08))
    orphaned = min(stakeholders, round(wander(today["orphaned"], 0.35)))
    owned = stakeholders - orphaned
    single_share = today["single_owner"] / today["owned"] if today["owned"] else 0.0
    # The departures that orphaned relationships happened on one day not long ago.
    departed = today["orphaned_owner_departed"] if k < departures_day else \
        round(today["orphaned_owner_departed"] * 0.2)
    open_deals = round(wander(today["open_deals"], 0.04 * math.sin(k / 14)))
    gated = min(open_deals, round(today["gated_deals"] * open_deals / today["open_deals"])
                ) if today["open_deals"] else 0
    at_risk = wander(today["value_at_risk"], 0.3)
    weighted_share = (today["weighted_value_at_risk"] / today["value_at_risk"]
                      if today["value_at_risk"] else 0.0)
    return {"stakeholders": stakeholders, "owned": owned, "orphaned": orphaned,
            "orphaned_owner_departed": min(orphaned, departed),
            "single_owner": min(owned, round(wander(owned * single_share, 0.05))),
            "off_account_team": round(wander(today["off_account_team"], 0.2)),
            "open_deals": open_deals, "gated_deals": gated,
            "fully_covered": min(gated, round(wander(today["fully_covered"], -0.4))),
            "value_at_risk": round(at_risk, 2),
            "weighted_value_at_risk": round(at_risk * weighted_share, 2),
            "single_threaded": min(open_deals, round(wander(today["single_threaded"], 0.15))),
            "overdue_tasks": round(wander(today["overdue_tasks"], 0.25)),
            "due_soon_tasks": round(wander(today["due_soon_tasks"], 0.0))}


def seed_history(engine: Engine, *, today: date, seed: int) -> int:
    """Take today's snapshots, then write HISTORY_DAYS of synthetic ones before them (marked
    synthetic); returns the rows written."""
    take_snapshots(engine, day=today)
    with read_session(engine) as session:
        latest = session.scalars(select(Snapshot).where(Snapshot.day == today)).all()
        todays = {s.scope: {f: getattr(s, f) for f in FIGURES} for s in latest}
    rows = []
    for scope, figures in todays.items():
        rng = random.Random(f"{seed}:{scope}")
        walk = _walk(rng, HISTORY_DAYS)
        departures_day = rng.randint(10, 60)
        rows += [{"scope": scope, "day": today - timedelta(days=k), "synthetic": True,
                  **_day_figures(figures, k, rng, walk, departures_day)}
                 for k in range(1, HISTORY_DAYS + 1) if k not in MISSED_DAYS]
    with write_session(engine) as session:
        insert_if_absent(session, rows)
    return len(rows) + len(todays)
