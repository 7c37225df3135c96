"""Entity tags (RFC 9110 §8.8.3) of stored records, and the conditions that compare them.

A record's tag is a digest of its canonical form: the record as its domain model reads it
from the store, unmasked, as sorted compact JSON. Two principals whose masking differs see
different bodies but one tag, because the tag names the stored version, not the body; a
write that changes nothing keeps the tag, and one that changes anything gives a new one.
The tag is strong: equal tags mean equal stored records.

>>> tag = etag("Unit", {"id": "U-1", "name": "示例单位"})
>>> tag == etag("Unit", {"name": "示例单位", "id": "U-1"})
True
>>> if_match_holds(f'"bogus", {tag}', tag), if_match_holds('"bogus"', tag)
(True, False)
>>> if_match_holds("*", tag), if_match_holds("W/" + tag, tag)
(True, False)
>>> if_none_match_holds("W/" + tag, tag)
True
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def etag(kind: str, record: dict[str, Any]) -> str:
    """The strong entity tag of a stored record of ``kind`` (a node label or a relationship
    type), given as its model's JSON dump (``model_dump(mode="json")``)."""
    canonical = json.dumps([kind, record], sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))  # fmt: skip
    return '"' + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32] + '"'


def _tags(field: str) -> list[str]:
    # a tag is a quoted string without commas (RFC 9110 etagc), so splitting on commas is safe
    return [tag.strip() for tag in field.split(",") if tag.strip()]


def if_match_holds(field: str, current: str) -> bool:
    """Whether an ``If-Match`` field holds for the record whose tag is ``current``: ``*``
    (the record exists, which the caller has checked), or one of its tags is ``current``
    by strong comparison (a weak tag never matches)."""
    tags = _tags(field)
    return "*" in tags or current in tags


def if_none_match_holds(field: str, current: str) -> bool:
    """Whether an ``If-None-Match`` field names the record whose tag is ``current``
    (``*``, or by weak comparison): a GET answers 304 then."""
    tags = [tag.removeprefix("W/") for tag in _tags(field)]
    return "*" in tags or current in tags
