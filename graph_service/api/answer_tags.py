"""Conditional GETs of kept answers (gap pages, gap counts, coverage summaries): each answer
carries an ``ETag``, and ``If-None-Match`` naming it answers 304 without a body while the
answer is as the client holds it (RFC 9110 §13.1.2).

A JSON answer's tag is a digest of its key and bytes (:func:`~graph_service.db.etags.
answer_etag`); the kept answer, and so its tag, is computed again whenever the graph's data
version changes. A file's tag is weak and names the data version read before the file was
made (:func:`~graph_service.db.etags.version_etag`). Either way no 304 is sent for an answer
that a write has changed.

The answers say ``Cache-Control: private, no-cache``: a browser or client may keep them,
only for this caller (they depend on its areas), and must ask again, with the tag, before
using a kept copy: a 304 costs no body and, at an unchanged data version, no query beyond
the version's.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Annotated, Any

from fastapi import Header, Response, status

from graph_service.api.model_json import json_response
from graph_service.db.etags import answer_etag, if_none_match_holds

IfNoneMatch = Annotated[str | None, Header(
    alias="If-None-Match",
    description="The ETag of the answer you hold: 304 without a body while it is unchanged / "
                "已持有应答的 ETag：应答未变时返回 304（无应答体）",
)]  # fmt: skip

CACHE_CONTROL = "private, no-cache"

_HEADERS = {
    "ETag": {
        "description": "The answer's tag, for If-None-Match; it changes when the answer does "
                       "/ 应答的版本标记，应答变化时随之变化",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"description": CACHE_CONTROL, "schema": {"type": "string"}},
}  # fmt: skip

#: the statuses a tagged answer adds to its operation in the OpenAPI: its 200 gains the
#: headers (merge with :func:`documented`), and 304
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Unchanged since the ETag in If-None-Match; no body / "
                         "应答未变（无应答体）",
          "headers": _HEADERS},
}  # fmt: skip


def documented(responses: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """``responses`` of a tagged answer's operation: its 200 with the ETag header, and 304."""
    ok = dict(responses.get(200, {"description": "OK"}))
    ok["headers"] = {**ok.get("headers", {}), **_HEADERS}
    return {**responses, 200: ok, **NOT_MODIFIED}


def not_modified(tag: str, if_none_match: str | None) -> Response | None:
    """304 with the tag and no body when ``If-None-Match`` names ``tag`` (by weak
    comparison: with or without ``W/`` on either side)."""
    if if_none_match is not None and if_none_match_holds(if_none_match, tag.removeprefix("W/")):
        return tagged(Response(status_code=status.HTTP_304_NOT_MODIFIED), tag)
    return None


def tagged(answer: Response, tag: str) -> Response:
    """``answer`` with its tag and :data:`CACHE_CONTROL`."""
    answer.headers["ETag"] = tag
    answer.headers["Cache-Control"] = CACHE_CONTROL
    return answer


def tagged_json(body: bytes, key: Hashable, if_none_match: str | None) -> Response:
    """A kept answer's JSON ``body`` (kept under ``key``) with its tag, or 304."""
    tag = answer_etag(key, "json", body)
    return not_modified(tag, if_none_match) or tagged(json_response(body), tag)
