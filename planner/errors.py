"""Domain errors of the planner. Services raise these; ``api/errors.py`` maps them to HTTP.

Each error has a stable ``code`` and a French ``message`` fit for a person.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of the planner's errors."""

    code = "erreur-metier"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    """The thing asked for does not exist (unknown QPV code, commune, session…)."""

    code = "introuvable"


class InvalidInputError(DomainError):
    """A value given by the caller breaks a domain constraint; ``field`` names it."""

    code = "donnee-invalide"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class DatabaseUnavailableError(DomainError):
    """The database cannot be reached; the caller may try again later."""

    code = "base-indisponible"
