"""The API's side of the list envelope (schemas/paging.py): the ``cursor`` parameter, its
decoding (a malformed or altered cursor is a 422 naming ``cursor``) and the ``Link``
header that carries the next page's URL (RFC 8288)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response

from graph_service.domain.paging import BadCursor, decode_cursor, offset_of
from graph_service.errors import InvalidInput

Cursor = Annotated[str | None, Query(
    max_length=2048,
    description="Where the page starts: the next of the page before (opaque) / 翻页游标：上一页"
                "应答中的 next",
)]  # fmt: skip

#: the header a page's 200 declares in the OpenAPI
LINK_HEADER = {"Link": {
    "description": 'The next page: <url>; rel="next" (RFC 8288), absent on the last page / '
                   "下一页的地址（最后一页没有）",
    "schema": {"type": "string"},
}}  # fmt: skip


def _refused(error: BadCursor) -> InvalidInput:
    return InvalidInput(f"翻页游标 cursor 无效：{error} / cursor is not valid: {error}",
                        errors=[{"field": "cursor", "message": str(error)}])  # fmt: skip


def cursor_key(list_name: str, cursor: str | None) -> Any:
    """The key a request's cursor names for the list ``list_name`` (None: the first page)."""
    if cursor is None:
        return None
    try:
        return decode_cursor(list_name, cursor)
    except BadCursor as error:
        raise _refused(error) from error


def cursor_offset(cursor: str | None, skip: int) -> int:
    """The rows a computed list passes over: the cursor's, else ``skip``."""
    if cursor is None:
        return skip
    try:
        return offset_of(cursor)
    except BadCursor as error:
        raise _refused(error) from error


def link_next(request: Request, response: Response, next_cursor: str | None) -> None:
    """Set ``Link: <…>; rel="next"`` on ``response`` when there is a next page: the
    request's URL with ``cursor`` set (``skip`` and ``before_seq``, which it replaces, dropped)."""
    if next_cursor is None:
        return
    url = request.url.remove_query_params(["skip", "before_seq"]).include_query_params(
        cursor=next_cursor
    )
    response.headers["Link"] = f'<{url}>; rel="next"'


def next_in(body: bytes) -> str | None:
    """The ``next`` member of a page sent as kept JSON bytes (a gap page), found without
    parsing the page: the last ``"next":`` key of the text is the page's own, since the
    members after it (the rule, the date, the area, skip, limit) have fixed keys, none of
    them ``next``; an item's detail may hold any key, but the items come before it (a
    string holding the text would show it escaped).

    >>> next_in(b'{"items":[{"detail":{"next":"x"}}],"total":3,"next":"abc.1","skip":0}')
    'abc.1'
    >>> next_in(b'{"items":[{"detail":{"next":"x"}}],"total":1,"next":null,"skip":0}') is None
    True
    """
    at = body.rfind(b'"next":')
    if at < 0 or body.startswith(b"null", at + 7):
        return None
    end = body.index(b'"', at + 8)
    return body[at + 8 : end].decode()
