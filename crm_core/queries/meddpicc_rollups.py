"""MEDDPICC gap roll-ups: per stage, per company, per account team member, per gap type."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Float, Select, case, cast, func, select
from sqlalchemy.orm import Session

from crm_core.models import User
from crm_core.queries.meddpicc import GapSummary
from crm_core.queries.meddpicc_sql import GAP_TYPES, gap_rows
from crm_core.queries.teams import full_team_select
from crm_core.vocab import STAGES

ROLLUP_COLUMNS = ["opportunities", "fully_covered", "pipeline", "weighted_pipeline",
                  "value_at_risk", "weighted_value_at_risk", "missing", "unowned", "off_team",
                  "single_threaded"]


def _rollup_columns(rows) -> list:
    def money(column):
        return cast(func.coalesce(func.sum(column), 0.0), Float)

    def having(column):
        return func.coalesce(func.sum(case((column > 0, 1), else_=0)), 0)

    return [func.count().label("opportunities"),
            func.coalesce(func.sum(1 - rows.c.at_risk), 0).label("fully_covered"),
            money(rows.c.value).label("pipeline"),
            money(rows.c.weighted_value).label("weighted_pipeline"),
            money(rows.c.value_at_risk).label("value_at_risk"),
            money(rows.c.weighted_value_at_risk).label("weighted_value_at_risk"),
            having(rows.c.missing).label("missing"), having(rows.c.unowned).label("unowned"),
            having(rows.c.off_team).label("off_team"),
            func.coalesce(func.sum(rows.c.single_threaded), 0).label("single_threaded")]


def _gap_type_conditions(rows) -> dict:
    return {"missing": rows.c.missing > 0, "unowned": rows.c.unowned > 0,
            "off_team": rows.c.off_team > 0, "single_threaded": rows.c.single_threaded == 1}


def _frame(session: Session, stmt: Select) -> pd.DataFrame:
    result = session.execute(stmt)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def gaps_by_stage(session: Session, **filters) -> pd.DataFrame:
    """One row per open stage holding matching opportunities, in stage order."""
    rows = gap_rows(**filters).subquery()
    frame = _frame(session, select(rows.c.stage, *_rollup_columns(rows))
                   .group_by(rows.c.stage))
    frame.insert(1, "stage_label", [STAGES.label(s) for s in frame["stage"]])
    order = {s: i for i, s in enumerate(STAGES)}
    return frame.sort_values("stage", key=lambda s: s.map(order)).reset_index(drop=True)


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


def value_at_risk_by_gap_type(session: Session, **filters) -> pd.DataFrame:
    """Per gap type: opportunities having it, their value and weighted value (an opportunity
    with several gap types counts under each)."""
    rows = gap_rows(**filters).subquery()
    conditions = _gap_type_conditions(rows)
    columns = []
    for condition in conditions.values():
        columns += [func.coalesce(func.sum(case((condition, 1), else_=0)), 0),
                    cast(func.coalesce(func.sum(case((condition, rows.c.value), else_=0.0)),
                                       0.0), Float),
                    cast(func.coalesce(func.sum(case((condition, rows.c.weighted_value),
                                                     else_=0.0)), 0.0), Float)]
    row = session.execute(select(*columns)).one()
    return pd.DataFrame(
        [(gap, GAP_TYPES.label(gap), int(row[3 * i]), float(row[3 * i + 1]),
          float(row[3 * i + 2])) for i, gap in enumerate(conditions)],
        columns=["gap_type", "gap_label", "opportunities", "value", "weighted_value"])


@dataclass(frozen=True)
class GapOverview:
    """The screen's headline, per-stage roll-up and per-gap-type values from one SQL pass."""

    summary: GapSummary
    by_stage: pd.DataFrame
    by_gap_type: pd.DataFrame


def gap_overview(session: Session, **filters) -> GapOverview:
    """Headline, per-stage roll-up and value per gap type in one pass over the gap rows.

    The per-stage figures are SQL aggregates; the headline and gap-type totals add up those
    few stage rows (exact counts and sums), so the gap rows are computed once, not three times.
    """
    rows = gap_rows(**filters).subquery()
    conditions = _gap_type_conditions(rows)
    columns = []
    for gap, condition in conditions.items():
        columns += [cast(func.coalesce(func.sum(case((condition, rows.c.value), else_=0.0)),
                                       0.0), Float).label(f"{gap}_value"),
                    cast(func.coalesce(func.sum(case((condition, rows.c.weighted_value),
                                                     else_=0.0)), 0.0), Float)
                    .label(f"{gap}_weighted_value")]
    frame = _frame(session, select(rows.c.stage, *_rollup_columns(rows), *columns)
                   .group_by(rows.c.stage))
    frame.insert(1, "stage_label", [STAGES.label(s) for s in frame["stage"]])
    order = {s: i for i, s in enumerate(STAGES)}
    frame = frame.sort_values("stage", key=lambda s: s.map(order)).reset_index(drop=True)
    total, covered = int(frame["opportunities"].sum()), int(frame["fully_covered"].sum())
    summary = GapSummary(
        open_opportunities=total, fully_covered=covered,
        fully_covered_share=covered / total if total else None,
        pipeline=float(frame["pipeline"].sum()),
        weighted_pipeline=float(frame["weighted_pipeline"].sum()),
        value_at_risk=float(frame["value_at_risk"].sum()),
        weighted_value_at_risk=float(frame["weighted_value_at_risk"].sum()),
        single_threaded=int(frame["single_threaded"].sum()))
    by_gap_type = pd.DataFrame(
        [(gap, GAP_TYPES.label(gap), int(frame[gap].sum()), float(frame[f"{gap}_value"].sum()),
          float(frame[f"{gap}_weighted_value"].sum())) for gap in conditions],
        columns=["gap_type", "gap_label", "opportunities", "value", "weighted_value"])
    return GapOverview(summary=summary, by_stage=frame[["stage", "stage_label",
                                                        *ROLLUP_COLUMNS]],
                       by_gap_type=by_gap_type)
