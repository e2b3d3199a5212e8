"""Save an assignment set as a whole (owners, account team, opportunity team, roles, links).

A form sends what it wants and what it SHOWED; when someone else changed the set meanwhile the
save is refused with a Conflict naming each change, so nobody overwrites a colleague silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import validation
from crm_core.access import Actor, Permission
from crm_core.errors import Conflict, ValidationError
from crm_core.models import (
    AuditEvent,
    Company,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.services._common import get_or_raise
from crm_core.services.assignments import _add_link, _remove_link
from crm_core.services.people import refuse_departed
from crm_core.vocab import MEDDPICC_ROLES


@dataclass(frozen=True)
class SetChange:
    """What a save changed: the members added and removed (and inherited ones not stored)."""

    added: tuple = ()
    removed: tuple = ()
    already_inherited: tuple = field(default=())

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True)
class _Kind:
    model: type
    owner_column: str       # the column naming the record whose set this is
    member_column: str      # the column naming a member of the set
    audit_entity: str       # the entity type the add/remove events are filed under
    add_action: str
    remove_action: str
    word: str               # "owner", "account team member", ...
    words: str              # its plural
    field: str              # the form field errors belong to


OWNERS = _Kind(StakeholderRelationshipOwner, "stakeholder_id", "user_id", "stakeholder",
               "owner.assigned", "owner.removed", "owner", "owners", "user_ids")
COMPANY_TEAM = _Kind(CompanyAccountTeam, "company_id", "user_id", "company",
                     "account_team.added", "account_team.removed", "account team member",
                     "account team", "user_ids")
OPPORTUNITY_TEAM = _Kind(OpportunityAccountTeam, "opportunity_id", "user_id", "opportunity",
                         "opportunity_team.added", "opportunity_team.removed",
                         "opportunity team member", "added opportunity team members",
                         "user_ids")
ROLES = _Kind(StakeholderMeddpiccRole, "stakeholder_id", "meddpicc_role", "stakeholder",
              "meddpicc_role.added", "meddpicc_role.removed", "MEDDPICC role", "MEDDPICC roles",
              "meddpicc_roles")
LINKS = _Kind(StakeholderOpportunity, "stakeholder_id", "opportunity_id", "opportunity",
              "stakeholder.linked", "stakeholder.unlinked", "opportunity", "opportunities",
              "opportunity_ids")
# Other actions that also add (after) or remove (before) a member of a set.
_EXTRA_ACTIONS = {OWNERS.add_action: ("owner.replaced", "owner.handed_off"),
                  COMPANY_TEAM.add_action: ("account_team.handed_off",),
                  OPPORTUNITY_TEAM.add_action: ("opportunity_team.handed_off",)}


def _current(session: Session, kind: _Kind, owner_id: int) -> set:
    column = getattr(kind.model, kind.member_column)
    return set(session.scalars(select(column).where(
        getattr(kind.model, kind.owner_column) == owner_id)))


def _explain(session: Session, kind: _Kind, owner_id: int, member, added: bool,
             label: Callable[[object], str]) -> str:
    """'Bob Baker was added as owner by x@y at 2026-01-02 16:20 UTC' (from the audit trail)."""
    actions = (kind.add_action, kind.remove_action, *_EXTRA_ACTIONS.get(kind.add_action, ()))
    entity_ids = [member] if kind is LINKS else [owner_id]
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(actions),
                                 AuditEvent.entity_type == kind.audit_entity,
                                 AuditEvent.entity_id.in_(entity_ids))
        .order_by(AuditEvent.id.desc()).limit(200))
    side = "after" if added else "before"
    verb = "added as" if added else "removed as"
    for event in events:
        payload = getattr(event, side) or {}
        if payload.get(kind.member_column) == member and \
                payload.get(kind.owner_column, owner_id) == owner_id:
            return (f"{label(member)} was {verb} {kind.word} by {event.actor_email} at "
                    f"{event.occurred_at:%Y-%m-%d %H:%M} UTC")
    return f"{label(member)} was {verb} {kind.word}"


def _check_seen(session: Session, kind: _Kind, owner_id: int, current: set, seen: Iterable | None,
                label: Callable[[object], str], what: str, *, wanted: set) -> None:
    # Nothing to overwrite when the set already is what the form wants (e.g. a double click).
    if seen is None or wanted == current:
        return
    seen = set(seen)
    if seen == current:
        return
    changes = [_explain(session, kind, owner_id, m, True, label) for m in sorted(current - seen)]
    changes += [_explain(session, kind, owner_id, m, False, label)
                for m in sorted(seen - current)]
    raise Conflict(f"The {kind.words} of {what} changed since you opened this form: "
                   f"{'; '.join(changes)}. Check the current {kind.words}, then make "
                   "your change again.")


def _user_names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = list(user_ids)
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _parse_user_ids(session: Session, kind: _Kind, user_ids: Iterable) -> set[int]:
    ids = {validation.identifier(u, field=kind.field, label="User") for u in user_ids}
    missing = sorted(ids - set(_user_names(session, ids)))
    if missing:
        raise ValidationError(f"There is no user with id {', '.join(map(str, missing))}.",
                              field=kind.field)
    return ids


def _apply(session: Session, actor: Actor, kind: _Kind, owner_id: int, current: set,
           wanted: set, summary: Callable[[object, bool], str]) -> SetChange:
    added, removed = sorted(wanted - current), sorted(current - wanted)
    for member in removed:
        row = {kind.owner_column: owner_id, kind.member_column: member}
        audit_id = member if kind is LINKS else owner_id
        _remove_link(session, actor, kind.model, row, action=kind.remove_action,
                     entity_type=kind.audit_entity, entity_id=audit_id,
                     summary=summary(member, False))
    for member in added:
        row = {kind.owner_column: owner_id, kind.member_column: member}
        audit_id = member if kind is LINKS else owner_id
        _add_link(session, actor, kind.model, row, action=kind.add_action,
                  entity_type=kind.audit_entity, entity_id=audit_id,
                  summary=summary(member, True))
    return SetChange(added=tuple(added), removed=tuple(removed))


def _lock_user_set(session: Session, kind, model: type, owner_id: int,
                   user_ids: Iterable[int], seen_ids: Iterable[int] | None):
    """Parse the wanted users, lock the record, read its stored set and refuse a stale form.

    Returns (record, wanted, current, label of a user id).
    """
    wanted = _parse_user_ids(session, kind, user_ids)
    record = get_or_raise(session, model, owner_id, for_update=True)
    current = _current(session, kind, owner_id)
    names = _user_names(session, wanted | current | set(seen_ids or ()))

    def label(user_id: int) -> str:
        return names.get(user_id, f"user {user_id}")

    _check_seen(session, kind, owner_id, current, seen_ids, label, record.name, wanted=wanted)
    # A departed user keeps the places they have, but is never given a new one.
    refuse_departed(session, wanted - current, field=kind.field)
    return record, wanted, current, label


def set_stakeholder_owners(session: Session, *, actor: Actor, stakeholder_id: int,
                           user_ids: Iterable[int],
                           seen_owner_ids: Iterable[int] | None = None) -> SetChange:
    """Make exactly these users the stakeholder's relationship owners."""
    actor.require(Permission.EDIT)
    stakeholder, wanted, current, label = _lock_user_set(
        session, OWNERS, Stakeholder, stakeholder_id, user_ids, seen_owner_ids)
    return _apply(session, actor, OWNERS, stakeholder_id, current, wanted,
                  lambda u, add: f"{label(u)} now owns the relationship with {stakeholder.name}"
                  if add else f"{label(u)} no longer owns the relationship with "
                              f"{stakeholder.name}")


def set_company_team(session: Session, *, actor: Actor, company_id: int, user_ids: Iterable[int],
                     seen_user_ids: Iterable[int] | None = None) -> SetChange:
    """Make exactly these users the company's account team."""
    actor.require(Permission.EDIT)
    company, wanted, current, label = _lock_user_set(
        session, COMPANY_TEAM, Company, company_id, user_ids, seen_user_ids)
    return _apply(session, actor, COMPANY_TEAM, company_id, current, wanted,
                  lambda u, add: f"{label(u)} joined the account team of {company.name}"
                  if add else f"{label(u)} left the account team of {company.name}")


def set_opportunity_team(session: Session, *, actor: Actor, opportunity_id: int,
                         user_ids: Iterable[int],
                         seen_user_ids: Iterable[int] | None = None) -> SetChange:
    """Make exactly these users the members ADDED to an opportunity (inherited ones are kept
    on the company team and reported as already inherited, never stored twice)."""
    actor.require(Permission.EDIT)
    opportunity, wanted, current, label = _lock_user_set(
        session, OPPORTUNITY_TEAM, Opportunity, opportunity_id, user_ids, seen_user_ids)
    inherited = _current(session, COMPANY_TEAM, opportunity.company_id)
    change = _apply(session, actor, OPPORTUNITY_TEAM, opportunity_id, current,
                    wanted - (inherited - current),
                    lambda u, add: f"{label(u)} added to the team of {opportunity.name}"
                    if add else f"{label(u)} removed from the team of {opportunity.name}")
    return SetChange(added=change.added, removed=change.removed,
                     already_inherited=tuple(sorted((wanted & inherited) - current)))


def set_stakeholder_roles(session: Session, *, actor: Actor, stakeholder_id: int,
                          meddpicc_roles: Iterable[str],
                          seen_roles: Iterable[str] | None = None) -> SetChange:
    """Make exactly these the MEDDPICC roles the stakeholder plays."""
    actor.require(Permission.EDIT)
    wanted = set(validation.choices(meddpicc_roles, MEDDPICC_ROLES, field=ROLES.field,
                                    label="MEDDPICC role"))
    stakeholder = get_or_raise(session, Stakeholder, stakeholder_id, for_update=True)
    current = _current(session, ROLES, stakeholder_id)
    _check_seen(session, ROLES, stakeholder_id, current, seen_roles, MEDDPICC_ROLES.label,
                stakeholder.name, wanted=wanted)
    return _apply(session, actor, ROLES, stakeholder_id, current, wanted,
                  lambda r, add: f"{stakeholder.name} is {MEDDPICC_ROLES.label(r)}" if add
                  else f"{stakeholder.name} is no longer {MEDDPICC_ROLES.label(r)}")


def set_stakeholder_opportunities(session: Session, *, actor: Actor, stakeholder_id: int,
                                  opportunity_ids: Iterable[int],
                                  seen_opportunity_ids: Iterable[int] | None = None
                                  ) -> SetChange:
    """Make exactly these the opportunities whose buying committee the stakeholder is on."""
    actor.require(Permission.EDIT)
    wanted = {validation.identifier(o, field=LINKS.field, label="Opportunity")
              for o in opportunity_ids}
    stakeholder = get_or_raise(session, Stakeholder, stakeholder_id, for_update=True)
    current = _current(session, LINKS, stakeholder_id)
    rows = session.execute(select(Opportunity.id, Opportunity.name, Opportunity.company_id)
                           .where(Opportunity.id.in_(wanted | current |
                                                     set(seen_opportunity_ids or ())))).all()
    names = {r.id: r.name for r in rows}
    missing = sorted(wanted - set(names))
    if missing:
        raise ValidationError(f"There is no opportunity with id {', '.join(map(str, missing))}.",
                              field=LINKS.field)
    elsewhere = sorted(r.name for r in rows
                       if r.id in wanted - current and r.company_id != stakeholder.company_id)
    if elsewhere:
        raise ValidationError(f"{stakeholder.name} works at another company than "
                              f"{', '.join(elsewhere)}.", field=LINKS.field)
    label = lambda o: names.get(o, f"opportunity {o}")  # noqa: E731
    _check_seen(session, LINKS, stakeholder_id, current, seen_opportunity_ids, label,
                stakeholder.name, wanted=wanted)
    return _apply(session, actor, LINKS, stakeholder_id, current, wanted,
                  lambda o, add: f"{stakeholder.name} linked to {label(o)}" if add
                  else f"{stakeholder.name} unlinked from {label(o)}")
