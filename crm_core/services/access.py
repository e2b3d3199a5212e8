"""Granting and revoking access roles (admins only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import audit, validation
from crm_core.access import Actor, Permission
from crm_core.errors import Conflict, NotFound
from crm_core.models import AccessGrant
from crm_core.vocab import ACCESS_ROLES


def grant_access(session: Session, *, actor: Actor, email: str, access_role: str) -> AccessGrant:
    """Give an email an access role (or change the role it has)."""
    actor.require(Permission.ADMINISTER)
    email = validation.email(email)
    access_role = validation.choice(access_role, ACCESS_ROLES, field="access_role",
                                    label="Access role")
    admins = _lock_admins(session)
    grant = session.get(AccessGrant, email, with_for_update=True)
    before = None if grant is None else {"access_role": grant.access_role}
    if grant is None:
        grant = AccessGrant(email=email, access_role=access_role, granted_by=actor.email)
        session.add(grant)
    else:
        if grant.access_role == "admin" and access_role != "admin":
            _ensure_another_admin(admins, email)
        grant.access_role = access_role
        grant.granted_by = actor.email
    session.flush()
    audit.record(session, actor, "access.granted", "access_grant", None,
                 summary=f"Granted {access_role} to {email}", before=before,
                 after={"email": email, "access_role": access_role})
    return grant


def revoke_access(session: Session, *, actor: Actor, email: str) -> None:
    """Take an email's access away (the last admin cannot be removed)."""
    actor.require(Permission.ADMINISTER)
    email = validation.email(email)
    admins = _lock_admins(session)
    grant = session.get(AccessGrant, email, with_for_update=True)
    if grant is None:
        raise NotFound(f"{email} has no access to revoke.")
    if grant.access_role == "admin":
        _ensure_another_admin(admins, email)
    session.delete(grant)
    session.flush()
    audit.record(session, actor, "access.revoked", "access_grant", None,
                 summary=f"Revoked access of {email}",
                 before={"email": email, "access_role": grant.access_role})


def _lock_admins(session: Session) -> list[str]:
    """Lock every admin grant, in email order, and return their emails.

    Two admins taking admin away from each other at once then run one after the other, and the
    second sees that the first left only one admin.
    """
    return list(session.scalars(select(AccessGrant.email)
                                .where(AccessGrant.access_role == "admin")
                                .order_by(AccessGrant.email).with_for_update()))


def _ensure_another_admin(admins: list[str], email: str) -> None:
    if not [admin for admin in admins if admin != email]:
        raise Conflict(f"{email} is the last admin; grant admin to someone else first.")
