"""What no handler can read is refused before any handler runs: a NUL character (PostgreSQL
stores none in text; a query string, JSON or form body carrying one is a 400), JSON nested
beyond what the decoder can follow (a 400, not a recursion error), and a JSON body sent under
another media type (a 415 naming the expected one, RFC 9110 §15.5.16).

Runs as the app's ``before_request`` hook: after the access guard (an anonymous caller still
gets its 401 first), before the handler's parameters and body are parsed.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException, HTTPException

NUL = "\x00"
JSON_TYPES = ("application/json", "application/problem+json")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _expected_media(request: Request[Any, Any, Any]) -> str | None:
    """The media type the handler's body is declared with (``None``: it takes no body)."""
    field = request.route_handler.parsed_data_field
    if field is None:
        return None
    kwarg = field.kwarg_definition
    media = getattr(kwarg, "media_type", None)
    if media is None:
        return RequestEncodingType.JSON.value
    return str(getattr(media, "value", media))  # an enum member's str() is its name


def _holds_nul(value: Any) -> bool:
    """Whether a decoded JSON value holds a NUL in a key or a string (iteratively: the depth
    was bounded by the decoder)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _refuse_nul(where: str) -> ClientException:
    return ClientException(
        f"Caractère nul (U+0000) dans {where} : retirez-le, aucun texte n'en contient."
    )


async def refuse_unreadable_input(request: Request[Any, Any, Any]) -> None:
    """Refuse a NUL in the query string or body, over-nested JSON, and JSON under a media type
    the handler does not read (415)."""
    if "%00" in request.url.query.lower() or NUL in request.url.query:
        raise _refuse_nul("l'adresse")
    expected = _expected_media(request)
    if expected is None or request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if expected == RequestEncodingType.JSON.value:
        if body and given not in JSON_TYPES and not given.endswith("+json"):
            raise HTTPException(
                status_code=415,
                detail=f"Envoyez ce corps en JSON (Content-Type: application/json), "
                f"pas en « {given or 'sans type'} ».",
            )
        try:
            decoded = msgspec.json.decode(body) if body else None
        except msgspec.DecodeError:
            return  # the handler's own decoding answers with the position of the error
        except RecursionError:
            raise ClientException("Corps JSON trop imbriqué pour être lu.") from None
        if _holds_nul(decoded):
            raise _refuse_nul("le corps de la requête")
    elif given in FORM_TYPES and given != "multipart/form-data" and b"%00" in body.lower():
        raise _refuse_nul("le formulaire")
