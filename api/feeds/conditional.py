"""The HTTP answer of a feed: inline ``text/calendar`` with a strong ETag and Last-Modified,
gzip when the client asks for it, and 304 Not Modified to a client whose copy is current
(RFC 9110 §13, conditional requests; §12.5.3, Accept-Encoding)."""

from __future__ import annotations

from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from litestar import Request, Response

from api.feeds.service import Feed


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether ``Accept-Encoding`` accepts gzip (by name or ``*``, with a weight above 0)."""
    if not accept_encoding:
        return False
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() not in {"gzip", "x-gzip", "*"}:
            continue
        weight = params.strip().lower()
        if weight.startswith("q="):
            try:
                return float(weight[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def answer(
    feed: Feed,
    *,
    max_age: int,
    if_none_match: str | None,
    if_modified_since: str | None,
    accept_encoding: str | None = None,
    private: bool = False,
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for ``feed``: inline text/calendar, gzip-compressed when
    accepted (with its own strong ETag, RFC 9110 §8.8.3), Last-Modified in whole seconds,
    ``Cache-Control`` (``private`` for a private feed), 304 without a body."""
    compressed = accepts_gzip(accept_encoding)
    headers = {
        "etag": feed.gzip_etag if compressed else feed.etag,
        "cache-control": f"private, max-age={max_age}" if private else f"max-age={max_age}",
        "vary": "Accept-Encoding",
    }
    if feed.last_modified is not None:
        headers["last-modified"] = format_datetime(feed.last_modified, usegmt=True)
    if not_modified(feed, if_none_match, if_modified_since):
        return 304, headers, b""
    if compressed:
        headers["content-encoding"] = "gzip"
    body = feed.gzipped if compressed else feed.body
    return 200, {**headers, "content-type": "text/calendar; charset=utf-8"}, body


def respond(
    request: Request[Any, Any, Any], feed: Feed, *, max_age: int, private: bool = False
) -> Response[bytes]:
    """:func:`answer` to ``request``'s conditional headers, as a Litestar response."""
    status, headers, body = answer(
        feed,
        max_age=max_age,
        if_none_match=request.headers.get("if-none-match"),
        if_modified_since=request.headers.get("if-modified-since"),
        accept_encoding=request.headers.get("accept-encoding"),
        private=private,
    )
    calendar = headers.pop("content-type", None) is not None
    # Litestar adds "; charset=utf-8" to a text media type itself.
    media_type = "text/calendar" if calendar else None
    return Response(body, status_code=status, headers=headers, media_type=media_type)


def _opaque(tag: str) -> str:
    """An entity tag without its weakness indicator: If-None-Match compares weakly
    (RFC 9110 §13.1.2), so ``W/"x"`` matches ``"x"``."""
    tag = tag.strip()
    return tag[2:] if tag.startswith(("W/", "w/")) else tag


def not_modified(feed: Feed, if_none_match: str | None, since: str | None) -> bool:
    """Whether the client's copy is current. RFC 9110 §13.1: If-None-Match wins over
    If-Modified-Since; either encoding's tag designates the same content."""
    if if_none_match is not None:
        tags = {_opaque(tag) for tag in if_none_match.split(",")}
        return "*" in tags or bool(tags & {feed.etag, feed.gzip_etag})
    if since and feed.last_modified is not None:
        try:
            return feed.last_modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
