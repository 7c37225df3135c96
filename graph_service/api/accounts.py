"""PUT /accounts/{name}/password: an admin sets or resets a person's password / 重置密码.

Accounts themselves are made with ``graph-service users add``; the password lets the
account's person sign in to the console (``POST /session``). Setting it ends the
account's sessions.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from graph_service.api.security import PrincipalDep
from graph_service.auth.passwords import MAX_LENGTH, MIN_LENGTH
from graph_service.db.accounts import set_password
from graph_service.deps import DatabaseDep

router = APIRouter(tags=["accounts · 账号"])
EXAMPLES: dict[str, Any] = {"reset": {
    "summary": "A new password / 新密码", "value": {"password": "一个足够长的新密码"}}}  # fmt: skip


class PasswordSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(
        max_length=MAX_LENGTH,
        description=f"The new password, {MIN_LENGTH}-{MAX_LENGTH} characters, not the "
                    "account's name / 新密码",
    )  # fmt: skip


@router.put(
    "/accounts/{name}/password", status_code=status.HTTP_204_NO_CONTENT,
    summary="Set an account's password (admins) / 设置或重置密码",
    responses={403: {"description": "Not an admin"},
               404: {"description": "No active account of that name"},
               422: {"description": "Too short, too long, or the account's name"}},
)  # fmt: skip
async def put_password(
    name: str,
    body: Annotated[PasswordSet, Body(openapi_examples=EXAMPLES)],
    db: DatabaseDep, principal: PrincipalDep,
) -> Response:  # fmt: skip
    """Set or reset the password the account's person signs in to the console with; ends
    the account's console sessions. Admins only; recorded in the audit trail (never the
    password).

    管理员设置或重置账号的登录密码，并结束该账号的所有会话。"""
    await run_in_threadpool(set_password, db, principal, name, body.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
