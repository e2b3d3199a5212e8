"""Create, update and delete the four records: users, companies, stakeholders, opportunities."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import Conflict, ValidationError
from crm_core.models import (
    Base,
    Company,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    Stakeholder,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    TaskEntity,
    User,
)
from crm_core.services._common import (
    check_not_stale,
    get_or_raise,
    remove_source_identities,
    remove_task_links,
)
from crm_core.vocab import STAGES, default_probability

Parsers = Mapping[str, Callable[[Any], Any]]


def _name(v: Any) -> str:
    return validation.text(v, field="name", label="Name")


def _job_title(v: Any) -> str | None:
    return validation.text(v, field="job_title", label="Job title", required=False)


def _phone(v: Any) -> str | None:
    phone = validation.text(v, field="phone", label="Phone", required=False, max_length=50)
    if phone and not all(c.isdigit() or c in " +-().x/" for c in phone):
        raise ValidationError(f"Phone '{phone}' may only hold digits, spaces and + - ( ) . x /.",
                              field="phone")
    return phone


def _company_id(v: Any) -> int:
    if v is None or (isinstance(v, str) and not v.strip()):
        raise ValidationError("Company is required.", field="company_id")
    return validation.identifier(v, field="company_id", label="Company")


USER_FIELDS: Parsers = {
    "name": _name,
    # Optional: a rep known by name alone (e.g. imported from a spreadsheet) has none, and is
    # then never matched to a signed-in person.
    "email": lambda v: validation.email(v, required=False),
    "job_title": _job_title,
}
COMPANY_FIELDS: Parsers = {
    "name": _name,
    "industry": lambda v: validation.text(v, field="industry", label="Industry", required=False,
                                          max_length=100),
    "website": lambda v: validation.url(v),
}
STAKEHOLDER_FIELDS: Parsers = {
    "name": _name,
    "job_title": _job_title,
    "email": lambda v: validation.email(v, required=False),
    "phone": _phone,
    "company_id": _company_id,
}
OPPORTUNITY_FIELDS: Parsers = {
    "name": _name,
    "value": lambda v: validation.amount(v),
    "probability": lambda v: validation.probability(v),
    "expected_close_date": lambda v: validation.a_date(
        v, field="expected_close_date", label="Expected close date"),
    "stage": lambda v: validation.choice(v, STAGES, field="stage", label="Stage"),
    "company_id": _company_id,
}


def _parse(parsers: Parsers, values: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    unknown = set(values) - set(parsers)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    names = values.keys() if partial else parsers.keys()
    return {name: parsers[name](values.get(name)) for name in names}


def _ensure_email_free(session: Session, model: type[User | Stakeholder], email: str | None,
                       own_id: int | None) -> None:
    if email is None:
        return
    stmt = select(model.id, model.name).where(func.lower(model.email) == email.lower())
    if own_id is not None:
        stmt = stmt.where(model.id != own_id)
    clash = session.execute(stmt).first()
    if clash:
        raise ValidationError(f"Email {email} already belongs to {clash.name}.", field="email")


def _check_company(session: Session, company_id: int | None) -> None:
    if company_id is not None and session.get(Company, company_id) is None:
        raise ValidationError(f"There is no company with id {company_id}.", field="company_id")


def _create(session: Session, actor: Actor, model: type[Base], entity_type: str,
            values: dict[str, Any]) -> Any:
    record = model(**values)
    session.add(record)
    session.flush()
    audit.record(session, actor, f"{entity_type}.created", entity_type, record.id,
                 summary=f"Created {entity_type} '{record.name}'", after=audit.snapshot(record))
    return record


def _update(session: Session, actor: Actor, record: Base, entity_type: str,
            values: dict[str, Any]) -> Any:
    before = audit.snapshot(record, tuple(values))
    for name, value in values.items():
        setattr(record, name, value)
    after = audit.snapshot(record, tuple(values))
    if before != after:
        session.flush()
        audit.record(session, actor, f"{entity_type}.updated", entity_type, record.id,
                     summary=f"Updated {entity_type} '{record.name}'", before=before, after=after)
    return record


# --- users -------------------------------------------------------------------------------------

def create_user(session: Session, *, actor: Actor, **values: Any) -> User:
    """Add an account team member (name, email if known, job_title)."""
    actor.require(Permission.EDIT)
    parsed = _parse(USER_FIELDS, values, partial=False)
    _ensure_email_free(session, User, parsed["email"], None)
    return _create(session, actor, User, "user", parsed)


def update_user(session: Session, *, actor: Actor, user_id: int, seen_version: int | None = None,
                **changes: Any) -> User:
    """Change a user's fields; refused if someone else changed the user since `seen_version`."""
    actor.require(Permission.EDIT)
    parsed = _parse(USER_FIELDS, changes, partial=True)
    user = get_or_raise(session, User, user_id, for_update=True)
    check_not_stale(session, user, "user", seen_version)
    _ensure_email_free(session, User, parsed.get("email"), user_id)
    return _update(session, actor, user, "user", parsed)


def delete_user(session: Session, *, actor: Actor, user_id: int) -> None:
    """Delete a user who owns no relationships; their team seats and task links go with them."""
    actor.require(Permission.EDIT)
    user = get_or_raise(session, User, user_id, for_update=True)
    owned = session.scalar(select(func.count()).where(
        StakeholderRelationshipOwner.user_id == user_id))
    if owned:
        raise Conflict(f"{user.name} still owns {owned} stakeholder relationship(s). Hand them "
                       "off to another user first (Manage → Ownership), then delete.")
    impact = deletion_impact(session, entity_type="user", entity_id=user_id)
    remove_task_links(session, "user", [user_id])
    remove_source_identities(session, "user", [user_id])
    before = audit.snapshot(user)
    session.delete(user)
    session.flush()
    audit.record(session, actor, "user.deleted", "user", user_id,
                 summary=f"Deleted user '{before['name']}'", before={**before, "removed": impact})


# --- companies ---------------------------------------------------------------------------------

def create_company(session: Session, *, actor: Actor, **values: Any) -> Company:
    """Add a company (name, industry, website)."""
    actor.require(Permission.EDIT)
    return _create(session, actor, Company, "company", _parse(COMPANY_FIELDS, values,
                                                               partial=False))


def update_company(session: Session, *, actor: Actor, company_id: int,
                   seen_version: int | None = None, **changes: Any) -> Company:
    """Change a company's fields; refused if it changed since `seen_version`."""
    actor.require(Permission.EDIT)
    parsed = _parse(COMPANY_FIELDS, changes, partial=True)
    company = get_or_raise(session, Company, company_id, for_update=True)
    check_not_stale(session, company, "company", seen_version)
    return _update(session, actor, company, "company", parsed)


def delete_company(session: Session, *, actor: Actor, company_id: int) -> None:
    """Delete a company with its stakeholders, opportunities, team seats and their task links."""
    actor.require(Permission.EDIT)
    company = get_or_raise(session, Company, company_id, for_update=True)
    impact = deletion_impact(session, entity_type="company", entity_id=company_id)
    stakeholder_ids = session.scalars(
        select(Stakeholder.id).where(Stakeholder.company_id == company_id)).all()
    opportunity_ids = session.scalars(
        select(Opportunity.id).where(Opportunity.company_id == company_id)).all()
    remove_task_links(session, "stakeholder", stakeholder_ids)
    remove_task_links(session, "opportunity", opportunity_ids)
    remove_task_links(session, "company", [company_id])
    for entity_type, ids in (("stakeholder", stakeholder_ids),
                             ("opportunity", opportunity_ids), ("company", [company_id])):
        remove_source_identities(session, entity_type, ids)
    before = audit.snapshot(company)
    session.delete(company)
    session.flush()
    audit.record(session, actor, "company.deleted", "company", company_id,
                 summary=f"Deleted company '{before['name']}'",
                 before={**before, "removed": impact})


# --- stakeholders ------------------------------------------------------------------------------

def create_stakeholder(session: Session, *, actor: Actor, **values: Any) -> Stakeholder:
    """Add a stakeholder at a company (name, job_title, email, phone, company_id)."""
    actor.require(Permission.EDIT)
    parsed = _parse(STAKEHOLDER_FIELDS, values, partial=False)
    _check_company(session, parsed["company_id"])
    _ensure_email_free(session, Stakeholder, parsed["email"], None)
    return _create(session, actor, Stakeholder, "stakeholder", parsed)


def update_stakeholder(session: Session, *, actor: Actor, stakeholder_id: int,
                       seen_version: int | None = None, **changes: Any) -> Stakeholder:
    """Change a stakeholder's fields; refused if it changed since `seen_version`."""
    actor.require(Permission.EDIT)
    parsed = _parse(STAKEHOLDER_FIELDS, changes, partial=True)
    stakeholder = get_or_raise(session, Stakeholder, stakeholder_id, for_update=True)
    check_not_stale(session, stakeholder, "stakeholder", seen_version)
    _check_company(session, parsed.get("company_id"))
    _ensure_email_free(session, Stakeholder, parsed.get("email"), stakeholder_id)
    return _update(session, actor, stakeholder, "stakeholder", parsed)


def delete_stakeholder(session: Session, *, actor: Actor, stakeholder_id: int) -> None:
    """Delete a stakeholder with their roles, owners, opportunity links and task links."""
    actor.require(Permission.EDIT)
    stakeholder = get_or_raise(session, Stakeholder, stakeholder_id, for_update=True)
    impact = deletion_impact(session, entity_type="stakeholder", entity_id=stakeholder_id)
    remove_task_links(session, "stakeholder", [stakeholder_id])
    remove_source_identities(session, "stakeholder", [stakeholder_id])
    before = audit.snapshot(stakeholder)
    session.delete(stakeholder)
    session.flush()
    audit.record(session, actor, "stakeholder.deleted", "stakeholder", stakeholder_id,
                 summary=f"Deleted stakeholder '{before['name']}'",
                 before={**before, "removed": impact})


# --- opportunities -----------------------------------------------------------------------------

def create_opportunity(session: Session, *, actor: Actor, **values: Any) -> Opportunity:
    """Add an opportunity; probability defaults to the stage's default probability. Two deals
    of one company may share a name (as in the CRMs people come from)."""
    actor.require(Permission.EDIT)
    values = dict(values)
    if values.get("probability") in (None, ""):
        stage = OPPORTUNITY_FIELDS["stage"](values.get("stage"))
        values["probability"] = default_probability(stage)
    parsed = _parse(OPPORTUNITY_FIELDS, values, partial=False)
    _check_company(session, parsed["company_id"])
    return _create(session, actor, Opportunity, "opportunity", parsed)


def update_opportunity(session: Session, *, actor: Actor, opportunity_id: int,
                       seen_version: int | None = None, **changes: Any) -> Opportunity:
    """Change an opportunity's fields; refused if it changed since `seen_version`."""
    actor.require(Permission.EDIT)
    parsed = _parse(OPPORTUNITY_FIELDS, changes, partial=True)
    opportunity = get_or_raise(session, Opportunity, opportunity_id, for_update=True)
    check_not_stale(session, opportunity, "opportunity", seen_version)
    _check_company(session, parsed.get("company_id"))
    return _update(session, actor, opportunity, "opportunity", parsed)


def delete_opportunity(session: Session, *, actor: Actor, opportunity_id: int) -> None:
    """Delete an opportunity with its team additions, stakeholder links and task links."""
    actor.require(Permission.EDIT)
    opportunity = get_or_raise(session, Opportunity, opportunity_id, for_update=True)
    impact = deletion_impact(session, entity_type="opportunity", entity_id=opportunity_id)
    remove_task_links(session, "opportunity", [opportunity_id])
    remove_source_identities(session, "opportunity", [opportunity_id])
    before = audit.snapshot(opportunity)
    session.delete(opportunity)
    session.flush()
    audit.record(session, actor, "opportunity.deleted", "opportunity", opportunity_id,
                 summary=f"Deleted opportunity '{before['name']}'",
                 before={**before, "removed": impact})


# --- what a delete takes with it ---------------------------------------------------------------

def _count(session: Session, stmt) -> int:
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def deletion_impact(session: Session, *, entity_type: str, entity_id: int) -> dict[str, int]:
    """What deleting this record removes with it, as counts (shown before the user confirms)."""
    links = _count(session, select(TaskEntity.task_id).where(
        TaskEntity.entity_type == entity_type, TaskEntity.entity_id == entity_id))
    if entity_type == "company":
        return {
            "stakeholders": _count(session, select(Stakeholder.id).where(
                Stakeholder.company_id == entity_id)),
            "opportunities": _count(session, select(Opportunity.id).where(
                Opportunity.company_id == entity_id)),
            "account team seats": _count(session, select(CompanyAccountTeam.user_id).where(
                CompanyAccountTeam.company_id == entity_id)),
            "task links": links,
        }
    if entity_type == "stakeholder":
        return {
            "relationship owners": _count(session, select(
                StakeholderRelationshipOwner.user_id).where(
                StakeholderRelationshipOwner.stakeholder_id == entity_id)),
            "opportunity links": _count(session, select(
                StakeholderOpportunity.opportunity_id).where(
                StakeholderOpportunity.stakeholder_id == entity_id)),
            "task links": links,
        }
    if entity_type == "opportunity":
        return {
            "opportunity team additions": _count(session, select(
                OpportunityAccountTeam.user_id).where(
                OpportunityAccountTeam.opportunity_id == entity_id)),
            "stakeholder links": _count(session, select(
                StakeholderOpportunity.stakeholder_id).where(
                StakeholderOpportunity.opportunity_id == entity_id)),
            "task links": links,
        }
    if entity_type == "user":
        return {
            "owned relationships": _count(session, select(
                StakeholderRelationshipOwner.stakeholder_id).where(
                StakeholderRelationshipOwner.user_id == entity_id)),
            "account team seats": _count(session, select(CompanyAccountTeam.company_id).where(
                CompanyAccountTeam.user_id == entity_id)),
            "opportunity team seats": _count(session, select(
                OpportunityAccountTeam.opportunity_id).where(
                OpportunityAccountTeam.user_id == entity_id)),
            "task links": links,
        }
    raise ValidationError(f"Unknown entity type '{entity_type}'.")
