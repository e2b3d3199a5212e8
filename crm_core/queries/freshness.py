"""Relationship freshness: when an owner last touched a stakeholder, and whether that is stale.

The last touch of an ownership (user, stakeholder) is the latest completed task linked to both
of them (task_entities); only done tasks carry a completion time, so cancelled ones never count.
An ownership is fresh when touched within the stale threshold (an admin setting), stale when
touched longer ago, and never touched when no such task exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import String, and_, case, distinct, exists, func, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from crm_core import glossary
from crm_core.models import (
    Company,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    Task,
    TaskEntity,
)
from crm_core.queries.coverage_scope import (
    CoverageFilters,
    owner_counts,
    scoped_stakeholder_ids,
    share,
)
from crm_core.queries.scope import departed_user_ids
from crm_core.queries.settings import stale_after_days
from crm_core.queries.teams import full_team_select
from crm_core.vocab import Term, Vocabulary

# Values as computed in SQL; names and definitions from the glossary.
FRESHNESS = Vocabulary("freshness", [
    Term(key, glossary.name(key), glossary.term(key).definition)
    for key in ("fresh", "stale", "never_touched")])


def stale_cutoff(session: Session, *, today: date) -> datetime:
    """The earliest completion time that still makes an ownership fresh on `today`."""
    return datetime.combine(today - timedelta(days=stale_after_days(session)), time.min)


def last_touch(stakeholder_id: ColumnElement, user_id: ColumnElement) -> ColumnElement:
    """The last touch of the ownership in the outer row (NULL when never touched)."""
    by_stakeholder = aliased(TaskEntity, name="touch_stakeholder")
    by_user = aliased(TaskEntity, name="touch_user")
    return (select(func.max(Task.completed_at)).select_from(by_stakeholder)
            .join(by_user, by_user.task_id == by_stakeholder.task_id)
            .join(Task, Task.id == by_stakeholder.task_id)
            .where(by_stakeholder.entity_type == "stakeholder",
                   by_stakeholder.entity_id == stakeholder_id,
                   by_user.entity_type == "user", by_user.entity_id == user_id,
                   Task.status == "done")
            .scalar_subquery())


def state_of(touch: ColumnElement, cutoff: datetime) -> ColumnElement:
    """The freshness value of a last-touch column."""
    return case((touch.is_(None), "never_touched"), (touch >= cutoff, "fresh"), else_="stale")


def _done_task_pairs(columns):
    """A select over each done task's (stakeholder link, user link) pairs; `columns(by
    stakeholder link, by user link)` gives what it selects. Returns it and the two links."""
    by_stakeholder = aliased(TaskEntity, name="touch_stakeholder")
    by_user = aliased(TaskEntity, name="touch_user")
    stmt = (select(*columns(by_stakeholder, by_user)).select_from(Task)
            .join(by_stakeholder, and_(by_stakeholder.task_id == Task.id,
                                       by_stakeholder.entity_type == "stakeholder"))
            .join(by_user, and_(by_user.task_id == Task.id, by_user.entity_type == "user"))
            .where(Task.status == "done"))
    return stmt, by_stakeholder, by_user


def fresh_pairs(since: datetime) -> Subquery:
    """(stakeholder_id, user_id) of every pair a task done at or after `since` links, once.

    Starts from the recent completions (a range of the completions index), materialised on
    PostgreSQL: its planner otherwise starts from every link and filters the tasks last."""
    recent = (select(Task.id).where(Task.status == "done", Task.completed_at >= since)
              .cte("recent_done").prefix_with("MATERIALIZED", dialect="postgresql"))
    by_stakeholder = aliased(TaskEntity, name="fresh_stakeholder")
    by_user = aliased(TaskEntity, name="fresh_user")
    return (select(by_stakeholder.entity_id.label("stakeholder_id"),
                   by_user.entity_id.label("user_id")).select_from(recent)
            .join(by_stakeholder, and_(by_stakeholder.task_id == recent.c.id,
                                       by_stakeholder.entity_type == "stakeholder"))
            .join(by_user, and_(by_user.task_id == recent.c.id, by_user.entity_type == "user"))
            .distinct().subquery("fresh_pairs"))


def touches() -> Subquery:
    """(stakeholder_id, user_id, last_touch) of every pair a done task links: each done task's
    links grouped once, which beats a lookup per ownership when the whole book is wanted."""
    stmt, by_stakeholder, by_user = _done_task_pairs(lambda s, u: (
        s.entity_id.label("stakeholder_id"), u.entity_id.label("user_id"),
        func.max(Task.completed_at).label("last_touch")))
    return stmt.group_by(by_stakeholder.entity_id, by_user.entity_id).subquery("touches")


def ownership_freshness(session: Session, *, today: date) -> pd.DataFrame:
    """Every ownership of the book: stakeholder_id, user_id, last_touch, freshness."""
    owner, touched = StakeholderRelationshipOwner, touches()
    # The times come as the driver gives them and pandas parses them all at once: parsing
    # each of the ~200,000 rows in Python took a third of the figure's time on SQLite.
    stmt = (select(owner.stakeholder_id, owner.user_id,
                   type_coerce(touched.c.last_touch, String).label("last_touch"),
                   state_of(touched.c.last_touch, stale_cutoff(session, today=today))
                   .label("freshness"))
            .outerjoin(touched, and_(touched.c.stakeholder_id == owner.stakeholder_id,
                                     touched.c.user_id == owner.user_id))
            .order_by(owner.stakeholder_id, owner.user_id))
    result = session.connection().execute(stmt)
    frame = pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))
    frame["last_touch"] = pd.to_datetime(frame["last_touch"], format="ISO8601")
    return frame


@dataclass(frozen=True)
class OwnedFreshness:
    """Owned stakeholders split by whether any owner touched them within the threshold."""

    stale_after_days: int
    owned: int
    owned_fresh: int

    @property
    def owned_stale(self) -> int:
        return self.owned - self.owned_fresh

    @property
    def fresh_share(self) -> float | None:
        return share(self.owned_fresh, self.owned)


def owned_freshness(session: Session, *, today: date, **filters: Any) -> OwnedFreshness:
    """Owned stakeholders in scope: how many are owned and fresh; the rest are owned but stale
    (never touched included)."""
    f = CoverageFilters.of(**filters)
    counts = owner_counts(f)
    owned = session.scalar(select(func.count()).select_from(counts)) or 0
    fresh, owner = fresh_pairs(stale_cutoff(session, today=today)), StakeholderRelationshipOwner
    # Departed owners own nothing any more (as in the coverage counts).
    stmt = (select(func.count(distinct(fresh.c.stakeholder_id))).select_from(fresh)
            .join(owner, and_(owner.stakeholder_id == fresh.c.stakeholder_id,
                              owner.user_id == fresh.c.user_id,
                              owner.user_id.not_in(departed_user_ids()))))
    if f.active:
        stmt = stmt.where(fresh.c.stakeholder_id.in_(scoped_stakeholder_ids(f)))
    return OwnedFreshness(stale_after_days=stale_after_days(session), owned=int(owned),
                          owned_fresh=int(session.scalar(stmt) or 0))


def stale_relationships_of_user(session: Session, *, user_id: int, today: date,
                                limit: int = 50, offset: int = 0) -> pd.DataFrame:
    """The user's stale and never-touched relationships, oldest first (never touched first):
    stakeholder_id, stakeholder, company_id, company, last_touch, days_since, freshness."""
    owner = StakeholderRelationshipOwner
    cutoff = stale_cutoff(session, today=today)
    # The user's own done tasks (an index range of their links), grouped per stakeholder.
    theirs, by_stakeholder, by_user = _done_task_pairs(lambda s, u: (
        s.entity_id.label("stakeholder_id"), func.max(Task.completed_at).label("last_touch")))
    theirs = (theirs.where(by_user.entity_id == user_id).group_by(by_stakeholder.entity_id)
              .subquery("their_touches"))
    rows = (select(owner.stakeholder_id, Stakeholder.name.label("stakeholder"),
                   Stakeholder.company_id, Company.name.label("company"), theirs.c.last_touch)
            .join(Stakeholder, Stakeholder.id == owner.stakeholder_id)
            .join(Company, Company.id == Stakeholder.company_id)
            .outerjoin(theirs, theirs.c.stakeholder_id == owner.stakeholder_id)
            .where(owner.user_id == user_id).subquery())
    stale = rows.c.last_touch.is_(None) | (rows.c.last_touch < cutoff)
    stmt = (select(rows, func.count().over().label("total")).where(stale)
            .order_by(rows.c.last_touch.is_not(None), rows.c.last_touch, rows.c.stakeholder,
                      rows.c.stakeholder_id)
            .limit(limit).offset(offset))
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["stakeholder_id", "stakeholder", "company_id", "company",
                                  "last_touch", "total"])
    frame["days_since"] = [days_since(t, today) for t in frame["last_touch"]]
    frame["freshness"] = ["never_touched" if pd.isna(t) else "stale"
                          for t in frame["last_touch"]]
    return frame


def team_last_touch_by_role(session: Session, *, opportunity_id: int) -> dict[str, datetime]:
    """{MEDDPICC role: the latest touch of a linked holder by an owner on the full team}."""
    team = full_team_select().subquery()
    owner, role = StakeholderRelationshipOwner, StakeholderMeddpiccRole
    touch = func.max(last_touch(owner.stakeholder_id, owner.user_id))
    stmt = (select(role.meddpicc_role, touch)
            .select_from(StakeholderOpportunity)
            .join(role, role.stakeholder_id == StakeholderOpportunity.stakeholder_id)
            .join(owner, owner.stakeholder_id == StakeholderOpportunity.stakeholder_id)
            .where(StakeholderOpportunity.opportunity_id == opportunity_id,
                   owner.user_id.not_in(departed_user_ids()),
                   exists().where(team.c.opportunity_id == opportunity_id,
                                  team.c.user_id == owner.user_id))
            .group_by(role.meddpicc_role))
    return {r: t for r, t in session.execute(stmt) if t is not None}


def touch_words(touch: Any, today: date, stale_after: int) -> str:
    """An ownership's last touch in words: "last touch 2026-10-02, 62 days ago (fresh)"."""
    days = days_since(touch, today)
    if days is None:
        return FRESHNESS.label("never_touched").lower()
    state = "fresh" if days <= stale_after else "stale"
    return (f"last touch {pd.Timestamp(touch):%Y-%m-%d}, {days} days ago "
            f"({FRESHNESS.label(state).lower()})")


def days_since(touch: Any, today: date) -> int | None:
    """Whole days from a last touch to `today` (None when never touched)."""
    if touch is None or pd.isna(touch):
        return None
    return (today - pd.Timestamp(touch).date()).days
