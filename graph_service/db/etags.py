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
from collections.abc import Hashable
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


# ---- kept answers: gap pages, gap counts, coverage summaries -------------------------------


def answer_etag(key: Hashable, representation: str, body: bytes) -> str:
    """The strong tag of a kept answer as sent: a digest of its key (everything it depends
    on: the request's parameters, the principal's role and areas, the rules in force; see
    :class:`~graph_service.db.plans.KeptRead`), its representation (``json``) and its bytes.

    The data version decides when a kept answer is computed again; the tag then changes if
    and only if the answer's bytes did. A write that leaves this answer as it was (another
    area's unit renamed) keeps the tag, so a client's copy stays good; one that changes it
    gives a new tag at once. Two principals whose scopes differ never share a tag, even
    where their answers are equal.

    >>> key = ("counts", ("admin", ()), "2026-06-30", None)
    >>> answer_etag(key, "json", b'{"A": 1}') == answer_etag(key, "json", b'{"A": 1}')
    True
    >>> answer_etag(key, "json", b'{"A": 1}') == answer_etag(key, "json", b'{"A": 2}')
    False
    >>> organizer = ("counts", ("organizer", ("A-ERQI",)), "2026-06-30", None)
    >>> answer_etag(key, "json", b'{"A": 1}') == answer_etag(organizer, "json", b'{"A": 1}')
    False
    """
    return '"' + _answer_digest(key, representation, body) + '"'


def version_etag(key: Hashable, representation: str, version: str) -> str:
    """The weak tag of a kept answer sent as a file (``csv``, ``xlsx``): a digest of its
    key, the format and the data version read *before* the answer, so a file computed
    after a write that came in between carries the older version's tag and is asked for
    again, never kept too long. Weak: two workbooks of one answer differ in their zip
    entries' times, not in what they say.

    >>> version_etag(("summary",), "xlsx", "v1").startswith('W/"')
    True
    >>> version_etag(("summary",), "xlsx", "v1") == version_etag(("summary",), "xlsx", "v2")
    False
    """
    return 'W/"' + _answer_digest(key, representation, version.encode("utf-8")) + '"'


def _answer_digest(key: Hashable, representation: str, content: bytes) -> str:
    # a key is a tuple of str, int, date, None and tuples: its repr is the same in every
    # process (the shared result caches name their entries by it too)
    # SHA-256 (as the entity tags): with the CPU's SHA instructions, a page of 1,000 gaps
    # (about 500 kB) costs about 0.3 ms, a page of 50 a few hundredths
    digest = hashlib.sha256()
    for part in (repr(key).encode("utf-8"), representation.encode("utf-8")):
        digest.update(len(part).to_bytes(8, "big") + part)
    digest.update(content)
    return digest.hexdigest()[:32]
