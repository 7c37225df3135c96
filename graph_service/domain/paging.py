"""Paging bounds, defined once for every layer: the API's routes declare them and the
repositories (``db/``) check them for callers that are not the API (the CLI, the planners).

Every list the API answers (entities, links, gap pages, the audit trail, supporters,
follow-ups, weak points) takes ``limit`` up to :data:`MAX_PAGE` rows; entity, gap and
follow-up lists take ``skip`` up to :data:`MAX_SKIP`. The supporters list has a smaller
``skip`` bound of its own (``db/support.py``): its page is a slice of a Cypher list, whose
bounds are 32-bit.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

#: The largest page (``limit``) of any list route. 1,000: what the supporters route and
#: the gap repository have always allowed; the other lists allowed 500, so every request
#: that was answered still is.
MAX_PAGE = 1_000
#: The most rows an entity, gap or follow-up list may pass over (``skip``).
MAX_SKIP = 10_000_000


# ---- cursors ---------------------------------------------------------------------------------
#
# A list's ``next`` is an opaque cursor: base64url (no padding) of a compact JSON object
# ``{"l": list, "k": key}`` and a check of 8 hex digits. ``l`` names the list it came from
# (``node``, ``rel``, ``audit``, ``offset`` …) so a cursor of one list is not taken by another;
# ``k`` is where the next page starts: the last item's sort key for a keyset list (an entity
# list: its id; the audit trail: its seq), the rows passed over for a computed list (a gap
# page). The check finds a cursor cut or edited by hand; it is no secret, and needs none: a
# forged cursor can only name a place in a list the caller may read anyway.

_CURSOR_MAX = 2_048


class BadCursor(ValueError):
    """A cursor this service did not make, or made for another list."""


def _check(payload: bytes) -> str:
    return hashlib.sha256(b"graph-service cursor\0" + payload).hexdigest()[:8]


def encode_cursor(list_name: str, key: Any) -> str:
    """The cursor of the page after ``key`` in the list ``list_name``.

    >>> token = encode_cursor("node", ["A-01"])
    >>> decode_cursor("node", token)
    ['A-01']
    """
    payload = json.dumps({"l": list_name, "k": key}, ensure_ascii=False, separators=(",", ":"))
    raw = payload.encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + _check(raw)


def decode_cursor(list_name: str, token: str) -> Any:
    """The key a cursor of ``list_name`` names; :class:`BadCursor` when it is malformed,
    edited or made for another list.

    >>> try:
    ...     decode_cursor("audit", encode_cursor("node", ["A-01"]))
    ... except BadCursor as error:
    ...     print(error)
    游标属于另一个列表 / the cursor is of another list
    """
    body, _, check = token.partition(".")
    if len(token) > _CURSOR_MAX or not body or not check:
        raise BadCursor("游标格式不正确 / the cursor is malformed")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as error:
        raise BadCursor("游标格式不正确 / the cursor is malformed") from error
    if not hmac.compare_digest(_check(raw), check):
        raise BadCursor("游标已被修改 / the cursor was altered")
    try:
        decoded = json.loads(raw)
    except ValueError as error:  # a valid check over bytes not made here: cannot happen
        raise BadCursor("游标格式不正确 / the cursor is malformed") from error
    if not isinstance(decoded, dict) or decoded.get("l") != list_name or "k" not in decoded:
        raise BadCursor("游标属于另一个列表 / the cursor is of another list")
    return decoded["k"]


def offset_cursor(skip: int, shown: int, total: int) -> str | None:
    """The cursor after a page of a computed list (``shown`` rows from ``skip`` of
    ``total``), or None when it is the last page."""
    after = skip + shown
    return encode_cursor("offset", after) if shown and after < total else None


def offset_of(token: str) -> int:
    """The rows an offset cursor passes over."""
    after = decode_cursor("offset", token)
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= MAX_SKIP:
        raise BadCursor("游标格式不正确 / the cursor is malformed")
    return after
