"""Access roles and the actor: who is acting, and what their role lets them do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from crm_core.errors import PermissionDenied


class Permission(StrEnum):
    READ = "read"
    EDIT = "edit"              # ownership, teams, MEDDPICC roles, tasks, records, import
    ADMINISTER = "administer"  # access grants and settings


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "viewer": frozenset({Permission.READ}),
    "manager": frozenset({Permission.READ, Permission.EDIT}),
    "admin": frozenset({Permission.READ, Permission.EDIT, Permission.ADMINISTER}),
}

_ACTION_WORDS = {Permission.EDIT: "make changes", Permission.ADMINISTER: "administer access "
                 "and settings", Permission.READ: "read"}


@dataclass(frozen=True)
class Actor:
    """The person on whose behalf a service runs."""

    email: str
    role: str
    name: str = ""

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())

    def require(self, permission: Permission) -> None:
        """Raise PermissionDenied unless the actor's access role grants the permission."""
        if not self.can(permission):
            raise PermissionDenied(
                f"{self.email} has the {self.role} access role, which may not "
                f"{_ACTION_WORDS[permission]}.")


SYSTEM = Actor(email="system", role="admin", name="System")
