"""The MEDDPICC screen's first view in one SQL pass over the gap rows: headline, per-stage
roll-up, value per gap type and the opportunities with the most value at risk."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Float, case, cast, func, literal, null, select, type_coerce, union_all
from sqlalchemy.orm import Session

from crm_core.queries.meddpicc import GapSummary, described_gap_rows
from crm_core.queries.meddpicc_rollups import ROLLUP_COLUMNS
from crm_core.queries.meddpicc_sql import GAP_TYPES, gap_rows
from crm_core.vocab import STAGES


@dataclass(frozen=True)
class GapScreen:
    """Headline, per-stage roll-up, value per gap type and the top of the gap list."""

    summary: GapSummary
    by_stage: pd.DataFrame
    by_gap_type: pd.DataFrame
    top: pd.DataFrame


def gap_screen(session: Session, *, limit: int = 200, **filters) -> GapScreen:
    """Everything the screen shows first, computing each open opportunity's gaps once.

    The gap rows are a common table expression read twice (both engines materialise it): once
    grouped per stage, once for the `limit` rows with the most value at risk (the order of
    `opportunity_gap_list`); the headline adds up the few stage rows.
    """
    rows = gap_rows(**filters).cte("gap_rows")

    def total(column):
        return cast(func.coalesce(func.sum(column), 0.0), Float)

    gap_conditions = {"missing": rows.c.missing > 0, "unowned": rows.c.unowned > 0,
                      "off_team": rows.c.off_team > 0,
                      "single_threaded": rows.c.single_threaded == 1}
    stage_columns = [
        func.count().label("s_opportunities"),
        func.coalesce(func.sum(rows.c.gated), 0).label("s_gated"),
        func.coalesce(func.sum(rows.c.gated - rows.c.at_risk), 0).label("s_fully_covered"),
        total(rows.c.value).label("s_pipeline"),
        total(rows.c.weighted_value).label("s_weighted_pipeline"),
        total(rows.c.value_at_risk).label("s_value_at_risk"),
        total(rows.c.weighted_value_at_risk).label("s_weighted_value_at_risk"),
        *(func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(f"s_{gap}")
          for gap, condition in gap_conditions.items()),
        *(total(case((condition, rows.c.value), else_=0.0)).label(f"s_{gap}_value")
          for gap, condition in gap_conditions.items()),
        *(total(case((condition, rows.c.weighted_value), else_=0.0))
          .label(f"s_{gap}_weighted_value") for gap, condition in gap_conditions.items())]
    # Both halves of the UNION share one column list (row columns, stage figures, rank); the
    # ranked rows come first, so their column types decode the result.
    per_stage = select(literal(0).label("part"),
                       *(c if c.key == "stage" else null().label(c.key) for c in rows.c),
                       *stage_columns, null().label("gap_rank")).group_by(rows.c.stage)
    order = [rows.c.value_at_risk.desc(), rows.c.value.desc(), rows.c.opportunity_id]
    first = select(*rows.c).order_by(*order).limit(limit).subquery("first_rows")
    ranked = select(literal(1).label("part"), *first.c,
                    *(type_coerce(null(), c.type).label(c.name) for c in stage_columns),
                    func.row_number().over(order_by=[first.c.value_at_risk.desc(),
                                                     first.c.value.desc(),
                                                     first.c.opportunity_id])
                    .label("gap_rank"))
    result = session.execute(union_all(ranked, per_stage))
    columns = list(result.keys())
    fetched = result.all()
    # Each half becomes a frame of its own, so the other half's NULLs never change its dtypes.
    stages = pd.DataFrame([r for r in fetched if r.part == 0], columns=columns)
    by_stage = _stage_frame(stages)
    by_gap_type = pd.DataFrame(
        [(gap, GAP_TYPES.label(gap), int(stages[f"s_{gap}"].sum()),
          float(stages[f"s_{gap}_value"].sum()), float(stages[f"s_{gap}_weighted_value"].sum()))
         for gap in gap_conditions],
        columns=["gap_type", "gap_label", "opportunities", "value", "weighted_value"])
    first_rows = sorted((r for r in fetched if r.part == 1), key=lambda r: r.gap_rank)
    top = pd.DataFrame([r[1:len(rows.c) + 1] for r in first_rows],
                       columns=[c.key for c in rows.c])
    return GapScreen(summary=_summary(by_stage), by_stage=by_stage, by_gap_type=by_gap_type,
                     top=described_gap_rows(session, top))


def _stage_frame(stages: pd.DataFrame) -> pd.DataFrame:
    """One row per stage in stage order, with meddpicc_rollups.ROLLUP_COLUMNS."""
    frame = pd.DataFrame({"stage": stages["stage"].tolist()})
    frame["stage_label"] = [STAGES.label(s) for s in frame["stage"]]
    for column in ROLLUP_COLUMNS:
        values = stages[f"s_{column}"].tolist()
        money = column in ("pipeline", "weighted_pipeline", "value_at_risk",
                           "weighted_value_at_risk")
        frame[column] = [float(v) for v in values] if money else [int(v) for v in values]
    order = {s: i for i, s in enumerate(STAGES)}
    return frame.sort_values("stage", key=lambda s: s.map(order)).reset_index(drop=True)


def _summary(by_stage: pd.DataFrame) -> GapSummary:
    return GapSummary(
        open_opportunities=int(by_stage["opportunities"].sum()),
        gated=int(by_stage["gated"].sum()), fully_covered=int(by_stage["fully_covered"].sum()),
        pipeline=float(by_stage["pipeline"].sum()),
        weighted_pipeline=float(by_stage["weighted_pipeline"].sum()),
        value_at_risk=float(by_stage["value_at_risk"].sum()),
        weighted_value_at_risk=float(by_stage["weighted_value_at_risk"].sum()),
        single_threaded=int(by_stage["single_threaded"].sum()),
        # A stage's required roles gate all its deals or none of them.
        not_gated_pipeline=float(by_stage.loc[by_stage["gated"] == 0, "pipeline"].sum()))
