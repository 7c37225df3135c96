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


# Phone and resident ID numbers, wherever they turn up in a log line, however written.
# Each pattern stands between characters that are not ASCII letters or digits (电话13812345678
# is masked; a hex digest or a UUID is not a phone number) and matches digits only, so dates,
# times, counts, ports and ids like A-JIANXIN are left alone, and a masked number (digits
# replaced by stars) never matches again: redact is idempotent.
_ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"\d{17}[\dXx]"  # 18 digits (the last may be X): the current resident ID
    # 15 digits, the first-generation ID: area, birth date as YYMMDD, sequence
    r"|[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
    r")(?![0-9A-Za-z])"
)
_SEP = r"[ \-]?"
# Mobile: 1[3-9]x xxxx xxxx, optionally +86 / 0086 / 86 before it, spaces or hyphens between
# the groups (the same separator both times).
_MOBILE = re.compile(
    rf"(?<![0-9A-Za-z])(?P<country>(?:\+|00)?86{_SEP}|\(\+?86\){_SEP}?)?"
    r"(?P<head>1[3-9]\d)(?P<sep>[ \-]?)\d{4}(?P=sep)(?P<tail>\d{4})(?![0-9A-Za-z])"
)
# Landline: an area code starting with 0 (010, 02x, 0xxx), in parentheses or not, then a
# local number of 7 or 8 digits (first digit 2-9), its last four maybe set apart.
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z])(?P<area>\(0(?:10|2\d|[3-9]\d{2})\)|0(?:10|2\d|[3-9]\d{2}))"
    rf"(?P<sep>{_SEP})[2-9]\d{{2,3}}{_SEP}(?P<tail>\d{{4}})(?![0-9A-Za-z])"
)


# A UUID (a job's or a request's id) is left whole: its hyphenated groups of digits can read
# as a landline (09255582-0263…: area 0925, number 5582-0263).
_UUID = re.compile(
    r"(?<![0-9A-Za-z])([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{12})(?![0-9A-Za-z])"
)


def redact(text: str) -> str:
    """Mask phone and ID numbers in free text (log lines).

    >>> redact("call 13812345678 or id 370102198001011234")
    'call 138****5678 or id 3701**********1234'
    >>> redact("+86 138-1234-5678, 0531-82345678, (0531)8234-5678, 370102800101123")
    '+86 138****5678, 0531-****5678, (0531)****5678, 3701*******1123'
    >>> redact("2026-12-02 07:49:01 A-JIANXIN 42 rows in 1234 ms")
    '2026-12-02 07:49:01 A-JIANXIN 42 rows in 1234 ms'
    >>> redact("job 09255582-0263-7920-ae54-053182345678 for 13812345678")
    'job 09255582-0263-7920-ae54-053182345678 for 138****5678'
    """
    if not any(ch.isdigit() for ch in text):  # most log lines: nothing to look for
        return text
    if "-" in text and _UUID.search(text):
        # split keeps the UUIDs (the group) at the odd places, untouched
        pieces = _UUID.split(text)
        return "".join(p if i % 2 else _redact_numbers(p) for i, p in enumerate(pieces))
    return _redact_numbers(text)


def _redact_numbers(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: mask("id_number", m[0]), text)
    text = _MOBILE.sub(lambda m: f"{m['country'] or ''}{m['head']}{STARS}{m['tail']}", text)
    return _LANDLINE.sub(lambda m: f"{m['area']}{m['sep']}{STARS}{m['tail']}", text)
