"""Reading a posted form's values (Litestar gives a repeated field as a list, a single one as
its value)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

URL_ENCODED = Body(media_type=RequestEncodingType.URL_ENCODED)
FormData = Annotated[dict[str, Any], URL_ENCODED]
"""A posted form's fields, by name (what page handlers take as ``data``)."""


def one(data: dict[str, Any], name: str) -> str:
    """The field's value, trimmed (the first when repeated; ``""`` when absent)."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def many(data: dict[str, Any], name: str) -> list[str]:
    """Every non-blank value of a repeated field (ticked boxes), trimmed."""
    value = data.get(name, [])
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if str(v).strip()]
