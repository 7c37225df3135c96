"""People's passwords: argon2id hashes (pwdlib), checked in constant work.

A password is what a person types, so unlike an API key (256 random bits, a SHA-256 digest
is enough: :mod:`graph_service.auth.keys`) it must be stored with a slow, salted, memory-hard
hash. pwdlib's recommended hasher is argon2id with argon2-cffi's parameters.

>>> hashed = hash_password("正确的密码 correct horse")
>>> verify_password("正确的密码 correct horse", hashed), verify_password("wrong", hashed)
(True, False)
"""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash

from graph_service.errors import InvalidInput

MIN_LENGTH = 8
#: longer inputs are refused before hashing: argon2 over megabytes is work for nothing
MAX_LENGTH = 1024


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("no account has this password")


def check_policy(name: str, password: str) -> None:
    """Refuse a password too short, too long, or equal to the account's name."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"密码至少 {MIN_LENGTH} 个字符 / the password needs at least {MIN_LENGTH} characters",
            errors=[{"field": "password", "message": f"at least {MIN_LENGTH} characters",
                     "type": "password_too_short"}],
        )  # fmt: skip
    if len(password) > MAX_LENGTH:
        raise InvalidInput(
            f"密码最多 {MAX_LENGTH} 个字符 / the password may have at most {MAX_LENGTH} characters",
            errors=[{"field": "password", "message": f"at most {MAX_LENGTH} characters",
                     "type": "password_too_long"}],
        )  # fmt: skip
    if password.strip().casefold() == name.casefold():
        raise InvalidInput(
            "密码不能与账号名相同 / the password must not be the account's name",
            errors=[{"field": "password", "message": "equal to the account name",
                     "type": "password_is_name"}],
        )  # fmt: skip


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    """Whether ``password`` matches ``hashed``. With no hash (no such account, or no password
    set) a dummy hash is checked all the same, so the answer takes as long either way and
    does not tell which names exist."""
    if len(password) > MAX_LENGTH:
        return False
    if hashed is None:
        _hasher().verify(password, _dummy_hash())
        return False
    try:
        return bool(_hasher().verify(password, hashed))
    except Exception:  # a malformed stored hash is a wrong password, never a 500
        return False
