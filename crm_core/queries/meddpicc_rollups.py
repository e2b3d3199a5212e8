"""MEDDPICC gap roll-ups per company and per account team member (the per-stage roll-up and
value per gap type come with the screen's first view: meddpicc_screen)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Float, Select, case, cast, func, select
from sqlalchemy.orm import Session

from crm_core.models import User
from crm_core.queries.meddpicc_sql import gap_rows
from crm_core.queries.teams import full_team_select

ROLLUP_COLUMNS = ["opportunities", "gated", "fully_covered", "pipeline", "weighted_pipeline",
                  "value_at_risk", "weighted_value_at_risk", "missing", "unowned", "off_team",
                  "single_threaded"]


def _rollup_columns(rows) -> list:
    def money(column):
        return cast(func.coalesce(func.sum(column), 0.0), Float)

    def having(column):
        return func.coalesce(func.sum(case((column > 0, 1), else_=0)), 0)

    return [func.count().label("opportunities"),
            func.coalesce(func.sum(rows.c.gated), 0).label("gated"),
            func.coalesce(func.sum(rows.c.gated - rows.c.at_risk), 0).label("fully_covered"),
            money(rows.c.value).label("pipeline"),
            money(rows.c.weighted_value).label("weighted_pipeline"),
            money(rows.c.value_at_risk).label("value_at_risk"),
            money(rows.c.weighted_value_at_risk).label("weighted_value_at_risk"),
            having(rows.c.missing).label("missing"), having(rows.c.unowned).label("unowned"),
            having(rows.c.off_team).label("off_team"),
            func.coalesce(func.sum(rows.c.single_threaded), 0).label("single_threaded")]


def _frame(session: Session, stmt: Select) -> pd.DataFrame:
    result = session.execute(stmt)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def gaps_by_company(session: Session, *, limit: int = 50, offset: int = 0,
                    **filters) -> pd.DataFrame:
    """Companies with matching open opportunities, most value at risk first (paginated)."""
    rows = gap_rows(**filters).subquery()
    return _frame(session, select(rows.c.company_id, func.min(rows.c.company).label("company"),
                                  *_rollup_columns(rows))
                  .group_by(rows.c.company_id)
                  .order_by(func.sum(rows.c.value_at_risk).desc(), rows.c.company_id)
                  .limit(limit).offset(offset))


def gaps_by_team_member(session: Session, *, limit: int = 100, offset: int = 0,
                        **filters) -> pd.DataFrame:
    """Account team members (full team: inherited or added) over the opportunities they are on."""
    rows = gap_rows(**filters).subquery()
    team = full_team_select().subquery()
    # One row per (member, opportunity) even when a member is both inherited and added.
    members = (select(team.c.opportunity_id, team.c.user_id)
               .group_by(team.c.opportunity_id, team.c.user_id).subquery())
    return _frame(session, select(members.c.user_id, func.min(User.name).label("name"),
                                  *_rollup_columns(rows))
                  .select_from(rows)
                  .join(members, members.c.opportunity_id == rows.c.opportunity_id)
                  .join(User, User.id == members.c.user_id)
                  .group_by(members.c.user_id)
                  .order_by(func.sum(rows.c.value_at_risk).desc(), members.c.user_id)
                  .limit(limit).offset(offset))
