"""Errors users may see. Each carries a stable code, a plain message and optional details.

Handlers turn them into ``{"error": {"code", "message", "details"}}`` for the API and into an error page for
HTML; anything else becomes a 500 with a reference number and no stack trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldProblem:
    """One problem with one field, optionally in one row of one file."""

    field: str
    message: str
    row: int | None = None
    file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.row is not None:
            data["row"] = self.row
        if self.file is not None:
            data["file"] = self.file
        return data

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        where.append(self.field)
        return f"{', '.join(where)}: {self.message}"


@dataclass
class AppError(Exception):
    """Base class for errors that are safe to show."""

    message: str
    details: list[FieldProblem] = field(default_factory=list)
    status_code: int = 400
    code: str = "bad_request"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


class NotFound(AppError):
    """The thing does not exist, or the caller may not know it exists."""

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message, status_code=404, code="not_found")


class PermissionDenied(AppError):
    """The caller can see the thing but may not do this to it."""

    def __init__(self, message: str = "You do not have permission to do this.") -> None:
        super().__init__(message, status_code=403, code="forbidden")


class NotAuthenticated(AppError):
    """Sign-in is needed."""

    def __init__(self, message: str = "Please sign in.", reason: str = "sign_in") -> None:
        super().__init__(message, status_code=401, code="not_authenticated")
        self.reason = reason  # a key the sign-in page knows (``core.pages.LOGIN_REASONS``), never free text


class ValidationFailed(AppError):
    """Input was rejected; ``details`` names each field (and row/file where relevant)."""

    def __init__(self, message: str, details: list[FieldProblem] | None = None) -> None:
        super().__init__(message, details=details or [], status_code=422, code="validation_failed")


class Conflict(AppError):
    """The request conflicts with existing data (a duplicate key, a stale edit)."""

    def __init__(self, message: str, details: list[FieldProblem] | None = None) -> None:
        super().__init__(message, details=details or [], status_code=409, code="conflict")


class TooManyRequests(AppError):
    """Throttled."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=429, code="too_many_requests")


class PayloadTooLarge(AppError):
    """The request body is over the limit."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=413, code="payload_too_large")


class CsrfFailed(AppError):
    """A form or unsafe request arrived without a valid CSRF token."""

    def __init__(
        self, message: str = "The form expired or was not sent from CityDip. Reload and try again."
    ) -> None:
        super().__init__(message, status_code=403, code="csrf_failed")


class TenancyError(RuntimeError):
    """A programming error: a tenant table was queried without a scope. Never shown to users as such."""
