"""Authentication: who is calling, from an API key.

A key comes in ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``. Keys are made
with ``graph-service users add`` and stored only as digests; a revoked key stops
working within ``AUTH_CACHE_SECONDS`` (see :mod:`graph_service.auth.key_cache`). Every
router but /health and /ready depends on :func:`current_principal`, so nothing else
answers without credentials.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from graph_service.auth.key_cache import KeyCache
from graph_service.auth.keys import key_digest
from graph_service.auth.principal import Principal
from graph_service.db.accounts import principal_for_digest
from graph_service.deps import DatabaseDep
from graph_service.errors import Unauthorized

MAX_KEY_LENGTH = 200

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False,
    description="API key from `graph-service users add` / 命令行创建的 API 密钥",
)  # fmt: skip
bearer = HTTPBearer(auto_error=False, description="The same API key as a bearer token")


async def current_principal(
    request: Request,
    db: DatabaseDep,
    api_key: Annotated[str | None, Security(api_key_header)] = None,
    token: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
) -> Principal:
    key = api_key or (token.credentials if token else None)
    if not key:
        raise Unauthorized(
            "credentials needed: send X-API-Key or Authorization: Bearer <key> / 需要 API 密钥"
        )
    unknown = Unauthorized("unknown or revoked API key / API 密钥无效或已吊销")
    if len(key) > MAX_KEY_LENGTH:
        raise unknown
    digest = key_digest(key)
    keys: KeyCache = request.app.state.keys
    principal = keys.get(digest)
    if principal is None:
        # async, so a remembered key costs no trip to a worker thread; the lookup does
        principal = await run_in_threadpool(principal_for_digest, db, digest)
        if principal is None:
            raise unknown
        keys.put(digest, principal)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
