"""Console sessions: a random token in an HttpOnly cookie, a CSRF token beside it.

The token (256 bits from :mod:`secrets`) is kept server-side only as its SHA-256 digest
(:func:`graph_service.auth.keys.key_digest`), on a ``:Session`` node in Neo4j, so every API
process sees every session and a stolen database copy holds no usable token. The CSRF token
is given to the page (body and the readable cookie ``gs_csrf``) and must come back as the
``X-CSRF-Token`` header on every request that is not GET or HEAD (double submit, checked
against the server's copy); SameSite=Strict keeps other sites from sending the cookies at all.
"""

from __future__ import annotations

import secrets

SESSION_COOKIE = "gs_session"
CSRF_COOKIE = "gs_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: a token is 43 characters; anything much longer is not one of ours
MAX_TOKEN_LENGTH = 100


def new_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str, sent: str | None) -> bool:
    return sent is not None and secrets.compare_digest(expected.encode(), sent.encode())
