"""Authentication: who is calling, from an API key or a console session cookie.

Machine clients send a key as ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``. Keys
are made with ``graph-service users add`` and stored only as digests; a revoked key stops
working within ``AUTH_CACHE_SECONDS`` (see :mod:`graph_service.auth.key_cache`).

People sign in at ``POST /session`` (:mod:`graph_service.api.session`) and send the cookie
``gs_session``; with it, every request but GET and HEAD must carry ``X-CSRF-Token`` equal to
the session's CSRF token (403 otherwise). A key, when sent, wins over the cookie. Either
way the principal is the account's, as it is now, and the same scope rule applies.

Every router but /health, /ready and /session depends on :func:`current_principal`, so
nothing else answers without credentials.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from graph_service.auth.key_cache import KeyCache
from graph_service.auth.keys import key_digest
from graph_service.auth.principal import Principal
from graph_service.auth.sessions import (
    CSRF_HEADER,
    MAX_TOKEN_LENGTH,
    SAFE_METHODS,
    SESSION_COOKIE,
    csrf_matches,
)
from graph_service.config import Settings
from graph_service.db import sessions
from graph_service.db.accounts import principal_for_digest
from graph_service.deps import DatabaseDep
from graph_service.errors import Forbidden, Unauthorized

MAX_KEY_LENGTH = 200

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False,
    description="API key from `graph-service users add` / 命令行创建的 API 密钥",
)  # fmt: skip
bearer = HTTPBearer(auto_error=False, description="The same API key as a bearer token")
session_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False,
    description="Console session from POST /session / 控制台登录会话; requests other than GET "
                "and HEAD also need the header X-CSRF-Token",
)  # fmt: skip


def timeouts(settings: Settings) -> sessions.Timeouts:
    return sessions.Timeouts(
        idle_ms=int(settings.session_idle_minutes * 60_000),
        lifetime_ms=int(settings.session_lifetime_hours * 3_600_000),
    )


async def session_of(request: Request, db: DatabaseDep) -> sessions.Session | None:
    """The live console session the request's cookie names, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    settings: Settings = request.app.state.settings
    return await run_in_threadpool(sessions.find, db, token, timeouts(settings))


async def current_principal(
    request: Request,
    db: DatabaseDep,
    api_key: Annotated[str | None, Security(api_key_header)] = None,
    token: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
    cookie: Annotated[str | None, Security(session_cookie)] = None,
) -> Principal:
    key = api_key or (token.credentials if token else None)
    if not key:
        if cookie:
            return await _from_session(request, db)
        raise Unauthorized(
            "需要登录或 API 密钥 / credentials needed: sign in, or send X-API-Key or "
            "Authorization: Bearer <key>"
        )
    unknown = Unauthorized("API 密钥无效或已吊销 / unknown or revoked API key")
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


async def _from_session(request: Request, db: DatabaseDep) -> Principal:
    session = await session_of(request, db)
    if session is None:
        raise Unauthorized(
            "登录已过期或无效，请重新登录 / the session expired or is unknown; sign in again"
        )
    if request.method not in SAFE_METHODS and not csrf_matches(
        session.csrf_token, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden(
            f"缺少或错误的 {CSRF_HEADER} 请求头 / a signed-in request other than GET needs the "
            f"header {CSRF_HEADER} with the session's CSRF token (cookie gs_csrf)"
        )
    request.state.principal = session.principal
    return session.principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
