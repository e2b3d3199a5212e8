"""Single assignments the screens make one at a time: a relationship owner, a buying-committee
link, a MEDDPICC role, an account team member, an owner replaced by another (whole sets:
assignment_sets).

Assignment rows are pure relationships with composite keys; adding one that exists already is
a no-op (so a double click adds one row), and every real change is audited.

Lock order: a change to a set (a stakeholder's owners, roles and deals, a company's or an
opportunity's team) first locks the record the set belongs to, as the set forms do, so two
writers of one set queue up instead of deadlocking on each other's rows.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import ValidationError
from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.services._common import get_or_raise, insert_ignoring_duplicates
from crm_core.services.people import refuse_departed
from crm_core.vocab import MEDDPICC_ROLES


def _add_link(session: Session, actor: Actor, model: type, row: dict[str, int], *, action: str,
              entity_type: str, entity_id: int, summary: str) -> bool:
    """Insert one assignment row unless it exists; audit it when it is new."""
    added = insert_ignoring_duplicates(session, model, [row])
    if added:
        audit.record(session, actor, action, entity_type, entity_id, summary=summary, after=row)
    return bool(added)


def _remove_link(session: Session, actor: Actor, model: type, row: dict[str, object], *,
                 action: str, entity_type: str, entity_id: int, summary: str) -> bool:
    """Delete one assignment row if it exists; audit it when it was there."""
    removed = session.execute(delete(model).where(
        *(getattr(model, column) == value for column, value in row.items()))).rowcount
    if removed:
        audit.record(session, actor, action, entity_type, entity_id, summary=summary, before=row)
    return bool(removed)



def assign_owner(session: Session, *, actor: Actor, stakeholder_id: int, user_id: int) -> bool:
    """Make a user a relationship owner of a stakeholder. Returns False if they already were."""
    actor.require(Permission.EDIT)
    stakeholder = get_or_raise(session, Stakeholder, stakeholder_id, for_update=True)
    user = get_or_raise(session, User, user_id)
    refuse_departed(session, [user_id])
    return _add_link(session, actor, StakeholderRelationshipOwner,
                     {"stakeholder_id": stakeholder_id, "user_id": user_id},
                     action="owner.assigned", entity_type="stakeholder", entity_id=stakeholder_id,
                     summary=f"{user.name} now owns the relationship with {stakeholder.name}")


def link_stakeholder_to_opportunity(session: Session, *, actor: Actor, stakeholder_id: int,
                                    opportunity_id: int) -> bool:
    """Put a stakeholder on an opportunity's buying committee (same company only)."""
    actor.require(Permission.EDIT)
    stakeholder = get_or_raise(session, Stakeholder, stakeholder_id, for_update=True)
    opportunity = get_or_raise(session, Opportunity, opportunity_id)
    if stakeholder.company_id != opportunity.company_id:
        raise ValidationError(f"{stakeholder.name} works at another company than the "
                              f"opportunity {opportunity.name}.", field="stakeholder_id")
    return _add_link(session, actor, StakeholderOpportunity,
                     {"stakeholder_id": stakeholder_id, "opportunity_id": opportunity_id},
                     action="stakeholder.linked", entity_type="opportunity",
                     entity_id=opportunity_id,
                     summary=f"{stakeholder.name} linked to {opportunity.name}")


def add_meddpicc_role(session: Session, *, actor: Actor, stakeholder_id: int,
                      meddpicc_role: str) -> bool:
    """Record that a stakeholder plays a MEDDPICC role. Returns False if already recorded."""
    actor.require(Permission.EDIT)
    role = validation.choice(meddpicc_role, MEDDPICC_ROLES, field="meddpicc_role",
                             label="MEDDPICC role")
    stakeholder = get_or_raise(session, Stakeholder, stakeholder_id, for_update=True)
    return _add_link(session, actor, StakeholderMeddpiccRole,
                     {"stakeholder_id": stakeholder_id, "meddpicc_role": role},
                     action="meddpicc_role.added", entity_type="stakeholder",
                     entity_id=stakeholder_id,
                     summary=f"{stakeholder.name} is {MEDDPICC_ROLES.label(role)}")


def replace_owner(session: Session, *, actor: Actor, stakeholder_id: int, old_user_id: int,
                  new_user_id: int) -> None:
    """Hand one stakeholder relationship from one owner to another (one audited change)."""
    actor.require(Permission.EDIT)
    if old_user_id == new_user_id:
        raise ValidationError("Pick a different user to take over the relationship.",
                              field="new_user_id")
    stakeholder = get_or_raise(session, Stakeholder, stakeholder_id, for_update=True)
    old = get_or_raise(session, User, old_user_id)
    new = get_or_raise(session, User, new_user_id)
    refuse_departed(session, [new_user_id], field="new_user_id")
    removed = session.execute(delete(StakeholderRelationshipOwner).where(
        StakeholderRelationshipOwner.stakeholder_id == stakeholder_id,
        StakeholderRelationshipOwner.user_id == old_user_id)).rowcount
    if not removed:
        raise ValidationError(f"{old.name} does not own the relationship with "
                              f"{stakeholder.name} (any more).", field="old_user_id")
    insert_ignoring_duplicates(session, StakeholderRelationshipOwner,
                               [{"stakeholder_id": stakeholder_id, "user_id": new_user_id}])
    audit.record(session, actor, "owner.replaced", "stakeholder", stakeholder_id,
                 summary=f"{new.name} took over the relationship with {stakeholder.name} "
                         f"from {old.name}",
                 before={"stakeholder_id": stakeholder_id, "user_id": old_user_id},
                 after={"stakeholder_id": stakeholder_id, "user_id": new_user_id})


def add_to_account_team(session: Session, *, actor: Actor, company_id: int, user_id: int) -> bool:
    """Put a user on a company's account team. Returns False if they already were on it."""
    actor.require(Permission.EDIT)
    company = get_or_raise(session, Company, company_id, for_update=True)
    user = get_or_raise(session, User, user_id)
    refuse_departed(session, [user_id])
    return _add_link(session, actor, CompanyAccountTeam,
                     {"company_id": company_id, "user_id": user_id},
                     action="account_team.added", entity_type="company", entity_id=company_id,
                     summary=f"{user.name} joined the account team of {company.name}")
