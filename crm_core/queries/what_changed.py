"""What changed in a scope over a period, read from the audit trail and checked against now:
relationships that became orphaned (and by which change), MEDDPICC gaps opened and closed,
deals that became fully covered, and the largest handoffs.

Each list holds the changes of the period whose effect still stands: a stakeholder orphaned by
a change and still orphaned, a gap a change closed that is still closed.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import (
    AuditEvent,
    Company,
    Opportunity,
    Stakeholder,
    StakeholderMeddpiccRole,
    User,
)
from crm_core.models import StakeholderOpportunity as Link
from crm_core.models import StakeholderRelationshipOwner as Owner
from crm_core.queries.audit_log import _as_datetime
from crm_core.queries.coverage_scope import active_owner_exists
from crm_core.queries.detail_common import id_chunks
from crm_core.queries.meddpicc_sql import COVERED_OWNED, NOT_REQUIRED, ROLE_COLUMNS, gap_rows
from crm_core.queries.scope import Scope, scope_user_ids, scoped_company_ids
from crm_core.vocab import MEDDPICC_ROLES, OPEN_STAGES

ORPHANING = {"owner.removed": "owner removed", "owner.handed_off": "handoff",
             "user.departed": "owner departed"}
# Changes to a deal's evidence: (direction, what the event names).
GAP_ACTIONS = {"meddpicc_role.added": "closed", "meddpicc_role.removed": "opened",
               "stakeholder.linked": "closed", "stakeholder.unlinked": "opened",
               "owner.assigned": "closed", "owner.removed": "opened"}
ORPHANED_COLUMNS = ["when", "stakeholder_id", "stakeholder", "company", "cause", "actor"]
GAP_COLUMNS = ["when", "opportunity_id", "opportunity", "role", "change", "action", "actor"]
HANDOFF_COLUMNS = ["when", "from_user_id", "from_user", "to_user_id", "to_user",
                   "stakeholders", "actor"]


def _events(session: Session, actions, since: date, until: date) -> list:
    return session.execute(
        select(AuditEvent.occurred_at, AuditEvent.action, AuditEvent.entity_id,
               AuditEvent.actor_email, AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.action.in_(list(actions)),
               AuditEvent.occurred_at >= _as_datetime(since, end=False),
               AuditEvent.occurred_at < _as_datetime(until, end=True))
        .order_by(AuditEvent.id)).all()


def became_orphaned(session: Session, *, scope: str | None, since: date, until: date,
                    limit: int = 50) -> pd.DataFrame:
    """Stakeholders of the scope's companies that a change in the period left without an owner
    still here, and are orphaned now: the latest such change per stakeholder, newest first."""
    latest: dict[int, tuple] = {}
    for event in _events(session, ORPHANING, since, until):
        cause = ORPHANING[event.action]
        if event.action == "user.departed":  # everything the departed user owned
            ids = session.scalars(select(Owner.stakeholder_id)
                                  .where(Owner.user_id == event.entity_id)).all()
        else:
            ids = [event.entity_id]
        for stakeholder_id in ids:
            latest[stakeholder_id] = (event.occurred_at, cause, event.actor_email)
    companies = scoped_company_ids(Scope.parse(scope))
    rows = []
    for chunk in id_chunks(latest):
        stmt = (select(Stakeholder.id, Stakeholder.name, Company.name)
                .join(Company, Company.id == Stakeholder.company_id)
                .where(Stakeholder.id.in_(chunk), ~active_owner_exists()))
        if companies is not None:
            stmt = stmt.where(Stakeholder.company_id.in_(companies))
        rows += [(latest[i][0], i, name, company, latest[i][1], latest[i][2])
                 for i, name, company in session.execute(stmt)]
    frame = pd.DataFrame(rows, columns=ORPHANED_COLUMNS)
    return frame.sort_values(["when", "stakeholder_id"], ascending=False).head(limit) \
        .reset_index(drop=True)


def _touched(session: Session, since: date, until: date) -> dict[tuple[int, str], tuple]:
    """(opportunity_id, role) -> the latest event in the period that changed that role's
    evidence on that open deal: (when, direction, action, actor)."""
    touched: dict[tuple[int, str], tuple] = {}
    for event in _events(session, GAP_ACTIONS, since, until):
        payload = event.after or event.before or {}
        stakeholder_id = payload.get("stakeholder_id")
        if event.action.startswith("stakeholder."):
            deals = [event.entity_id]
        else:
            deals = session.scalars(select(Link.opportunity_id).join(Opportunity).where(
                Link.stakeholder_id == stakeholder_id, Opportunity.stage.in_(OPEN_STAGES)))
        if event.action.startswith("meddpicc_role."):
            roles = [payload.get("meddpicc_role")]
        else:  # a link or an owner counts for every role the stakeholder plays
            roles = session.scalars(select(StakeholderMeddpiccRole.meddpicc_role).where(
                StakeholderMeddpiccRole.stakeholder_id == stakeholder_id)).all()
        for deal in deals:
            for role in roles:
                touched[(deal, role)] = (event.occurred_at, GAP_ACTIONS[event.action],
                                         event.action, event.actor_email)
    return touched


def gap_changes(session: Session, *, scope: str | None, since: date, until: date,
                limit: int = 50) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MEDDPICC gaps of the scope's open deals that a change in the period opened (a required
    role no longer covered and owned now) or closed (covered and owned now), newest first;
    and the deals such a closing change left fully covered (columns: GAP_COLUMNS)."""
    touched = _touched(session, since, until)
    rows, covered = [], []
    for chunk in id_chunks({deal for deal, _ in touched}):
        stmt = gap_rows(opportunity_ids=chunk, scope=scope).subquery()
        for deal in session.execute(select(stmt)).mappings():
            for role in MEDDPICC_ROLES:
                change = touched.get((deal["opportunity_id"], role))
                cell = deal[ROLE_COLUMNS[role]]
                if change is None or cell == NOT_REQUIRED:
                    continue
                if (change[1] == "closed") == (cell == COVERED_OWNED):
                    rows.append((change[0], deal["opportunity_id"], deal["name"],
                                 MEDDPICC_ROLES.label(role), change[1], change[2], change[3]))
            if deal["gated"] and not deal["at_risk"] and any(
                    r[1] == deal["opportunity_id"] and r[4] == "closed" for r in rows):
                latest = max(r[0] for r in rows if r[1] == deal["opportunity_id"])
                covered.append((latest, deal["opportunity_id"], deal["name"], "", "fully covered",
                                "", ""))
    frames = [pd.DataFrame(r, columns=GAP_COLUMNS).sort_values("when", ascending=False)
              .head(limit).reset_index(drop=True) for r in (rows, covered)]
    return frames[0], frames[1]


def largest_handoffs(session: Session, *, scope: str | None, since: date, until: date,
                     limit: int = 5) -> pd.DataFrame:
    """The handoffs of the period that moved the most relationships, from or to someone in
    scope (columns: HANDOFF_COLUMNS)."""
    users = scope_user_ids(Scope.parse(scope))
    in_scope = None if users is None else set(session.scalars(users))
    found = []
    for event in _events(session, ["user.handed_off"], since, until):
        to_user = (event.after or {}).get("to_user_id")
        if in_scope is None or event.entity_id in in_scope or to_user in in_scope:
            found.append((event.occurred_at, event.entity_id, to_user,
                          len((event.after or {}).get("stakeholder_ids", [])), event.actor_email))
    found.sort(key=lambda h: (-h[3], h[0]))
    names = dict(session.execute(select(User.id, User.name).where(
        User.id.in_({h[1] for h in found} | {h[2] for h in found}))).all())
    return pd.DataFrame([(when, giver, names.get(giver), taker, names.get(taker), count, actor)
                         for when, giver, taker, count, actor in found[:limit]],
                        columns=HANDOFF_COLUMNS)
