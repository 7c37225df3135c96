"""Keep personal data and secrets out of the logs.

Every log record, of every logger (the service's, uvicorn's access and error logs, the
driver's), is scrubbed as it is made: phone and ID numbers are masked
(:func:`graph_service.domain.personal.redact`) and the values of credential-like query
parameters (``?api_key=…``, ``token``, ``password`` …) replaced by ``***``.

A record is scrubbed *in place, keeping its shape*: its arguments stay a tuple (or mapping)
of the same length, each text argument replaced by its scrubbed text (any other argument
whose text holds a number to mask becomes that text where the format allows, ``%s``).
uvicorn's access formatter unpacks exactly five arguments, and a filter that merged them
into the message turned every access line holding a phone number into a logging traceback.
Scrubbing never raises: a record it cannot scrub is left as it was.

>>> scrub("GET /units?api_key=k-123&x=138%201234%205678 HTTP/1.1")
'GET /units?api_key=***&x=138****5678 HTTP/1.1'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from graph_service.domain.personal import redact

MASKED_SECRET = "***"

# Query parameters whose value is a credential, compared without case, "-" or "_".
CREDENTIAL_PARAMS = frozenset({
    "apikey", "xapikey", "key", "token", "accesstoken", "refreshtoken", "idtoken",
    "authtoken", "bearer", "auth", "authorization", "password", "passwd", "pwd", "secret",
    "clientsecret", "session", "sessionid", "signature", "sig",
})  # fmt: skip

# name=value after ? & or ;, as in a request line (percent-encoded, as sent)
_QUERY_PARAM = re.compile(r"(?<=[?&;])(?P<name>[^=&;#\s\"'?]+)=(?P<value>[^&;#\s\"']*)")


def is_credential(name: str) -> bool:
    """Whether a query parameter's name says its value is a secret.

    >>> is_credential("API-Key"), is_credential("access_token"), is_credential("kind")
    (True, True, False)
    """
    plain = unquote_plus(name).lower().replace("-", "").replace("_", "")
    return plain in CREDENTIAL_PARAMS


def _scrub_param(match: re.Match[str]) -> str:
    name, value = match["name"], match["value"]
    if is_credential(name):
        return f"{name}={MASKED_SECRET}"
    if not any(ch.isdigit() for ch in value):
        return match[0]
    # the value as the client meant it: "138+1234+5678" is "138 1234 5678"
    decoded = unquote_plus(value)
    cleaned = redact(decoded)
    return match[0] if cleaned == decoded else f"{name}={quote_plus(cleaned, safe='*')}"


def scrub(text: str) -> str:
    """A log line's text with credentials in query strings, phone and ID numbers masked."""
    if "=" in text:
        text = _QUERY_PARAM.sub(_scrub_param, text)
    return redact(text)


def _scrubbed(value: object) -> object:
    """A log argument, scrubbed: text as text; anything else kept unless its text form
    holds something to mask (then its scrubbed text)."""
    if isinstance(value, str):
        return scrub(value)
    text = str(value)
    cleaned = scrub(text)
    return value if cleaned == text else cleaned


def scrub_record(record: logging.LogRecord) -> None:
    """Scrub a record in place, keeping the shape of its arguments; never raises."""
    try:
        _scrub_record(record)
    except Exception:  # a log record must never be lost or broken by its scrubbing
        return


def _scrub_record(record: logging.LogRecord) -> None:
    if isinstance(record.msg, str):
        record.msg = scrub(record.msg)
    else:
        text = str(record.msg)
        if scrub(text) != text:
            record.msg = scrub(text)
    args = record.args
    if isinstance(args, tuple) and args:
        safe = tuple(scrub(a) if isinstance(a, str) else a for a in args)
        full = tuple(_scrubbed(a) for a in args)
        record.args = full if full == safe or _formats(record.msg, full) else safe
    elif isinstance(args, Mapping) and args:
        safe_map = {k: scrub(v) if isinstance(v, str) else v for k, v in args.items()}
        full_map = {k: _scrubbed(v) for k, v in args.items()}
        record.args = full_map if _formats(record.msg, full_map) else safe_map
    if record.exc_info and not record.exc_text:
        # formatters use exc_text when it is set: the traceback, scrubbed, made once here
        record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)


def _formats(msg: object, args: Any) -> bool:
    """Whether ``msg % args`` still works (a number replaced by text would break ``%d``)."""
    try:
        str(msg) % args
    except (TypeError, ValueError, KeyError):
        return False
    return True


def install() -> None:
    """Scrub every record as it is made (idempotent). A record factory, not a filter on
    some loggers: it sees records of every logger, whatever handlers uvicorn or anyone
    configures later, and those that propagate to the root logger."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "scrubs", False):
        return

    def scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        scrub_record(record)
        return record

    scrubbing_factory.scrubs = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(scrubbing_factory)
