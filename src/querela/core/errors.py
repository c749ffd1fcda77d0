"""Errors that services raise; views and the API turn them into messages and status codes."""

from __future__ import annotations


class QuerelaError(Exception):
    """Base: a clear, user-presentable message and a stable machine code. `field`, where the refusal is about
    one input (the service's own name for it: "customer", "place", "assignee"), lets a form show the message
    beside that field and the API answer with a field error."""

    code = "error"
    field: str | None = None

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if field:
            self.field = field


class PermissionDenied(QuerelaError):
    code = "permission_denied"


class NotFound(QuerelaError):
    code = "not_found"


class InvalidTransition(QuerelaError):
    code = "invalid_transition"


class ValidationFailed(QuerelaError):
    code = "invalid"


class TenantNotActive(RuntimeError):
    """A tenant-owned table was queried with no tenant in scope: a programming error, never a 404."""
