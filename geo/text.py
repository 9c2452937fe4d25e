"""Text normalisation for matching French names regardless of case, accents and apostrophes."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s'’`\-_.,;/]+")


def fold(text: str) -> str:
    """Lower-case ``text``, strip accents and collapse apostrophes, dashes and spaces to one space.

    ``"Faubourg D'Isle"`` and ``"faubourg d isle"`` fold to the same string, so a search typed
    on a phone without accents still finds the neighbourhood.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("œ", "oe").replace("æ", "ae")
    return _SEPARATORS.sub(" ", stripped).strip()
