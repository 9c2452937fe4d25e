"""Errors raised by the geo room; each carries a French message for people (its code and status
are in ``api/errors.py``'s table)."""

from __future__ import annotations


class GeoError(Exception):
    """Base of the geo room's errors: ``message`` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReferenceDataError(GeoError):
    """A reference file (QPV perimeters, communes) cannot be read as the official schema."""
