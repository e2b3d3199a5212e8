"""The overview's own questions: how big the open pipeline is, per stage, and what closes soon;
each over the deals of a scope (crm_core.queries.scope), the whole organisation by default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.models import Company, Opportunity
from crm_core.queries.scope import Scope, scoped_opportunity_ids
from crm_core.vocab import OPEN_STAGES, STAGES


@dataclass(frozen=True)
class PipelineTotals:
    """The open pipeline: how many opportunities, their value, and value x probability."""

    open_opportunities: int
    pipeline: float
    weighted_pipeline: float


def _weighted_value():
    # value x probability%, summed in the database (probability is a whole percentage).
    return func.coalesce(func.sum(Opportunity.value * Opportunity.probability), 0) / 100.0


def _open_in_scope(scope: str | None) -> list:
    """Open opportunities whose full team includes someone in scope."""
    conditions = [Opportunity.stage.in_(OPEN_STAGES)]
    in_scope = scoped_opportunity_ids(Scope.parse(scope))
    if in_scope is not None:
        conditions.append(Opportunity.id.in_(in_scope))
    return conditions


def open_pipeline(session: Session, *, scope: str | None = None) -> PipelineTotals:
    """Count, value and weighted value of every opportunity in an open stage."""
    row = session.execute(
        select(func.count(Opportunity.id), func.coalesce(func.sum(Opportunity.value), 0),
               _weighted_value())
        .where(*_open_in_scope(scope))).one()
    return PipelineTotals(open_opportunities=int(row[0]), pipeline=float(row[1]),
                          weighted_pipeline=float(row[2]))


def pipeline_by_stage(session: Session, *, scope: str | None = None) -> pd.DataFrame:
    """One row per open stage, in stage order (empty stages as zeros):
    stage, stage_label, opportunities, pipeline, weighted_pipeline."""
    rows = session.execute(
        select(Opportunity.stage, func.count(Opportunity.id),
               func.coalesce(func.sum(Opportunity.value), 0), _weighted_value())
        .where(*_open_in_scope(scope))
        .group_by(Opportunity.stage)).all()
    found = {stage: (int(n), float(value), float(weighted)) for stage, n, value, weighted in rows}
    return pd.DataFrame(
        [(stage, STAGES.label(stage), *found.get(stage, (0, 0.0, 0.0))) for stage in OPEN_STAGES],
        columns=["stage", "stage_label", "opportunities", "pipeline", "weighted_pipeline"])


CLOSING_SOON_COLUMNS = ["opportunity_id", "opportunity", "company_id", "company", "stage",
                        "stage_label", "value", "probability", "expected_close_date", "slipped"]


def closing_soon(session: Session, *, today: date, within_days: int = 30,
                 limit: int = 10, scope: str | None = None) -> pd.DataFrame:
    """Open opportunities expected to close by today + within_days (slipped ones first),
    earliest first, then largest: the deals a leader should look at this month."""
    horizon = today + timedelta(days=within_days)
    rows = session.execute(
        select(Opportunity.id, Opportunity.name, Company.id, Company.name, Opportunity.stage,
               Opportunity.value, Opportunity.probability, Opportunity.expected_close_date)
        .join(Company, Company.id == Opportunity.company_id)
        .where(*_open_in_scope(scope),
               Opportunity.expected_close_date.is_not(None),
               Opportunity.expected_close_date <= horizon)
        .order_by(Opportunity.expected_close_date, Opportunity.value.desc(), Opportunity.id)
        .limit(limit)).all()
    return pd.DataFrame(
        [(oid, name, cid, company, stage, STAGES.label(stage), float(value), probability,
          close, close < today)
         for oid, name, cid, company, stage, value, probability, close in rows],
        columns=CLOSING_SOON_COLUMNS)
