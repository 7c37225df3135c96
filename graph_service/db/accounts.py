"""Accounts, their API keys and passwords (stored as :Account nodes, outside the domain
graph). Revoking an account or setting its password ends its console sessions in the same
transaction."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError

from graph_service.auth.keys import key_digest, key_hint, new_key
from graph_service.auth.passwords import check_policy, hash_password, verify_password
from graph_service.auth.principal import Principal, Role
from graph_service.db import audit
from graph_service.db.database import Database
from graph_service.db.records import native
from graph_service.errors import Conflict, InvalidInput, NotFound

ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


def add_account(
    db: Database, who: Principal, name: str, role: Role, areas: Sequence[str] = ()
) -> str:
    """Create an account; return its API key (shown once: only its digest is kept)."""
    who.require_admin()
    if not ACCOUNT_NAME.match(name):
        raise InvalidInput(
            f"account name '{name}': use 1–64 letters, digits, '_', '.', '@' or '-' / 账号名无效"
        )
    areas = sorted(set(areas))
    if role is Role.ADMIN and areas:
        raise InvalidInput("an admin sees the whole graph; give no --area / 管理员不限区域")
    if role is not Role.ADMIN and not areas:
        raise InvalidInput(
            f"a {role.value} account needs at least one --area (area id) / 需指定至少一个区域"
        )
    key = new_key()

    def work(tx: ManagedTransaction) -> None:
        if areas:
            found = set(db.run_in(tx, "areas_within", ids=areas, scope=None)[0]["inside"])
            missing = [a for a in areas if a not in found]
            if missing:
                raise NotFound(f"no area with id {', '.join(missing)} / 区域不存在")
        db.run_in(tx, "account_create", name=name, role=role.value, areas=areas,
                  key_digest=key_digest(key), key_hint=key_hint(key),
                  created_by=who.name)  # fmt: skip
        audit.record(db, tx, who, audit.Change(
            "account.add", kind="Account", target=name,
            after={"name": name, "role": role.value, "areas": areas},
        ))  # fmt: skip

    try:
        db.execute_write(work, "account_add")
    except ConstraintError as exc:
        raise Conflict(f"an account named '{name}' exists / 账号已存在") from exc
    return key


def revoke_account(db: Database, who: Principal, name: str) -> dict[str, Any]:
    who.require_admin()

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        rows = db.run_in(tx, "account_revoke", name=name)
        if not rows:
            raise NotFound(f"no account named '{name}' / 账号不存在")
        ended = db.run_in(tx, "sessions_end_for_account", account=name)[0]["ended"]
        audit.record(db, tx, who, audit.Change("account.revoke", kind="Account", target=name,
                                               details={"sessions_ended": ended}))  # fmt: skip
        return {k: native(v) for k, v in rows[0].items()}

    return db.execute_write(work, "account_revoke")


def list_accounts(db: Database) -> list[dict[str, Any]]:
    return [{k: native(v) for k, v in row.items()} for row in db.read("account_list")]


def admin_count(db: Database) -> int:
    return int(db.read("admin_count")[0]["admins"])


def principal_for_digest(db: Database, digest: str) -> Principal | None:
    """The principal of the key with this digest, or None (unknown or revoked key)."""
    rows = db.read("account_by_key", key_digest=digest)
    if not rows:
        return None
    row = rows[0]
    return Principal(name=row["name"], role=Role(row["role"]), areas=tuple(row["areas"] or ()))


def set_password(db: Database, who: Principal, name: str, password: str) -> int:
    """Set (or reset) an account's password; end its console sessions. Returns how many
    ended. The trail records that it was set, never the password or its hash."""
    who.require_admin()
    check_policy(name, password)
    hashed = hash_password(password)  # before the transaction: argon2 takes a while

    def work(tx: ManagedTransaction) -> int:
        if not db.run_in(tx, "account_set_password", name=name, password_hash=hashed):
            raise NotFound(f"账号不存在或已吊销 / no active account named '{name}'")
        ended = int(db.run_in(tx, "sessions_end_for_account", account=name)[0]["ended"])
        audit.record(db, tx, who, audit.Change("account.password", kind="Account", target=name,
                                               details={"sessions_ended": ended}))  # fmt: skip
        return ended

    return db.execute_write(work, "account_set_password")


def principal_for_password(db: Database, name: str, password: str) -> Principal | None:
    """The principal of the active account ``name`` if ``password`` is its password, else
    None; as slow for an unknown name as for a wrong password."""
    rows = db.read("account_for_signin", name=name) if ACCOUNT_NAME.match(name) else []
    hashed = rows[0]["password_hash"] if rows else None
    if not verify_password(password, hashed) or not rows:
        return None
    row = rows[0]
    return Principal(name=row["name"], role=Role(row["role"]), areas=tuple(row["areas"] or ()))
