"""Request and response schemas (msgspec), one module per subject."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import QueryParameter

LARGEST_ID = 2**31 - 1
"""The largest number a row can have (ids are 32-bit database integers on PostgreSQL)."""
Id = Annotated[int, msgspec.Meta(ge=1, le=LARGEST_ID)]
"""A reference to a row in a request body: a number beyond any id is a 400 naming the field,
never a database error."""
IdQuery = Annotated[int | None, QueryParameter(ge=1, le=LARGEST_ID)]
"""An optional reference to a row in a query string (``?organisation=3``), bounded alike."""


def given_fields(patch: msgspec.Struct) -> dict[str, object]:
    """The fields a PATCH body actually gives (those left ``UNSET`` are not changes)."""
    return {
        name: value
        for name in patch.__struct_fields__
        if (value := getattr(patch, name)) is not msgspec.UNSET
    }
