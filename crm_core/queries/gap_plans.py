"""How far the gap plans of deals have got: per deal and MEDDPICC role, the plan's steps and
how many are done (cancelled steps left out)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from crm_core.models import GapPlanStep, Task
from crm_core.queries.meddpicc import opportunity_gaps


def gap_plan_progress(session: Session, *, opportunity_ids: Sequence[int]) -> pd.DataFrame:
    """opportunity_id, meddpicc_role, sequence_id (the latest plan), steps and done (counted
    over every plan of that gap)."""
    if not opportunity_ids:
        return pd.DataFrame(columns=["opportunity_id", "meddpicc_role", "sequence_id",
                                     "steps", "done"])
    done = func.sum(case((Task.status == "done", 1), else_=0))
    rows = session.execute(
        select(GapPlanStep.opportunity_id, GapPlanStep.meddpicc_role,
               func.max(Task.parent_task_id), func.count(), done)
        .join(Task, Task.id == GapPlanStep.task_id)
        .where(GapPlanStep.opportunity_id.in_([int(i) for i in opportunity_ids]),
               Task.status != "cancelled")
        .group_by(GapPlanStep.opportunity_id, GapPlanStep.meddpicc_role)
        .order_by(GapPlanStep.opportunity_id, GapPlanStep.meddpicc_role)).all()
    return pd.DataFrame(rows, columns=["opportunity_id", "meddpicc_role", "sequence_id",
                                       "steps", "done"])


def closed_gap_of_step(session: Session, *, task_id: int) -> str | None:
    """The MEDDPICC role of the gap a plan step works on, when that gap is closed now (the
    deal's cell states say so); None for a task of no plan or a gap still open."""
    step = session.get(GapPlanStep, task_id)
    if step is None:
        return None
    gaps = opportunity_gaps(session, opportunity_id=step.opportunity_id)
    still_open = gaps is not None and step.meddpicc_role in (
        set(gaps.missing) | set(gaps.unowned) | set(gaps.owner_departed) | set(gaps.off_team))
    return None if still_open else step.meddpicc_role
