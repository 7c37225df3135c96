"""Personal data of persons (个人信息, PIPL): which fields, and how they are masked.

Phone numbers, ID numbers and home addresses are stored only when given (an absent
value is no property at all), shown in full only to the admin and organizer roles,
masked for everyone else and in the audit trail, and never logged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PERSONAL_FIELDS: tuple[str, ...] = ("phone", "id_number", "home_address")

STARS = "****"


def mask(field: str, value: Any) -> Any:
    """The masked form of one personal value: enough to recognise it, not to use it.

    >>> mask("phone", "13812345678")
    '138****5678'
    >>> mask("id_number", "370102198001011234")
    '3701**********1234'
    >>> mask("home_address", "济南市市中区建新路12号3单元")
    '济南市市中区****'
    >>> mask("phone", "110")
    '****'
    """
    if value is None:
        return None
    text = str(value)
    if field == "phone":
        return text[:3] + STARS + text[-4:] if len(text) >= 11 else STARS
    if field == "id_number":
        return text[:4] + "*" * (len(text) - 8) + text[-4:] if len(text) >= 15 else STARS
    if field == "home_address":
        return text[:6] + STARS if len(text) > 8 else STARS
    return value


def masked(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a person's fields with the personal ones masked."""
    return {k: mask(k, v) if k in PERSONAL_FIELDS else v for k, v in fields.items()}


def without_personal(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k not in PERSONAL_FIELDS}


# Mainland mobile numbers and resident ID numbers, wherever they turn up in a log line.
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![0-9A-Za-z])")


def redact(text: str) -> str:
    """Mask phone and ID numbers in free text (log lines).

    >>> redact("call 13812345678 or id 370102198001011234")
    'call 138****5678 or id 3701**********1234'
    """
    text = _ID_NUMBER.sub(lambda m: m[1] + "*" * 10 + m[2], text)
    return _MOBILE.sub(lambda m: m[1] + STARS + m[2], text)
