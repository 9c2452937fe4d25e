"""The HTTP answer of a feed: inline ``text/calendar`` with a strong ETag and Last-Modified,
and 304 Not Modified to a client whose copy is current (RFC 9110 §13, conditional requests)."""

from __future__ import annotations

from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from litestar import Request, Response

from api.feeds.service import Feed


def answer(
    feed: Feed, *, max_age: int, if_none_match: str | None, if_modified_since: str | None
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for ``feed``: inline text/calendar, strong ETag,
    Last-Modified in whole seconds, ``Cache-Control: max-age``, 304 without a body."""
    headers = {"etag": feed.etag, "cache-control": f"max-age={max_age}"}
    if feed.last_modified is not None:
        headers["last-modified"] = format_datetime(feed.last_modified, usegmt=True)
    if not_modified(feed, if_none_match, if_modified_since):
        return 304, headers, b""
    return 200, {**headers, "content-type": "text/calendar; charset=utf-8"}, feed.body


def respond(request: Request[Any, Any, Any], feed: Feed, *, max_age: int) -> Response[bytes]:
    """:func:`answer` to ``request``'s conditional headers, as a Litestar response."""
    status, headers, body = answer(
        feed,
        max_age=max_age,
        if_none_match=request.headers.get("if-none-match"),
        if_modified_since=request.headers.get("if-modified-since"),
    )
    calendar = headers.pop("content-type", None) is not None
    # Litestar adds "; charset=utf-8" to a text media type itself.
    media_type = "text/calendar" if calendar else None
    return Response(body, status_code=status, headers=headers, media_type=media_type)


def not_modified(feed: Feed, if_none_match: str | None, since: str | None) -> bool:
    """Whether the client's copy is current. RFC 9110 §13.1: If-None-Match wins over
    If-Modified-Since."""
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        return "*" in tags or feed.etag in tags
    if since and feed.last_modified is not None:
        try:
            return feed.last_modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
