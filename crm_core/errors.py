"""Domain errors: each names the problem in words a manager can act on."""


class CrmError(Exception):
    """Base of every error crm_core raises on purpose."""


class ValidationError(CrmError):
    """Bad input. `field` names the form field the message belongs next to (None: the form)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field
        self.message = message


class NotFound(CrmError):
    """The record does not exist (any more)."""


class PermissionDenied(CrmError):
    """The signed-in person's access role does not allow this."""


class Conflict(CrmError):
    """Someone else changed the record since the form was shown, or the change breaks a rule."""


class Unavailable(CrmError):
    """The database cannot be reached or did not answer in time; nothing was saved."""
