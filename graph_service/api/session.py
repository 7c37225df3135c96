"""POST, GET and DELETE /session: people sign in to the console / 控制台登录.

Sign-in sets two cookies: ``gs_session`` (HttpOnly: the page's scripts never see the
session token) and ``gs_csrf`` (readable: the page sends it back as ``X-CSRF-Token`` on
every request other than GET and HEAD). Both are SameSite=Strict, Path=/, and Secure when
the request came over https or SESSION_COOKIE_SECURE says so. Wrong passwords slow sign-in
down (:mod:`graph_service.auth.throttle`). How the cookie then authenticates the rest of
the API: :mod:`graph_service.api.security`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response, Security, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from graph_service.api.security import session_cookie, session_of, timeouts
from graph_service.auth.passwords import MAX_LENGTH
from graph_service.auth.principal import Principal
from graph_service.auth.sessions import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    csrf_matches,
)
from graph_service.auth.throttle import SignInThrottle
from graph_service.config import Settings
from graph_service.db import sessions
from graph_service.db.accounts import principal_for_password
from graph_service.deps import DatabaseDep, SettingsDep
from graph_service.errors import Forbidden, Unauthorized
from graph_service.problems import language_of, problem

router = APIRouter(tags=["session · 登录"])

WRONG = "账号或密码错误 / wrong account name or password"
SIGN_IN_EXAMPLES: dict[str, Any] = {"organizer": {
    "summary": "An organizer signs in / 组织员登录",
    "value": {"name": "wang", "password": "一个足够长的密码"}}}  # fmt: skip


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200, description="Account name / 账号")
    password: str = Field(max_length=MAX_LENGTH, description="Password / 密码")


class SessionArea(BaseModel):
    id: str
    name: str | None = None


class SessionInfo(BaseModel):
    name: str = Field(description="Account name / 账号")
    role: str = Field(description="admin | organizer | viewer | service / 角色")
    areas: list[SessionArea] = Field(
        description="The account's areas; for an admin (whole graph) the top areas / 可见区域"
    )
    csrf_token: str = Field(
        description=f"Send as the header {CSRF_HEADER} on every request other than GET and "
                    "HEAD (also in the cookie gs_csrf) / 写操作需带此令牌",
    )  # fmt: skip


def _info(db: DatabaseDep, principal: Principal, csrf: str) -> SessionInfo:
    areas = [SessionArea(**area) for area in sessions.areas_of(db, principal)]
    return SessionInfo(name=principal.name, role=principal.role.value, areas=areas,
                       csrf_token=csrf)  # fmt: skip


def _throttle(request: Request, settings: Settings) -> SignInThrottle:
    state = request.app.state
    if getattr(state, "signin_throttle", None) is None:
        state.signin_throttle = SignInThrottle(settings.signin_free_failures,
                                               settings.signin_delay_seconds,
                                               settings.signin_max_delay_seconds)  # fmt: skip
    throttle: SignInThrottle = state.signin_throttle
    return throttle


def _secure(request: Request, settings: Settings) -> bool:
    if settings.session_cookie_secure is not None:
        return settings.session_cookie_secure
    return request.url.scheme == "https"


def _clear(response: Response, secure: bool) -> None:
    for name, http_only in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
        response.delete_cookie(name, path="/", secure=secure, httponly=http_only,
                               samesite="strict")  # fmt: skip


@router.post(
    "/session", summary="Sign in / 登录", response_model=SessionInfo,
    responses={401: {"description": "Wrong name or password / 账号或密码错误"},
               429: {"description": "Too many wrong passwords: wait Retry-After seconds"}},
)  # fmt: skip
async def sign_in(
    body: Annotated[SignIn, Body(openapi_examples=SIGN_IN_EXAMPLES)],
    request: Request, response: Response, db: DatabaseDep, settings: SettingsDep,
) -> SessionInfo | JSONResponse:  # fmt: skip
    """Check the name and password, start a session and set its two cookies (gs_session,
    gs_csrf). An unknown name and a wrong password get the same answer. After
    SIGNIN_FREE_FAILURES wrong passwords for one name from one client, each attempt must
    wait (429 with Retry-After).

    核对账号和密码，开始会话并设置 Cookie；密码多次错误后须等待 Retry-After 秒再试。"""
    throttle = _throttle(request, settings)
    client = request.client.host if request.client else "-"
    key = f"{body.name}\x00{client}"
    if (wait := throttle.wait(key)) > 0:
        return problem(
            status.HTTP_429_TOO_MANY_REQUESTS, "Too many attempts / 尝试次数过多",
            f"密码错误次数过多，请 {math.ceil(wait)} 秒后再试 / too many wrong passwords; "
            f"try again in {math.ceil(wait)} s", request.url.path,
            {"Retry-After": str(math.ceil(wait))}, language=language_of(request),
        )  # fmt: skip
    principal = await run_in_threadpool(principal_for_password, db, body.name, body.password)
    started = None
    if principal is not None:
        started = await run_in_threadpool(sessions.start, db, principal.name, timeouts(settings))
    if principal is None or started is None:
        throttle.failed(key)
        raise Unauthorized(WRONG)
    throttle.succeeded(key)
    if (old := request.cookies.get(SESSION_COOKIE)) is not None and len(old) < 100:
        await run_in_threadpool(sessions.end, db, old)  # one browser, one session
    token, csrf = started
    secure = _secure(request, settings)
    lifetime = int(settings.session_lifetime_hours * 3600)
    response.set_cookie(SESSION_COOKIE, token, max_age=lifetime, path="/", secure=secure,
                        httponly=True, samesite="strict")  # fmt: skip
    response.set_cookie(CSRF_COOKIE, csrf, max_age=lifetime, path="/", secure=secure,
                        httponly=False, samesite="strict")  # fmt: skip
    return await run_in_threadpool(_info, db, principal, csrf)


@router.get(
    "/session", summary="Who is signed in / 当前登录", response_model=SessionInfo,
    responses={401: {"description": "Not signed in, or the session expired / 未登录或已过期"}},
)  # fmt: skip
async def current_session(
    request: Request, db: DatabaseDep,
    cookie: Annotated[str | None, Security(session_cookie)] = None,
) -> SessionInfo:  # fmt: skip
    """The account signed in with the request's cookie, its areas and the session's CSRF
    token (for a page opened again); 401 when there is no live session.

    当前登录的账号、可见区域和 CSRF 令牌；未登录或已过期时返回 401。"""
    session = await session_of(request, db)
    if session is None:
        raise Unauthorized("未登录或登录已过期 / not signed in, or the session expired")
    return await run_in_threadpool(_info, db, session.principal, session.csrf_token)


@router.delete(
    "/session", summary="Sign out / 退出登录", status_code=status.HTTP_204_NO_CONTENT,
    responses={403: {"description": f"Signed in, but without the header {CSRF_HEADER}"}},
)  # fmt: skip
async def sign_out(
    request: Request, db: DatabaseDep, settings: SettingsDep,
    cookie: Annotated[str | None, Security(session_cookie)] = None,
) -> Response:  # fmt: skip
    """End the session (on the server too) and clear both cookies; without a live session,
    only clear them. Needs the header X-CSRF-Token while signed in.

    退出登录：结束服务器上的会话并清除 Cookie。"""
    session = await session_of(request, db)
    if session is not None:
        if not csrf_matches(session.csrf_token, request.headers.get(CSRF_HEADER)):
            raise Forbidden(f"缺少或错误的 {CSRF_HEADER} 请求头 / sign-out needs the header "
                            f"{CSRF_HEADER} with the session's CSRF token")  # fmt: skip
        await run_in_threadpool(sessions.end, db, request.cookies[SESSION_COOKIE])
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    _clear(response, _secure(request, settings))
    return response
