"""API keys: random, shown once, stored only as a SHA-256 digest.

A key is 256 bits from :mod:`secrets`, so a fast digest is enough (there is nothing
to brute-force as there would be with a password); lookups are by digest and the
digest comparison happens inside the index lookup, never on a prefix.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "gsk_"


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_hint(key: str) -> str:
    """The first characters, to tell keys apart in `users list` without revealing them."""
    return key[: len(PREFIX) + 4] + "…"
