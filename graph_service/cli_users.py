"""`graph-service users …` and `graph-service audit`: accounts, keys and the audit trail.

The command line acts with full rights (whoever runs it holds the database password),
so the first admin is made here: ``graph-service users add alice --role admin``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graph_service.auth.principal import Principal, Role
from graph_service.cli_config import cli_settings
from graph_service.config import Settings

if TYPE_CHECKING:
    from graph_service.db.database import Database

users_app = typer.Typer(help="Accounts, API keys and passwords / 账号、API 密钥与密码.",
                        no_args_is_help=True)  # fmt: skip


def _settings() -> Settings:
    return cli_settings()


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def first_admin(db: Database, data_dir: Path) -> list[str]:
    """What ``graph-service run`` tells about signing in. With no admin account yet, make
    one named ``admin`` with an API key (kept in DATA_DIR/admin.key, 0600) and a random
    password, shown here once."""
    import secrets

    from graph_service.db.accounts import add_account, admin_count, list_accounts, set_password

    if not admin_count(db):
        key = add_account(db, Principal.cli(), "admin", Role.ADMIN)
        key_file = data_dir / "admin.key"
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(key + "\n")
        password = secrets.token_urlsafe(12)
        set_password(db, Principal.cli(), "admin", password)
        return [
            f"首个管理员 First admin: 账号 name 'admin', 密码 password {password}",
            "  (只显示这一次 shown once; 修改 change it: graph-service users passwd admin)",
            f"  API 密钥 key: {key_file} (X-API-Key); more accounts: graph-service users add",
        ]
    signed = [
        row["name"] for row in list_accounts(db)
        if row["role"] == "admin" and not row["revoked_at"] and row["has_password"]
    ]  # fmt: skip
    if signed:
        return [f"以管理员账号登录 Sign in as an admin: {', '.join(signed)}"]
    return ["尚无管理员设置密码 No admin has a password yet: graph-service users passwd NAME"]


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Account name (letters, digits, _ . @ -)")],
    role: Annotated[Role, typer.Option(help="admin | organizer | viewer | service")],
    area: Annotated[
        list[str] | None,
        typer.Option("--area", help="Area id the account may see (repeat for several)"),
    ] = None,
    key_file: Annotated[
        Path | None, typer.Option(help="Also write the key to this file (mode 0600)")
    ] = None,
) -> None:
    """Create an account and print its API key (shown once; only a digest is stored)."""
    from graph_service.cli_db import open_database
    from graph_service.db.accounts import add_account
    from graph_service.errors import GraphServiceError

    try:
        with open_database(_settings()) as db:
            key = add_account(db, Principal.cli(), name, role, area or [])
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    if key_file is not None:
        key_file.touch(mode=0o600)
        key_file.write_text(key + "\n")
    typer.echo(key)
    typer.secho(f"account '{name}' ({role.value}) created; keep the key, it is not shown again",
                err=True)  # fmt: skip


@users_app.command("list")
def users_list(
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv | xlsx")] = "table",
    out: Annotated[str | None, typer.Option("--out", help="Write to this file.")] = None,
) -> None:
    """Every account, with its role, areas and whether it is revoked (never the keys)."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.db.accounts import list_accounts

    with open_database(_settings()) as db:
        rows = list_accounts(db)
    for row in rows:
        row["areas"] = ", ".join(row["areas"] or [])
        row["status"] = "revoked 已吊销" if row["revoked_at"] else "active 有效"
        row["password"] = "set 已设置" if row.pop("has_password") else "-"
    columns = [("name", "账号 name"), ("role", "角色 role"), ("areas", "区域 areas"),
               ("key_hint", "密钥 key"), ("password", "密码 password"),
               ("status", "状态 status"),
               ("created_at", "创建 created"), ("created_by", "创建人 by")]  # fmt: skip
    emit_rows(rows, columns, fmt, out, title="账号 Accounts")


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="Account name")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Set or reset the password a person signs in to the console with; ends the account's
    sessions. Asks twice (not echoed), or reads one line with --password-stdin."""
    import getpass
    import sys

    from graph_service.cli_db import open_database
    from graph_service.db.accounts import set_password
    from graph_service.errors import GraphServiceError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"新密码 New password for '{name}': ")
        if getpass.getpass("再输入一次 Again: ") != password:
            raise _fail("两次输入的密码不一致 / the two passwords differ; nothing changed")
    else:
        raise _fail("标准输入不是终端：请用 --password-stdin / stdin is not a terminal: "
                    "pass --password-stdin")  # fmt: skip
    try:
        with open_database(_settings()) as db:
            ended = set_password(db, Principal.cli(), name, password)
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    ended_note = f"; {ended} session(s) ended / 已结束 {ended} 个会话" if ended else ""
    typer.echo(f"已设置 '{name}' 的密码 / password of '{name}' set{ended_note}")


@users_app.command("revoke")
def users_revoke(name: Annotated[str, typer.Argument(help="Account name")]) -> None:
    """Revoke an account's key: it stops working within AUTH_CACHE_SECONDS (5 s by default)."""
    from graph_service.cli_db import open_database
    from graph_service.db.accounts import revoke_account
    from graph_service.errors import GraphServiceError

    try:
        with open_database(_settings()) as db:
            revoke_account(db, Principal.cli(), name)
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    typer.echo(f"revoked '{name}'; its console sessions ended, and running APIs refuse its key "
               "within AUTH_CACHE_SECONDS / 已吊销")


def audit(
    actor: Annotated[str | None, typer.Option(help="Only this account (cli:<user>)")] = None,
    action: Annotated[str | None, typer.Option(help="Action prefix: node., rel., import …")] = None,
    target: Annotated[str | None, typer.Option(help="Only events about this id")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    verify: Annotated[bool, typer.Option("--verify", help="Check the hash chain")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv | xlsx")] = "table",
    out: Annotated[str | None, typer.Option("--out", help="Write to this file.")] = None,
) -> None:
    """The audit trail of writes, newest first; --verify checks that none was altered."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.db import audit as trail

    start = None
    if since:
        try:
            start = dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), dt.UTC)
        except ValueError as exc:
            raise _fail(f"--since {since!r}: use YYYY-MM-DD") from exc
    with open_database(_settings()) as db:
        if verify:
            checked, problems = trail.verify_chain(db)
            for problem in problems:
                typer.secho(problem, fg=typer.colors.RED, err=True)
            typer.echo(f"{checked} event(s) checked; {'OK' if not problems else 'BROKEN'}")
            raise typer.Exit(code=1 if problems else 0)
        events = trail.list_events(db, actor=actor, action=action, target=target, since=start,
                                   limit=limit)  # fmt: skip
    columns = [("seq", "序号 seq"), ("at", "时间 at"), ("actor", "操作人 actor"),
               ("via", "途径 via"), ("action", "操作 action"), ("kind", "类型 kind"),
               ("target", "对象 target"), ("before", "修改前 before"),
               ("after", "修改后 after"), ("details", "详情 details")]  # fmt: skip
    emit_rows(events, columns, fmt, out, title="审计日志 Audit trail")
