"""The entities repository: create, read, update, delete and list every node and
relationship kind, validated by the domain models."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError
from pydantic import ValidationError

from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NODE_MODELS, REL_MODELS, NodeIn, RelIn
from graph_service.errors import Conflict, InvalidInput, NotFound

PROVENANCE = ("src_file", "src_row", "src_at")


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def node_fields(
    props: dict[str, Any], latitude: Any = None, longitude: Any = None
) -> dict[str, Any]:
    """Stored properties back to model fields (location → latitude/longitude)."""
    fields = {k: _native(v) for k, v in props.items() if k not in PROVENANCE and k != "location"}
    if latitude is not None:
        fields["latitude"] = latitude
        fields["longitude"] = longitude
    return fields


def rel_fields(props: dict[str, Any]) -> dict[str, Any]:
    return {k: _native(v) for k, v in props.items() if k not in PROVENANCE}


def _invalid(error: ValidationError) -> InvalidInput:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()
    ]
    detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
    return InvalidInput(detail, errors=errors)


# ---- nodes -----------------------------------------------------------------------------------


def get_node(db: Database, kind: NodeKind, node_id: str) -> NodeIn:
    rows = db.read("node_get", placeholders={"label": kind}, id=node_id)
    if not rows:
        raise NotFound(f"no {kind.value} with id '{node_id}' / 不存在编号为 {node_id} 的{kind.zh}")
    row = rows[0]
    return NODE_MODELS[kind].model_validate(
        node_fields(row["props"], row["latitude"], row["longitude"])
    )


def create_node(db: Database, model: NodeIn) -> NodeIn:
    kind = model.kind_of_node
    existing = db.read("entity_exists", id=model.id)
    if existing:
        raise Conflict(
            f"id '{model.id}' is already used by a {existing[0]['kind']} / 编号已被使用",
            existing=existing[0],
        )
    try:
        db.write("node_create", placeholders={"label": kind},
                 props=model.graph_properties(), location=model.location())  # fmt: skip
    except ConstraintError as exc:  # a concurrent create won the race
        raise Conflict(f"id '{model.id}' is already used / 编号已被使用") from exc
    return model


def update_node(db: Database, kind: NodeKind, node_id: str, changes: dict[str, Any]) -> NodeIn:
    """Merge ``changes`` into the stored node, validate the whole, then replace it."""
    if "id" in changes and changes["id"] != node_id:
        raise InvalidInput("the id cannot change / 编号不可修改",
                           errors=[{"field": "id", "message": "the id cannot change"}])  # fmt: skip
    model_class = NODE_MODELS[kind]

    def work(tx: ManagedTransaction) -> NodeIn:
        result = db.run_in(tx, "node_get", placeholders={"label": kind}, id=node_id)
        if not result:
            raise NotFound(
                f"no {kind.value} with id '{node_id}' / 不存在编号为 {node_id} 的{kind.zh}"
            )
        fields = node_fields(result[0]["props"], result[0]["latitude"], result[0]["longitude"])
        fields.update(changes)
        try:
            model = model_class.model_validate(fields)
        except ValidationError as error:
            raise _invalid(error) from error
        db.run_in(tx, "node_replace", placeholders={"label": kind}, id=node_id,
                  props=model.graph_properties(), location=model.location())  # fmt: skip
        return model

    return db.execute_write(work, "node_update")


def relationship_counts(db: Database, node_id: str) -> list[dict[str, Any]]:
    return db.read("node_relationship_counts", id=node_id)


def delete_node(db: Database, kind: NodeKind, node_id: str, cascade: bool) -> dict[str, Any]:
    """Delete a node. With relationships, ``cascade`` must be set; the answer says what went."""
    get_node(db, kind, node_id)
    attached = relationship_counts(db, node_id)
    total = sum(int(r["count"]) for r in attached)
    if total and not cascade:
        raise Conflict(
            f"{kind.value} '{node_id}' has {total} relationship(s); delete with cascade=true to "
            f"remove them too / 该节点仍有 {total} 条关系，需指定 cascade=true",
            relationships=attached,
        )
    db.write("node_delete", placeholders={"label": kind}, id=node_id)
    return {"deleted": node_id, "kind": kind.value, "relationships_deleted": attached}


def list_nodes(
    db: Database, kind: NodeKind, *, subkind: str | None, name: str | None, skip: int, limit: int
) -> tuple[int, list[NodeIn]]:
    label = {"label": kind}
    total = int(db.read("node_count", placeholders=label, kind=subkind, name=name)[0]["total"])
    rows = db.read("node_list", placeholders=label, kind=subkind, name=name, skip=skip,
                   limit=limit)  # fmt: skip
    model = NODE_MODELS[kind]
    items = []
    for row in rows:
        item = dict(row["item"])
        lat, lon = item.pop("latitude", None), item.pop("longitude", None)
        items.append(model.model_validate(node_fields(item, lat, lon)))
    return total, items


def search(db: Database, query: str, limit: int) -> list[dict[str, Any]]:
    return db.read("search", query=lucene_escape(query), limit=limit)


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


def _ends(db: Database, rel: RelKind, from_id: str, to_id: str) -> tuple[NodeKind, NodeKind]:
    kinds = []
    for end_id, allowed, side in ((from_id, rel.spec.sources, "from_id"),
                                  (to_id, rel.spec.targets, "to_id")):  # fmt: skip
        rows = db.read("entity_exists", id=end_id)
        if not rows:
            raise NotFound(f"no node with id '{end_id}' ({side}) / 编号 {end_id} 不存在")
        kind = NodeKind(rows[0]["kind"])
        if kind not in allowed:
            names = ", ".join(sorted(k.value for k in allowed))
            raise InvalidInput(
                f"{side} '{end_id}' is a {kind.value}; {rel.value} needs one of: {names}",
                errors=[{"field": side, "message": f"{kind.value} not allowed"}],
            )
        kinds.append(kind)
    return kinds[0], kinds[1]


def get_relationship(db: Database, rel: RelKind, from_id: str, to_id: str) -> RelIn:
    rows = db.read("rel_get", placeholders={"rel": rel}, from_id=from_id, to_id=to_id)
    if not rows:
        raise NotFound(f"no {rel.value} from '{from_id}' to '{to_id}' / 关系不存在")
    fields = rel_fields(rows[0]["props"]) | {"from_id": from_id, "to_id": to_id}
    return REL_MODELS[rel].model_validate(fields)


def create_relationship(db: Database, model: RelIn) -> RelIn:
    rel = model.kind_of_rel
    from_kind, to_kind = _ends(db, rel, model.from_id, model.to_id)
    if db.read("rel_get", placeholders={"rel": rel}, from_id=model.from_id, to_id=model.to_id):
        raise Conflict(f"{rel.value} from '{model.from_id}' to '{model.to_id}' already exists"
                       " / 关系已存在")  # fmt: skip
    db.write("rel_create", placeholders={"rel": rel, "from_label": from_kind, "to_label": to_kind},
             from_id=model.from_id, to_id=model.to_id, props=model.graph_properties())  # fmt: skip
    return model


def update_relationship(
    db: Database, rel: RelKind, from_id: str, to_id: str, changes: dict[str, Any]
) -> RelIn:
    current = get_relationship(db, rel, from_id, to_id)
    fields = current.model_dump() | changes | {"from_id": from_id, "to_id": to_id}
    try:
        model = REL_MODELS[rel].model_validate(fields)
    except ValidationError as error:
        raise _invalid(error) from error
    db.write("rel_replace", placeholders={"rel": rel}, from_id=from_id, to_id=to_id,
             props=model.graph_properties())  # fmt: skip
    return model


def delete_relationship(db: Database, rel: RelKind, from_id: str, to_id: str) -> None:
    rows = db.write("rel_delete", placeholders={"rel": rel}, from_id=from_id, to_id=to_id)
    if not rows or not rows[0]["deleted"]:
        raise NotFound(f"no {rel.value} from '{from_id}' to '{to_id}' / 关系不存在")


def list_relationships(
    db: Database, rel: RelKind, *, from_id: str | None, to_id: str | None, skip: int, limit: int
) -> tuple[int, list[RelIn]]:
    ph = {"rel": rel}
    total = int(db.read("rel_count", placeholders=ph, from_id=from_id, to_id=to_id)[0]["total"])
    rows = db.read("rel_list", placeholders=ph, from_id=from_id, to_id=to_id, skip=skip,
                   limit=limit)  # fmt: skip
    return total, [REL_MODELS[rel].model_validate(rel_fields(r["item"])) for r in rows]
