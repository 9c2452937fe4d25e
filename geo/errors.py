"""Errors raised by the geo room; each carries a stable code and a French message for people."""

from __future__ import annotations


class GeoError(Exception):
    """Base of the geo room's errors: ``code`` is stable, ``message`` is French."""

    code = "geo"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReferenceDataError(GeoError):
    """A reference file (QPV perimeters, communes) cannot be read as the official schema."""

    code = "fichier-reference-invalide"
