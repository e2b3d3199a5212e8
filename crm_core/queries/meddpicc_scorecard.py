"""One opportunity's MEDDPICC scorecard and buying committee: the eight elements (economic buyer
and champion derived from stakeholder roles and ownership), the company's stakeholders with
their roles and owners."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import (
    Opportunity,
    ScorecardEntry,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.queries.meddpicc_sql import (
    COVERED_OFF_TEAM,
    COVERED_OWNED,
    COVERED_OWNER_DEPARTED,
    COVERED_UNOWNED,
    MISSING,
    OPP,
    role_levels,
)
from crm_core.queries.teams import full_team_select
from crm_core.vocab import (
    DERIVED_SCORECARD_ELEMENTS,
    MEDDPICC_ROLES,
    SCORECARD_ELEMENTS,
    SCORECARD_STATUSES,
)

# Best cell code a linked holder of the role reaches -> derived scorecard status; owners who
# departed confirm nothing.
_DERIVED_STATUS = {MISSING: "unknown", COVERED_UNOWNED: "identified",
                   COVERED_OWNER_DEPARTED: "identified", COVERED_OFF_TEAM: "identified",
                   COVERED_OWNED: "confirmed"}
_DERIVED_NOTE = {MISSING: "No linked stakeholder holds this MEDDPICC role.",
                 COVERED_UNOWNED: "Held only by stakeholders nobody on our side owns.",
                 COVERED_OWNER_DEPARTED: "Held only by stakeholders whose owners have all "
                                         "departed.",
                 COVERED_OFF_TEAM: "Held, but no owner is on the opportunity's full team.",
                 COVERED_OWNED: "Held by a stakeholder owned by a member of the full team."}
SCORECARD_COLUMNS = ["element", "label", "status", "status_label", "derived", "note",
                     "updated_by", "updated_at"]


def opportunity_role_levels(session: Session, *, opportunity_id: int) -> dict[str, int]:
    """Per MEDDPICC role, the best cell code a linked holder reaches (role_levels, without a
    stale threshold: MISSING, COVERED_UNOWNED, COVERED_OWNER_DEPARTED, COVERED_OFF_TEAM or
    COVERED_OWNED)."""
    levels = role_levels([OPP.id == opportunity_id]).subquery()
    row = session.execute(select(*(levels.c[r] for r in MEDDPICC_ROLES))).first()
    return {role: int(row[i]) if row else 0 for i, role in enumerate(MEDDPICC_ROLES)}


def opportunity_scorecard(session: Session, *, opportunity_id: int) -> pd.DataFrame:
    """The eight MEDDPICC elements in order: status, note, derived or who/when recorded it."""
    levels = opportunity_role_levels(session, opportunity_id=opportunity_id)
    entries = {e.element: e for e in session.scalars(
        select(ScorecardEntry).where(ScorecardEntry.opportunity_id == opportunity_id))}
    rows = []
    for element in SCORECARD_ELEMENTS:
        if element in DERIVED_SCORECARD_ELEMENTS:
            level = levels[element]
            rows.append((element, _DERIVED_STATUS[level], True, _DERIVED_NOTE[level], None, None))
        elif element in entries:
            entry = entries[element]
            rows.append((element, entry.status, False, entry.note, entry.updated_by,
                         entry.updated_at))
        else:
            rows.append((element, "unknown", False, "", None, None))
    return pd.DataFrame(
        [(e, SCORECARD_ELEMENTS.label(e), s, SCORECARD_STATUSES.label(s), d, n, by, at)
         for e, s, d, n, by, at in rows], columns=SCORECARD_COLUMNS)


def company_stakeholders_for_opportunity(session: Session, *,
                                         opportunity_id: int) -> pd.DataFrame:
    """Stakeholders of the opportunity's company: linked or not, MEDDPICC roles, owners.

    Columns: stakeholder_id, name, job_title, linked, roles (values), role_labels, owners
    (names), owner_ids, owned_on_team. Linked ones first, then by name.
    """
    company_id = session.scalar(select(Opportunity.company_id)
                                .where(Opportunity.id == opportunity_id))
    columns = ["stakeholder_id", "name", "job_title", "linked", "roles", "role_labels",
               "owners", "owner_ids", "owned_on_team"]
    if company_id is None:
        return pd.DataFrame(columns=columns).astype({"linked": bool, "owned_on_team": bool})
    linked_ids = set(session.scalars(select(StakeholderOpportunity.stakeholder_id).where(
        StakeholderOpportunity.opportunity_id == opportunity_id)))
    people = session.execute(select(Stakeholder.id, Stakeholder.name, Stakeholder.job_title)
                             .where(Stakeholder.company_id == company_id)
                             .order_by(Stakeholder.name, Stakeholder.id)).all()
    ids = [p.id for p in people]
    roles: dict[int, list[str]] = {}
    for stakeholder_id, role in session.execute(
            select(StakeholderMeddpiccRole.stakeholder_id, StakeholderMeddpiccRole.meddpicc_role)
            .join(Stakeholder, Stakeholder.id == StakeholderMeddpiccRole.stakeholder_id)
            .where(Stakeholder.company_id == company_id)):
        roles.setdefault(stakeholder_id, []).append(role)
    team = set(opportunity_team_ids(session, opportunity_id=opportunity_id))
    owners: dict[int, list[tuple[int, str]]] = {}
    for stakeholder_id, user_id, name in session.execute(
            select(StakeholderRelationshipOwner.stakeholder_id, User.id, User.name)
            .join(User, User.id == StakeholderRelationshipOwner.user_id)
            .join(Stakeholder, Stakeholder.id == StakeholderRelationshipOwner.stakeholder_id)
            .where(Stakeholder.company_id == company_id).order_by(User.name)):
        owners.setdefault(stakeholder_id, []).append((user_id, name))
    rows = []
    for p in people:
        held = sorted(roles.get(p.id, []), key=MEDDPICC_ROLES.position)
        own = owners.get(p.id, [])
        rows.append((p.id, p.name, p.job_title, p.id in linked_ids, tuple(held),
                     ", ".join(MEDDPICC_ROLES.label(r) for r in held),
                     ", ".join(n for _, n in own), tuple(u for u, _ in own),
                     any(u in team for u, _ in own)))
    # Typed even when empty: an untyped empty "linked" column would select columns, not rows.
    frame = pd.DataFrame(rows, columns=columns).astype({"linked": bool, "owned_on_team": bool})
    order = sorted(range(len(ids)), key=lambda i: (not rows[i][3], rows[i][1].lower()))
    return frame.iloc[order].reset_index(drop=True)


def opportunity_team_ids(session: Session, *, opportunity_id: int) -> list[int]:
    """The user ids of the opportunity's full team (inherited and added)."""
    team = full_team_select().subquery()
    return sorted(set(session.scalars(select(team.c.user_id)
                                      .where(team.c.opportunity_id == opportunity_id))))
