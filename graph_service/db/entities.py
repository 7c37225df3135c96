"""The entities repository: create, read, update, delete and list every node and
relationship kind, validated by the domain models.

Every function takes the :class:`Principal` it acts for. Reads pass the principal's area
scope into the query, so a node outside it is simply not found; each write runs in one
transaction that checks the scope, changes the graph and appends its audit event — all
or nothing. Personal data is masked on the way out for roles that may not see it.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError
from pydantic import ValidationError

from graph_service.auth.principal import Principal
from graph_service.db import audit, boundaries, org_areas
from graph_service.db.database import Database, Fetch
from graph_service.db.etags import etag, if_match_holds
from graph_service.db.plans import Plan, step
from graph_service.db.records import native
from graph_service.db.scope import visible_ids, visible_ids_plan
from graph_service.domain import terms as terms_domain
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NODE_MODELS, REL_MODELS, NodeIn, RelIn
from graph_service.domain.personal import masked
from graph_service.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
)

PROVENANCE = ("src_file", "src_row", "src_at")
#: Stored by the service, not given by users: left out of what nodes read back as.
NOT_FIELDS = (*PROVENANCE, org_areas.PROPERTY)


def node_fields(
    props: dict[str, Any], latitude: Any = None, longitude: Any = None
) -> dict[str, Any]:
    """Stored properties back to model fields (location → latitude/longitude)."""
    fields = {k: native(v) for k, v in props.items() if k not in NOT_FIELDS and k != "location"}
    if latitude is not None:
        fields["latitude"] = latitude
        fields["longitude"] = longitude
    return fields


def rel_fields(props: dict[str, Any]) -> dict[str, Any]:
    return {k: native(v) for k, v in props.items() if k not in PROVENANCE}


def _invalid(error: ValidationError) -> InvalidInput:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()
    ]
    detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
    return InvalidInput(detail, errors=errors)


# ---- scope ------------------------------------------------------------------------------------


def _not_found(kind: NodeKind, node_id: str) -> NotFound:
    return NotFound(f"no {kind.value} with id '{node_id}' / 不存在编号为 {node_id} 的{kind.zh}")


def _shown(who: Principal, model: NodeIn) -> NodeIn:
    """The model as this principal may see it (personal data masked unless allowed)."""
    if who.sees_personal_data or model.kind_of_node is not NodeKind.PERSON:
        return model
    return type(model).model_construct(**masked(model.model_dump()))


def _all_visible(who: Principal, ids: list[str]) -> Plan[bool]:
    """Whether all of ``ids`` lie in the principal's area scope (a read plan; no query for
    an unscoped principal)."""
    if who.scope is None:
        return True
    return set(ids) <= (yield from visible_ids_plan(who, ids))


def _fields_of(row: dict[str, Any]) -> dict[str, Any]:
    return node_fields(row["props"], row["latitude"], row["longitude"])


# ---- versions ---------------------------------------------------------------------------------


def node_etag(model: NodeIn) -> str:
    """The entity tag of a stored node (see :mod:`graph_service.db.etags`): of the model
    read from the store, before any masking."""
    return etag(model.kind_of_node.value, model.model_dump(mode="json"))


def rel_etag(model: RelIn) -> str:
    """The entity tag of a stored relationship, ends included."""
    return etag(model.kind_of_rel.value, model.model_dump(mode="json"))


def _require_version(if_match: str | None, current: str, what: tuple[str, str]) -> None:
    """Refuse a conditional write (412) unless ``If-Match`` names the stored version
    ``current``; called with the write lock held, before anything is written or audited.
    ``what`` names the record in Chinese and in English."""
    if if_match is not None and not if_match_holds(if_match, current):
        raise PreconditionFailed(
            f"记录已被他人修改，请刷新后重试：{what[0]} 的当前版本为 {current} / the record "
            f"changed since you read it: {what[1]} is now at version {current}; read it again "
            "and retry",
            current_etag=current,
        )


# ---- nodes -----------------------------------------------------------------------------------


def _stored_node_plan(who: Principal, kind: NodeKind, node_id: str) -> Plan[dict[str, Any]]:
    rows = yield step("node_get", placeholders={"label": kind}, id=node_id)
    if not rows or not (yield from _all_visible(who, [node_id])):
        raise _not_found(kind, node_id)
    return _fields_of(rows[0])


def _fetched_node(
    db: Database, tx: ManagedTransaction, kind: NodeKind, node_id: str
) -> dict[str, Any]:
    """A node the write transaction fetched with its lock (``Fetch([node_id], who.scope)``):
    its fields, or not found unless it exists, is a ``kind`` and lies in the scope."""
    node = db.fetched(tx).get(node_id)
    if node is None or node["kind"] != kind.value or not node["visible"]:
        raise _not_found(kind, node_id)
    return _fields_of(node)


def _fetched_kinds(db: Database, tx: ManagedTransaction, ids: list[str]) -> dict[str, NodeKind]:
    """The kind of each of ``ids`` that the write transaction fetched and may see."""
    fetched = db.fetched(tx)
    return {i: NodeKind(fetched[i]["kind"]) for i in ids if i in fetched and fetched[i]["visible"]}


def get_tagged_node_plan(
    who: Principal, kind: NodeKind, node_id: str
) -> Plan[tuple[NodeIn, str]]:
    """One node as the principal may see it, and the entity tag of its stored version (a
    read plan: the API may share its transaction with other reads, see
    :mod:`graph_service.db.async_reads`)."""
    fields = yield from _stored_node_plan(who, kind, node_id)
    stored = NODE_MODELS[kind].model_validate(fields)
    return _shown(who, stored), node_etag(stored)


def get_node_plan(who: Principal, kind: NodeKind, node_id: str) -> Plan[NodeIn]:
    """One node as the principal may see it (a read plan)."""
    shown, _ = yield from get_tagged_node_plan(who, kind, node_id)
    return shown


def get_tagged_node(
    db: Database, who: Principal, kind: NodeKind, node_id: str
) -> tuple[NodeIn, str]:
    return db.read_plan(lambda: get_tagged_node_plan(who, kind, node_id), "node_get")


def get_node(db: Database, who: Principal, kind: NodeKind, node_id: str) -> NodeIn:
    return db.read_plan(lambda: get_node_plan(who, kind, node_id), "node_get")


def _link_direction(kind: NodeKind, rel: RelKind, other: NodeKind) -> bool:
    """True when the new node is the start of ``rel`` to ``other``, False when the end."""
    if kind in rel.spec.sources and other in rel.spec.targets:
        return True
    if kind in rel.spec.targets and other in rel.spec.sources:
        return False
    raise InvalidInput(
        f"a {kind.value} cannot be joined to a {other.value} by {rel.value} / 关系类型不适用",
        errors=[{"field": "link", "message": f"{rel.value} does not join {kind.value} and "
                 f"{other.value}"}],
    )  # fmt: skip


def _check_boundary(db: Database, tx: ManagedTransaction, model: NodeIn) -> None:
    """An area's boundary must lie inside its parents' and around its children's."""
    boundary = getattr(model, "boundary", None)
    if model.kind_of_node is NodeKind.AREA and boundary is not None:
        boundaries.check_area(db, tx, model.id, boundary)


def _check_part_of(db: Database, tx: ManagedTransaction, model: RelIn) -> None:
    """A current PART_OF between areas: the child's boundary inside the parent's."""
    if model.kind_of_rel is RelKind.PART_OF and (
        model.until is None or model.until >= dt.date.today()
    ):
        boundaries.check_part_of(db, tx, model.from_id, model.to_id)


def create_node(
    db: Database, who: Principal, model: NodeIn, link: tuple[RelKind, str] | None = None
) -> NodeIn:
    """Create a node, optionally with one relationship (``link``) to an existing node.

    An area-scoped principal must place the new node inside its areas in the same
    request (``link``: e.g. ``located_in`` a building of its area), or the write is
    refused and nothing is stored.
    """
    who.require_write()
    kind = model.kind_of_node

    def work(tx: ManagedTransaction) -> None:
        if model.id in db.fetched(tx):
            existing = db.run_in(tx, "entity_exists", id=model.id)
            extra = {"existing": existing[0]} if who.scope is None and existing else {}
            raise Conflict(f"id '{model.id}' is already used / 编号已被使用", **extra)
        linked: dict[str, Any] | None = None
        if link is not None:
            rel, other_id = link
            other_kind = _fetched_kinds(db, tx, [other_id]).get(other_id)
            if other_kind is None:
                raise NotFound(f"no node with id '{other_id}' (link_to) / 编号 {other_id} 不存在")
            other = other_kind
            outgoing = _link_direction(kind, rel, other)
            linked = {"type": rel.value, "to" if outgoing else "from": other_id}
        audit.record(db, tx, who, audit.Change(
            "node.create", kind=kind.value, target=model.id,
            targets=[model.id] + ([link[1]] if link else []),
            after=model.model_dump(mode="json", exclude_none=True),
            details={"link": linked} if linked else None,
        ))  # fmt: skip
        db.run_in(tx, "node_create", placeholders={"label": kind},
                  props=model.graph_properties(), location=model.location())  # fmt: skip
        if link is not None:
            rel, other_id = link
            ends = (model.id, other_id) if outgoing else (other_id, model.id)
            labels = (kind, other) if outgoing else (other, kind)
            db.run_in(tx, "rel_create",
                      placeholders={"rel": rel, "from_label": labels[0], "to_label": labels[1]},
                      from_id=ends[0], to_id=ends[1], props={})  # fmt: skip
            # a new node's area depends on nothing but this relationship, and nothing's on it:
            # only a new party organization, or an old node now pointing at the new one, moves
            moves = kind is NodeKind.PARTY_ORG or ends[0] != model.id
            if rel in org_areas.AREA_RELS and moves:
                org_areas.refresh(db, tx, [ends[0]], scope=who.scope, created=[model.id])
        _check_boundary(db, tx, model)  # after the link: it may be its PART_OF
        if who.scope is not None and model.id not in visible_ids(db, tx, who, [model.id]):
            raise Forbidden(
                f"the new {kind.value} would lie outside your areas; create it with "
                "link and link_to placing it inside them (e.g. link=located_in&link_to=<a "
                "building of your area>) / 新建节点须同时关联到您负责的区域内"
            )

    fetch = Fetch([model.id] + ([link[1]] if link else []), who.scope)
    try:
        db.execute_write(work, "node_create", fetch)
    except ConstraintError as exc:  # a concurrent create won the race
        raise Conflict(f"id '{model.id}' is already used / 编号已被使用") from exc
    return _shown(who, model)


def update_node(
    db: Database, who: Principal, kind: NodeKind, node_id: str, changes: dict[str, Any]
) -> NodeIn:
    """Merge ``changes`` into the stored node, validate the whole, then replace it."""
    return update_tagged_node(db, who, kind, node_id, changes)[0]


def update_tagged_node(
    db: Database,
    who: Principal,
    kind: NodeKind,
    node_id: str,
    changes: dict[str, Any],
    if_match: str | None = None,
) -> tuple[NodeIn, str]:
    """Like :func:`update_node`, only if ``if_match`` (an ``If-Match`` field, None: no
    condition) names the stored version; the node as the principal may see it, and the
    tag of its new version."""
    who.require_write()
    if "id" in changes and changes["id"] != node_id:
        raise InvalidInput("the id cannot change / 编号不可修改",
                           errors=[{"field": "id", "message": "the id cannot change"}])  # fmt: skip
    model_class = NODE_MODELS[kind]

    def work(tx: ManagedTransaction) -> NodeIn:
        fields = _fetched_node(db, tx, kind, node_id)
        before = model_class.model_validate(fields)
        _require_version(if_match, node_etag(before), (f"{kind.zh} {node_id}",
                                                        f"{kind.value} {node_id}"))
        fields.update(changes)
        try:
            model = model_class.model_validate(fields)
        except ValidationError as error:
            raise _invalid(error) from error
        old = before.model_dump(mode="json", exclude_none=True)
        new = model.model_dump(mode="json", exclude_none=True)
        changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
        _check_boundary(db, tx, model)
        audit.record(db, tx, who, audit.Change(
            "node.update", kind=kind.value, target=node_id, targets=[node_id],
            before={k: old.get(k) for k in changed}, after={k: new.get(k) for k in changed},
        ))  # fmt: skip
        db.run_in(tx, "node_replace", placeholders={"label": kind}, id=node_id,
                  props=model.graph_properties(), location=model.location())  # fmt: skip
        return model

    model = db.execute_write(work, "node_update", Fetch([node_id], who.scope))
    return _shown(who, model), node_etag(model)


def delete_node(
    db: Database,
    who: Principal,
    kind: NodeKind,
    node_id: str,
    cascade: bool,
    if_match: str | None = None,
) -> dict[str, Any]:
    """Delete a node. With relationships, ``cascade`` must be set; the answer says what went.

    An area-scoped principal may delete only what lies wholly inside its areas: a
    relationship lies inside only when both its ends do, so a node with a relationship to
    anything outside is refused whole (403, naming those relationships by type and
    direction, not the outside ends), and so is a delete that would move a party
    organization's stored area into or out of its areas (see :func:`org_areas.refresh`).
    ``if_match`` (an ``If-Match`` field) must name the stored version, when given.
    """
    who.require_write()

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        fields = _fetched_node(db, tx, kind, node_id)
        stored = NODE_MODELS[kind].model_validate(fields)
        _require_version(if_match, node_etag(stored), (f"{kind.zh} {node_id}",
                                                        f"{kind.value} {node_id}"))
        counted = db.run_in(tx, "node_relationship_counts", id=node_id, scope=who.scope)
        attached = [{k: r[k] for k in ("type", "direction", "count")} for r in counted]
        total = sum(int(r["count"]) for r in attached)
        if total and not cascade:
            raise Conflict(
                f"{kind.value} '{node_id}' has {total} relationship(s); delete with cascade=true "
                f"to remove them too / 该节点仍有 {total} 条关系，需指定 cascade=true",
                relationships=attached,
            )
        outside = [{"type": r["type"], "direction": r["direction"], "count": r["outside"]}
                   for r in counted if r["outside"]]  # fmt: skip
        if outside:
            named = ", ".join(f"{r['count']} {r['type']} ({r['direction']})" for r in outside)
            raise Forbidden(
                f"{kind.value} '{node_id}' has relationships to nodes outside your areas "
                f"({named}); deleting it would delete them too, so nothing was deleted — ask "
                f"someone whose areas hold both ends / 该节点与您权限范围外的节点有关系"
                f"（{named}），级联删除会改动范围外的数据，已拒绝，未删除任何内容",
                relationships_outside=outside,
            )
        sources = org_areas.sources_of(db, tx, node_id)
        audit.record(db, tx, who, audit.Change(
            "node.delete", kind=kind.value, target=node_id, targets=[node_id],
            before=stored.model_dump(mode="json", exclude_none=True),
            details={"relationships_deleted": attached},
        ))  # fmt: skip
        db.run_in(tx, "node_delete", placeholders={"label": kind}, id=node_id)
        org_areas.refresh(db, tx, sources, scope=who.scope)
        return {"deleted": node_id, "kind": kind.value, "relationships_deleted": attached}

    return db.execute_write(work, "node_delete", Fetch([node_id], who.scope))


def list_nodes(
    db: Database,
    who: Principal,
    kind: NodeKind,
    *,
    subkind: str | None,
    name: str | None,
    after: str | None = None,
    skip: int = 0,
    limit: int,
) -> tuple[int | None, list[NodeIn], str | None]:
    """A keyset page of nodes of one kind by id: the first ``limit`` after the id ``after``
    (None: from the start), past ``skip`` more. Answers the list's total (None on a page
    after the first for an admin: counting again would scan the kind), the page, and the
    id the next page starts after (None on the last page)."""
    label = {"label": kind}
    params: dict[str, Any] = {"kind": subkind, "name": name, "scope": who.scope,
                              "after": after or "", "skip": skip, "limit": limit + 1}  # fmt: skip

    def work(tx: ManagedTransaction) -> tuple[int | None, list[dict[str, Any]]]:
        if who.scope is None:
            total = None
            if after is None:
                total = int(db.run_in(tx, "node_count", placeholders=label, kind=subkind,
                                      name=name, scope=None)[0]["total"])  # fmt: skip
            rows = db.run_in(tx, "node_list", placeholders=label, **params)
            return total, [row["item"] for row in rows]
        row = db.run_in(tx, "node_list_scoped", label=kind.value, **params)[0]
        return int(row["total"]), list(row["items"])

    total, found = db.execute_read(work, "node_list")
    more = len(found) > limit
    model = NODE_MODELS[kind]
    items = []
    for found_item in found[:limit]:
        item = dict(found_item)
        lat, lon = item.pop("latitude", None), item.pop("longitude", None)
        items.append(_shown(who, model.model_validate(node_fields(item, lat, lon))))
    return total, items, str(found[limit - 1]["id"]) if more else None


def search(
    db: Database, who: Principal, query: str, limit: int, skip: int = 0
) -> list[dict[str, Any]]:
    """Nodes whose names match the words of ``query``, best first, past ``skip`` of them.
    A query without a word (only spaces, tabs, ideographic spaces) matches nothing: Lucene
    cannot parse an empty query."""
    escaped = lucene_escape(query)
    if not escaped:
        return []
    return db.read("search", query=escaped, skip=skip, limit=limit, scope=who.scope)


def lucene_escape(text: str) -> str:
    """Escape Lucene query syntax so a user's text is searched for, never interpreted.

    >>> lucene_escape('建新 AND (x')
    '建新 \\\\AND \\\\(x'
    """
    special = set('+-&|!(){}[]^"~*?:\\/')
    out = []
    for word in text.split():
        escaped = "".join("\\" + ch if ch in special else ch for ch in word)
        if escaped in {"AND", "OR", "NOT"}:
            escaped = "\\" + escaped
        out.append(escaped)
    return " ".join(out)


# ---- relationships ---------------------------------------------------------------------------


def _ends(
    db: Database, tx: ManagedTransaction, who: Principal, rel: RelKind, from_id: str, to_id: str
) -> tuple[NodeKind, NodeKind]:
    """The kinds of both ends (fetched with the write lock); NotFound unless both exist
    inside the principal's scope."""
    seen = _fetched_kinds(db, tx, [from_id, to_id])
    kinds = []
    for end_id, allowed, side in ((from_id, rel.spec.sources, "from_id"),
                                  (to_id, rel.spec.targets, "to_id")):  # fmt: skip
        kind = seen.get(end_id)
        if kind is None:
            raise NotFound(f"no node with id '{end_id}' ({side}) / 编号 {end_id} 不存在")
        if kind not in allowed:
            names = ", ".join(sorted(k.value for k in allowed))
            raise InvalidInput(
                f"{side} '{end_id}' is a {kind.value}; {rel.value} needs one of: {names}",
                errors=[{"field": side, "message": f"{kind.value} not allowed"}],
            )
        kinds.append(kind)
    return kinds[0], kinds[1]


class Latest(Enum):
    """Which term a route names when it gives no ``since``: the newest (latest start)."""

    TERM = "latest"


#: A term named by its start date (None: the term whose start is not recorded), or LATEST
LATEST = Latest.TERM
TermKey = dt.date | None | Latest


def _terms_of(rel: RelKind, rows: list[dict[str, Any]], from_id: str, to_id: str) -> list[RelIn]:
    """The stored terms of a pair as models, by start date (no start first)."""
    terms = [REL_MODELS[rel].model_validate(rel_fields(row["props"]) | {"from_id": from_id,
                                                                      "to_id": to_id})
             for row in rows]  # fmt: skip
    return sorted(terms, key=lambda term: term.since or dt.date.min)


def _named(rel: RelKind, terms: list[RelIn], since: TermKey, from_id: str, to_id: str) -> RelIn:
    """The term ``since`` names among a pair's; NotFound naming the stored ones otherwise."""
    if terms and since is LATEST:
        return terms[terms_domain.latest([(t.since, t.until) for t in terms])]
    found = next((t for t in terms if t.since == since), None)
    if found is not None:
        return found
    if not terms:
        raise NotFound(f"no {rel.value} from '{from_id}' to '{to_id}' / 关系不存在")
    starts = ", ".join(repr(terms_domain.key_text(t.since)) for t in terms)
    raise NotFound(
        f"没有从 {from_id} 到 {to_id} 开始于 {since or '（未记录）'} 的 {rel.value} 任期，"
        f"已有任期的开始日期：{starts} / no term of {rel.value} from '{from_id}' to "
        f"'{to_id}' starts on {since or '(no start)'}; the terms start on: {starts}"
    )


def _stored_terms(
    db: Database, tx: ManagedTransaction, who: Principal, rel: RelKind, from_id: str, to_id: str
) -> list[RelIn]:
    rows = db.run_in(tx, "rel_terms", placeholders={"rel": rel}, from_id=from_id, to_id=to_id)
    if not rows or not db.run_plan_in(tx, _all_visible(who, [from_id, to_id])):
        raise NotFound(f"no {rel.value} from '{from_id}' to '{to_id}' / 关系不存在")
    return _terms_of(rel, rows, from_id, to_id)


def _rel_fetch(who: Principal, rel: RelKind, from_id: str, to_id: str) -> Fetch:
    """What a write of one relationship reads with the write lock: both ends, and its terms."""
    return Fetch([from_id, to_id], who.scope, [(rel.value, from_id, to_id)])


def _fetched_terms(
    db: Database, tx: ManagedTransaction, rel: RelKind, from_id: str, to_id: str
) -> list[RelIn]:
    """The stored terms of a relationship the write transaction fetched with its lock, with
    its ends (``_rel_fetch``); not found unless one exists and both ends lie in the scope."""
    rows = db.fetched_terms(tx, rel.value, from_id, to_id)
    if not rows or len(_fetched_kinds(db, tx, [from_id, to_id])) < len({from_id, to_id}):
        raise NotFound(f"no {rel.value} from '{from_id}' to '{to_id}' / 关系不存在")
    return _terms_of(rel, rows, from_id, to_id)


def _overlap_conflict(rel: RelKind, model: RelIn, other: RelIn) -> Conflict:
    en, zh = terms_domain.label((other.since, other.until))
    new_en, new_zh = terms_domain.label((model.since, model.until))
    return Conflict(
        f"{rel.value} 从 {model.from_id} 到 {model.to_id} 的任期（{new_zh}）与已有任期（{zh}）"
        f"重叠：同一对象间的同类关系各任期不得重叠，请先结束或更正已有任期 / the term "
        f"{new_en} of {rel.value} from '{model.from_id}' to '{model.to_id}' overlaps its "
        f"stored term {en}; end or correct that term first",
        term_since=terms_domain.key_text(other.since),
    )


def get_relationship(
    db: Database, who: Principal, rel: RelKind, from_id: str, to_id: str,
    since: TermKey = LATEST,
) -> RelIn:  # fmt: skip
    """One term of a relationship: the one starting on ``since``, or the newest."""

    def work(tx: ManagedTransaction) -> RelIn:
        return _named(rel, _stored_terms(db, tx, who, rel, from_id, to_id), since, from_id,
                      to_id)  # fmt: skip

    return db.execute_read(work, "rel_terms")


def get_tagged_relationship(
    db: Database, who: Principal, rel: RelKind, from_id: str, to_id: str,
    since: TermKey = LATEST,
) -> tuple[RelIn, str]:  # fmt: skip
    """A term of a relationship and the entity tag of its stored version."""
    model = get_relationship(db, who, rel, from_id, to_id, since)
    return model, rel_etag(model)


def list_terms(
    db: Database, who: Principal, rel: RelKind, from_id: str, to_id: str
) -> list[RelIn]:
    """Every term of a relationship, by start date (no start first)."""
    return db.execute_read(lambda tx: _stored_terms(db, tx, who, rel, from_id, to_id),
                           "rel_terms")  # fmt: skip


def create_relationship(db: Database, who: Principal, model: RelIn) -> RelIn:
    """Store a relationship, or a new term of one the two ends already have, provided its
    dates overlap none of the stored terms (409 otherwise)."""
    who.require_write()
    rel = model.kind_of_rel

    def work(tx: ManagedTransaction) -> None:
        from_kind, to_kind = _ends(db, tx, who, rel, model.from_id, model.to_id)
        stored = _terms_of(rel, db.fetched_terms(tx, rel.value, model.from_id, model.to_id),
                           model.from_id, model.to_id)  # fmt: skip
        clash = next((t for t in stored if terms_domain.overlaps((t.since, t.until),
                                                                 (model.since, model.until))),
                     None)  # fmt: skip
        if clash is not None:
            raise _overlap_conflict(rel, model, clash)
        _check_part_of(db, tx, model)
        audit.record(db, tx, who, audit.Change(
            "rel.create", kind=rel.value, target=f"{model.from_id}->{model.to_id}",
            targets=[model.from_id, model.to_id], after=model.model_dump(mode="json",
                                                                         exclude_none=True),
        ))  # fmt: skip
        db.run_in(tx, "rel_create",
                  placeholders={"rel": rel, "from_label": from_kind, "to_label": to_kind},
                  from_id=model.from_id, to_id=model.to_id,
                  props=model.graph_properties())  # fmt: skip
        if rel in org_areas.AREA_RELS:
            org_areas.refresh(db, tx, [model.from_id], scope=who.scope)

    db.execute_write(work, "rel_create", _rel_fetch(who, rel, model.from_id, model.to_id))
    return model


def update_relationship(
    db: Database, who: Principal, rel: RelKind, from_id: str, to_id: str, changes: dict[str, Any],
    since: TermKey = LATEST,
) -> RelIn:  # fmt: skip
    return update_tagged_relationship(db, who, rel, from_id, to_id, changes, since=since)[0]


def update_tagged_relationship(
    db: Database,
    who: Principal,
    rel: RelKind,
    from_id: str,
    to_id: str,
    changes: dict[str, Any],
    if_match: str | None = None,
    since: TermKey = LATEST,
) -> tuple[RelIn, str]:
    """Merge ``changes`` into one stored term (the one starting on ``since``, or the newest),
    only if ``if_match`` (an ``If-Match`` field, None: no condition) names its stored version
    and its new dates overlap none of the pair's other terms; it, and the tag of its new
    version."""
    who.require_write()

    def work(tx: ManagedTransaction) -> RelIn:
        terms = _fetched_terms(db, tx, rel, from_id, to_id)
        current = _named(rel, terms, since, from_id, to_id)
        _require_version(if_match, rel_etag(current), (f"{rel.value} {from_id}->{to_id}",) * 2)
        fields = current.model_dump() | changes | {"from_id": from_id, "to_id": to_id}
        try:
            model = REL_MODELS[rel].model_validate(fields)
        except ValidationError as error:
            raise _invalid(error) from error
        clash = next((t for t in terms if t is not current and terms_domain.overlaps(
            (t.since, t.until), (model.since, model.until))), None)  # fmt: skip
        if clash is not None:
            raise _overlap_conflict(rel, model, clash)
        _check_part_of(db, tx, model)
        audit.record(db, tx, who, audit.Change(
            "rel.update", kind=rel.value, target=f"{from_id}->{to_id}", targets=[from_id, to_id],
            before=current.model_dump(mode="json", exclude_none=True),
            after=model.model_dump(mode="json", exclude_none=True),
        ))  # fmt: skip
        db.run_in(tx, "rel_replace", placeholders={"rel": rel}, from_id=from_id, to_id=to_id,
                  since=current.since, props=model.graph_properties())  # fmt: skip
        return model

    model = db.execute_write(work, "rel_update", _rel_fetch(who, rel, from_id, to_id))
    return model, rel_etag(model)


def delete_relationship(
    db: Database,
    who: Principal,
    rel: RelKind,
    from_id: str,
    to_id: str,
    if_match: str | None = None,
    since: TermKey = LATEST,
) -> None:
    """Delete one term of a relationship (the one starting on ``since``, or the newest);
    ``if_match`` (an ``If-Match`` field) must name its stored version, when given."""
    who.require_write()

    def work(tx: ManagedTransaction) -> None:
        terms = _fetched_terms(db, tx, rel, from_id, to_id)
        current = _named(rel, terms, since, from_id, to_id)
        _require_version(if_match, rel_etag(current), (f"{rel.value} {from_id}->{to_id}",) * 2)
        audit.record(db, tx, who, audit.Change(
            "rel.delete", kind=rel.value, target=f"{from_id}->{to_id}", targets=[from_id, to_id],
            before=current.model_dump(mode="json", exclude_none=True),
        ))  # fmt: skip
        db.run_in(tx, "rel_delete", placeholders={"rel": rel}, from_id=from_id, to_id=to_id,
                  since=current.since)  # fmt: skip
        if rel in org_areas.AREA_RELS:
            org_areas.refresh(db, tx, [from_id], scope=who.scope)

    db.execute_write(work, "rel_delete", _rel_fetch(who, rel, from_id, to_id))


#: where a keyset page of relationships starts after: from id, to id, start date
RelKey = tuple[str, str, dt.date | None]
# the start the list queries sort a term without one as (coalesce(r.since, date({year: 1})))
_NO_START = dt.date(1, 1, 1)


def list_relationships(
    db: Database,
    who: Principal,
    rel: RelKind,
    *,
    from_id: str | None,
    to_id: str | None,
    after: RelKey | None = None,
    skip: int = 0,
    limit: int,
) -> tuple[int | None, list[RelIn], RelKey | None]:
    """A keyset page of relationships of one type, by the ends' ids and each pair's terms
    by start date: the first ``limit`` after the key ``after`` (from id, to id, start date
    or None; None: from the start), past ``skip`` more. Answers the total (None after the
    first page for an admin), the page and the key of its last item when there is more."""
    ph = {"rel": rel}
    after_from, after_to, after_since = after or (None, None, None)
    params: dict[str, Any] = {
        "from_id": from_id, "to_id": to_id, "scope": who.scope, "after_from": after_from,
        "after_to": after_to, "after_since": after_since or _NO_START, "skip": skip,
        "limit": limit + 1,
    }  # fmt: skip

    def work(tx: ManagedTransaction) -> tuple[int | None, list[dict[str, Any]]]:
        if who.scope is None:
            total = None
            if after is None:
                total = int(db.run_in(tx, "rel_count", placeholders=ph, from_id=from_id,
                                      to_id=to_id, scope=None)[0]["total"])  # fmt: skip
            rows = db.run_in(tx, "rel_list", placeholders=ph, **params)
            return total, [row["item"] for row in rows]
        row = db.run_in(tx, "rel_list_scoped", rel=rel.value, **params)[0]
        return int(row["total"]), list(row["items"])

    total, found = db.execute_read(work, "rel_list")
    items = [REL_MODELS[rel].model_validate(rel_fields(item)) for item in found[:limit]]
    if len(found) <= limit:
        return total, items, None
    last = items[-1]
    return total, items, (last.from_id, last.to_id, last.since)
