"""The HTTP answer of a generated file that many clients fetch again and again (map context,
open-data exports): a strong ETag, ``Cache-Control``, gzip when the client accepts it, and 304
Not Modified to a client whose copy is current (RFC 9110 §13; the same rules as feeds, whose
:class:`~api.feeds.service.Feed` value and checks are reused)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.openapi.datastructures import ResponseSpec

from api.feeds.conditional import accepts_gzip, not_modified
from api.feeds.service import Feed

GEOJSON = "application/geo+json"


def geojson_responses(schema: type, description: str) -> dict[int, ResponseSpec]:
    """The OpenAPI answers of a route sending pre-encoded GeoJSON: ``schema`` for 200 (the
    body is bytes to Litestar, which would document a string), and 304."""
    return {
        200: ResponseSpec(
            data_container=schema,
            media_type=GEOJSON,
            description=description,
            generate_examples=False,
        ),
        304: ResponseSpec(
            data_container=None,
            description="Non modifié : la copie du client (If-None-Match) est à jour",
        ),
    }


def generated_file(body: bytes) -> Feed:
    """``body`` with its ETags and its gzip-compressed form, computed once."""
    return Feed.of(body, None)


def respond_file(
    request: Request[Any, Any, Any],
    file: Feed,
    *,
    media_type: str,
    max_age: int,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    """``file`` as ``media_type``, public for ``max_age`` seconds, compressed when accepted,
    304 without a body when the client's ``If-None-Match`` names it; ``headers`` are added."""
    compressed = accepts_gzip(request.headers.get("accept-encoding"))
    answer = {
        **(headers or {}),
        "etag": file.gzip_etag if compressed else file.etag,
        "cache-control": f"public, max-age={max_age}",
        "vary": "Accept-Encoding",
    }
    if not_modified(file, request.headers.get("if-none-match"), None):
        return Response(b"", status_code=304, headers=answer, media_type=media_type)
    if compressed:
        answer["content-encoding"] = "gzip"
    body = file.gzipped if compressed else file.body
    return Response(body, headers=answer, media_type=media_type)
