"""An entity's history: the audit trail's events about it, as the principal may read them.

The trail (:mod:`graph_service.db.audit`) is the admins' whole record. An entity's history
is the part of it about one node — the writes to the node (``node.create``, ``node.update``,
``node.delete``) and to its relationships (``rel.*``, where the node is an end) — for
anyone who may read the node, under the rule that reads it:

* the node must exist and lie in the principal's areas, else not found (404), as its read;
* for an area-scoped principal, an event about a relationship is shown only when both its
  ends lie in those areas (the rule that reads the relationship itself); with an end
  outside — or deleted since, when where it lay is no longer known — the event is left out,
  so neither that end nor the relationship's fields reach the principal;
* in an event that is shown, any other value that names a stored entity outside the areas
  (the area of an assignment plan, a ``for_unit``, in ``details``, ``before`` or
  ``after``) is withheld: set to null, and its place named in ``redacted``.

The filter runs in the query (``cypher/audit/entity_history.cypher``), so a page of
``limit`` events is full whenever older events remain, and ``before_seq`` pages back as
``GET /audit`` does. Exports, imports and accounts are not an entity's history: an import
is recorded as a whole (``import.finish``) and its rows are in the admins' trail only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph_service.auth.principal import Principal
from graph_service.db.audit import decoded
from graph_service.db.entities import lucene_escape
from graph_service.db.plans import Plan, step
from graph_service.db.scope import visible_ids_plan
from graph_service.db.support import entity_plan
from graph_service.domain.models import ID_PATTERN

#: the parts of an event that hold values of the entity, its relationships or the write
VALUES = ("before", "after", "details")
#: what the trail stores beside an event and a history does not give (the hash chain is
#: checked as a whole, by admins: ``GET /audit/verify``)
CHAIN = ("prev_hash", "hash", "mac")


def entity_history_plan(
    who: Principal, entity_id: str, *, before_seq: int | None = None, limit: int = 100
) -> Plan[list[dict[str, Any]]]:
    """The events about ``entity_id`` that ``who`` may read, newest first, those below
    ``before_seq`` (None: from the newest), at most ``limit`` (a read plan). Each is the
    recorded event without its hashes, with ``redacted``: the places of values withheld."""
    yield from entity_plan(who, entity_id)
    rows = yield step("entity_history", id=entity_id, terms=lucene_escape(entity_id),
                      scope=who.scope, before_seq=before_seq, limit=limit)  # fmt: skip
    events = [{k: v for k, v in decoded(row["event"]).items() if k not in CHAIN}
              for row in rows]  # fmt: skip
    hidden: set[str] = set()
    if who.scope is not None:
        named = sorted({text for event in events for _, text in _named(event)})
        if named:
            found = yield step("visible_ids", ids=named, scope=None)  # those that exist
            stored = set(found[0]["visible"]) if found else set()
            hidden = stored - (yield from visible_ids_plan(who, sorted(stored)))
    return [_withheld(event, hidden) for event in events]


def _named(event: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(place, text) of each value in the event's before, after and details that could be
    an entity's id, but the event's targets (read: they lie in the principal's areas)."""
    targets = set(event.get("targets") or ())
    for part in VALUES:
        for place, text in _texts(event.get(part), part):
            if text not in targets and ID_PATTERN.match(text):
                yield place, text


def _texts(value: Any, place: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield place, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{place}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{place}[{index}]")


def _withheld(event: dict[str, Any], hidden: set[str]) -> dict[str, Any]:
    """The event with each value that names a ``hidden`` entity set to None, and where.

    >>> _withheld({"targets": ["B-1"], "details": {"area": "A-S", "n": 2}}, {"A-S"})
    {'targets': ['B-1'], 'details': {'area': None, 'n': 2}, 'redacted': ['details.area']}
    """
    places = [place for place, text in _named(event) if text in hidden]
    out = dict(event)
    for part in VALUES:
        if part in out:
            out[part] = _without(out[part], hidden)
    out["redacted"] = places
    return out


def _without(value: Any, hidden: set[str]) -> Any:
    if isinstance(value, str):
        return None if value in hidden else value
    if isinstance(value, dict):
        return {key: _without(item, hidden) for key, item in value.items()}
    if isinstance(value, list):
        return [_without(item, hidden) for item in value]
    return value
