"""Domain errors of the planner. Services raise these; ``api/errors.py`` maps them to HTTP.

Each error carries a French ``message`` fit for a person; its HTTP status and stable code live
in ``api/errors.py``'s table only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.geocoding import Candidate
    from planner.session import Violation


class DomainError(Exception):
    """Base of the planner's errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    """The thing asked for does not exist (unknown QPV code, commune, session…)."""


class InvalidInputError(DomainError):
    """Values given by the caller break domain constraints; ``errors`` maps fields to reasons."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field} : {reason}" for field, reason in errors.items()))
        self.errors = dict(errors)


class DatabaseUnavailableError(DomainError):
    """The database cannot be reached; the caller may try again later."""


class AddressNotFoundError(DomainError):
    """No geocoder found anything for the address typed."""


class AmbiguousAddressError(DomainError):
    """The address matches several places, or none well enough: a person must choose.

    ``candidates`` are plain values (``geo.geocoding.Candidate``), best first.
    """

    def __init__(self, message: str, *, candidates: Sequence[Candidate]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


class ConflictError(DomainError):
    """The change would break a uniqueness rule (the same venue twice, …)."""


class AuthenticationError(DomainError):
    """No valid token: the caller is unknown (missing, wrong or revoked token)."""


class PermissionDeniedError(DomainError):
    """The caller is known but may not do this."""


class BookingRefusedError(DomainError):
    """Hard booking rules are broken; ``violations`` lists every one (``planner.session``)."""

    def __init__(self, message: str, *, violations: Sequence[Violation]) -> None:
        super().__init__(message)
        self.violations = list(violations)

    @property
    def is_conflict(self) -> bool:
        """Whether another session is in the way (409) rather than the request itself (422)."""
        return any(v.session_id is not None for v in self.violations)


class TooManyAttemptsError(DomainError):
    """Too many failed sign-ins for this account or address; ``retry_at`` says until when."""

    def __init__(self, message: str, *, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at
