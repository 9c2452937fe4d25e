"""Request and response schemas (msgspec), one module per subject."""

from __future__ import annotations

import msgspec


def given_fields(patch: msgspec.Struct) -> dict[str, object]:
    """The fields a PATCH body actually gives (those left ``UNSET`` are not changes)."""
    return {
        name: value
        for name in patch.__struct_fields__
        if (value := getattr(patch, name)) is not msgspec.UNSET
    }
