"""Accounts, for admins / 账号管理: list, add (its API key shown once), revoke, and set
the password its person signs in to the console with (``POST /session``). The same
operations as ``graph-service users …``, each recorded in the audit trail. Revoking an
account or setting its password ends its console sessions.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from graph_service.api.locations import CREATED, located
from graph_service.api.security import PrincipalDep
from graph_service.auth.passwords import MAX_LENGTH, MIN_LENGTH
from graph_service.auth.principal import Role
from graph_service.db.accounts import add_account, list_accounts, revoke_account, set_password
from graph_service.deps import DatabaseDep, ReadsDep
from graph_service.errors import InvalidInput
from graph_service.schemas.paging import page_of

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
async def set_account_password(
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


NEW_ACCOUNT: dict[str, Any] = {"organizer": {
    "summary": "An organizer of one community / 某社区组织员",
    "value": {"name": "li.ming", "role": "organizer", "areas": ["A-JIANXIN"]}}}  # fmt: skip
AccountName = Annotated[str, Path(max_length=64, description="Account name / 账号名")]


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=64, description="1–64 letters, digits, _ . @ - / 账号名")
    role: Role = Field(description="admin, organizer, viewer or service / 角色")
    areas: list[str] = Field(
        default=[], max_length=50,
        description="Area ids whose subtrees it sees (none for an admin) / 负责区域",
    )  # fmt: skip


class Account(BaseModel):
    name: str
    role: Role
    role_zh: str
    areas: list[str]
    key_hint: str | None = Field(default=None, description="The key's first characters / 密钥开头")
    has_password: bool = Field(description="May sign in to the console / 已设置登录密码")
    created_at: dt.datetime | None = None
    created_by: str | None = None
    revoked_at: dt.datetime | None = None


class AccountMade(Account):
    api_key: str = Field(description="Shown this once: only its digest is kept / 仅显示一次")


def _account(row: dict[str, Any]) -> Account:
    role = Role(row["role"])
    return Account.model_validate(row | {"role": role, "role_zh": role.zh,
                                         "areas": row["areas"] or []})  # fmt: skip


@router.get("/accounts", summary="Every account (admins) / 账号列表",
            response_model=page_of(Account),
            responses={403: {"description": "Not an admin"}})  # fmt: skip
async def get_accounts(reads: ReadsDep, principal: PrincipalDep) -> Any:
    """Every account, revoked ones too: role, areas, the API key's last characters, whether
    it has a password. Never a key or a password hash. Admins only.

    全部账号（含已吊销的）：角色、负责区域、密钥尾号、是否已设置密码。仅管理员可查看。"""
    principal.require_admin()
    accounts = [_account(row) for row in await reads.call(list_accounts)]
    return {"items": accounts, "total": len(accounts), "next": None}


@router.post(
    "/accounts", status_code=status.HTTP_201_CREATED, summary="Add an account (admins) / 新建账号",
    responses={**CREATED, 403: {"description": "Not an admin"},
               404: {"description": "Unknown area"}, 409: {"description": "The name is taken"},
               422: {"description": "A bad name, or areas that do not fit the role"}},
)  # fmt: skip
async def create_account(
    body: Annotated[AccountIn, Body(openapi_examples=NEW_ACCOUNT)],
    db: DatabaseDep, principal: PrincipalDep, request: Request, response: Response,
) -> AccountMade:  # fmt: skip
    """Add an account; the answer carries its API key, shown this once. An admin has no
    areas; every other role needs at least one. Set a password (``PUT
    /accounts/{name}/password``) for its person to sign in to the console. Audited.

    新建账号，返回其 API 密钥（仅此一次）。管理员不限区域，其他角色至少指定一个区域。设置
    密码后可登录工作台。操作记入审计日志。"""
    key = await run_in_threadpool(add_account, db, principal, body.name, body.role, body.areas)
    made = next(row for row in await run_in_threadpool(list_accounts, db)
                if row["name"] == body.name)  # fmt: skip
    located(request, response, "accounts", body.name)
    return AccountMade(**_account(made).model_dump(), api_key=key)


@router.delete(
    "/accounts/{name}", status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an account (admins) / 吊销账号",
    responses={403: {"description": "Not an admin"},
               404: {"description": "No account of that name"},
               422: {"description": "Your own account"}},
)  # fmt: skip
async def delete_account(
    name: AccountName, db: DatabaseDep, principal: PrincipalDep, request: Request
) -> Response:
    """Revoke an account: its API key stops working (in other API processes within
    ``AUTH_CACHE_SECONDS``) and its console sessions end at once.
    The account stays listed, revoked. Audited.

    吊销账号：其 API 密钥立即失效（其他 API 进程在 AUTH_CACHE_SECONDS 内），登录会话随即
    结束；账号仍保留在列表中（已吊销）。"""
    if name == principal.name:
        raise InvalidInput("不能吊销自己的账号 / you cannot revoke your own account", field="name")
    await run_in_threadpool(revoke_account, db, principal, name)
    request.app.state.keys.forget(name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
