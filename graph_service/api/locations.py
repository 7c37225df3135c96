"""``Location`` on every 201: the created resource's URL (RFC 9110 §10.2.2), and its
declaration in the OpenAPI."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request, Response

#: a create's 201 as the OpenAPI declares it
CREATED: dict[int | str, dict[str, Any]] = {201: {
    "description": "Created; Location is its URL / 已创建，Location 为其地址",
    "headers": {"Location": {"description": "The created resource's URL / 新资源的地址",
                             "schema": {"type": "string", "format": "uri"}}},
}}  # fmt: skip


def located(request: Request, response: Response, *segments: str, **query: str) -> None:
    """Set ``Location`` to the resource's path on this service, made of the path
    ``segments`` (each quoted, so an id holding ``/`` or ``?`` stays one segment) and
    ``query``: an absolute-path reference (``/units/U-1``), which the client resolves
    against the URL it asked, so it holds behind a proxy that renames the host."""
    path = request.scope.get("root_path", "") + "".join("/" + quote(s, safe="") for s in segments)
    wanted = urlencode(query)
    response.headers["Location"] = path + ("?" + wanted if wanted else "")
