"""A client generated from the service's OpenAPI by a kept generator (openapi-python-client)
drives the real service: every node kind and every relationship kind is created, read,
updated (``If-Match`` with the read's ``ETag``), listed and deleted through the generated
typed functions and models, against the real Neo4j of the session (tests/conftest.py).

The client is generated once per session, at test time, into a temporary folder from the
app's own document (``graph_service.openapi_dump``, the one the console's client is made
from): no generated code is kept in the repository, so it cannot drift from the routes. The
generator's post-hooks (``ruff check --fix`` and ``ruff format`` over its output) are off:
they only restyle the code, and took most of its time.

The service runs under uvicorn on a free port, as deployed, and the client speaks HTTP to it
with its own httpx (starlette's TestClient is an httpx2 client, whose transport httpx does
not take). The client raises on any status the OpenAPI does not declare for an operation
(``raise_on_unexpected_status``), so an undeclared answer fails here too.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil
import sys
import threading
import time
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
import uvicorn

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.tables import NODE_TABLES, REL_TABLES, Table
from graph_service.main import create_app
from graph_service.neo4j_server.manager import free_port
from graph_service.openapi_dump import openapi_document
from loaders.template import example_rows

#: the generated package's name (the folder it is written to)
PACKAGE = "graph_service_client"


@dataclass(frozen=True)
class Generated:
    """The generated client package, imported, and what making it took."""

    package: ModuleType
    operations: dict[str, ModuleType]  # operationId -> its module (sync_detailed …)
    models: ModuleType
    problems: list[str]  # the generator's errors and warnings, each as it says it

    def op(self, operation_id: str) -> ModuleType:
        assert operation_id in self.operations, f"the generated client lacks {operation_id}"
        return self.operations[operation_id]

    def model(self, name: str) -> Any:
        found = getattr(self.models, name, None)
        assert found is not None, f"the generated client lacks the model {name}"
        return found


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """The client generated from the app's OpenAPI, once per session (needs no Neo4j)."""
    from openapi_python_client import generate
    from openapi_python_client.config import Config, ConfigFile, MetaType

    folder = tmp_path_factory.mktemp("generated-client")
    source = folder / "openapi.json"
    source.write_text(json.dumps(openapi_document(), ensure_ascii=False), encoding="utf-8")
    config = Config.from_sources(
        ConfigFile(post_hooks=[]), MetaType.NONE, source, "utf-8",
        overwrite=True, output_path=folder / PACKAGE,
    )  # fmt: skip
    errors = generate(config=config)  # 5-9 s on a busy 2-core machine, without post-hooks
    problems = [f"{e.level.value}: {e.header}: {e.detail}" for e in errors]

    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(PACKAGE)
        api = importlib.import_module(f"{PACKAGE}.api")
        operations: dict[str, ModuleType] = {}
        for tag in pkgutil.iter_modules(api.__path__, f"{PACKAGE}.api."):
            tag_package = importlib.import_module(tag.name)
            for endpoint in pkgutil.iter_modules(tag_package.__path__, tag.name + "."):
                operations[endpoint.name.rsplit(".", 1)[1]] = importlib.import_module(endpoint.name)
        models = importlib.import_module(f"{PACKAGE}.models")
        yield Generated(package, operations, models, problems)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture
def client(
    generated: Generated, settings: Settings, admin_headers: dict[str, str]
) -> Iterator[Any]:
    """The generated client, signed in as an admin, against the app served by uvicorn."""
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="generated-client-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        with generated.package.AuthenticatedClient(
            base_url=f"http://127.0.0.1:{port}", token=admin_headers["X-API-Key"],
            auth_header_name="X-API-Key", prefix="", raise_on_unexpected_status=True,
            timeout=60.0,
        ) as authenticated:  # fmt: skip
            yield authenticated
    finally:
        server.should_exit = True
        thread.join(30)


# ---- what each kind is called in the generated client ------------------------------------------


def _node_noun(kind: NodeKind) -> str:
    """party_org (create_party_org, get_party_org …); the list is list_<table key>."""
    model_name = NODE_TABLES[kind].model.__name__.removesuffix("In")
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in model_name).lstrip("_")


def _rel_noun(rel: RelKind) -> str:
    return f"{rel.value.lower()}_relationship"


def _rows(table: Table) -> list[dict[str, Any]]:
    """The template's fictional rows of a kind (a connected little region, with every kind)
    as the service stores them: English enum values, ISO dates, no nulls."""
    return [
        table.model.model_validate(row).model_dump(mode="json", exclude_none=True)
        for row in example_rows(table)
    ]


def _body_of(update: ModuleType) -> Any:
    """The generated model of an update operation's body (UpdateUnitChanges …)."""
    hints = typing.get_type_hints(update.sync_detailed)
    return hints["body"]


def _as_stored(model: Any) -> dict[str, Any]:
    """A generated model back to JSON, nulls left out (the service answers them or not)."""
    return {key: value for key, value in model.to_dict().items() if value is not None}


def _record(response: Any, status: int, model: type) -> dict[str, Any]:
    """The answer's record as its generated model parsed it; that model lost nothing of the
    JSON the service sent (a member the model lacks, or a value it typed wrongly, differs)."""
    parsed = _ok(response, status, model)
    sent = json.loads(response.content)
    assert _as_stored(parsed) == {k: v for k, v in sent.items() if v is not None}, model
    return _as_stored(parsed)


def _ok(response: Any, status: int, model: type | None = None) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:500])
    if model is not None:
        assert isinstance(response.parsed, model), type(response.parsed)
    return response.parsed


def _located(client: Any, response: Any) -> None:
    """A 201's Location is the created record's URL: reading it answers the record."""
    location = response.headers["location"]
    assert location.startswith("/"), location  # a path on the service
    assert client.get_httpx_client().get(location).json() == json.loads(response.content)


def _walked(generated: Generated, list_op: Any, client: Any, page: type, **query: Any) -> list:
    """Every item of a list, a page of two at a time by ``next``: each page of the list's
    own generated model, its Link header the next page's URL (cursor = next), none on the
    last page; ``total`` on the first page only (for an admin)."""
    items, cursor, first = [], None, True
    while True:
        answer = list_op.sync_detailed(client=client, limit=2, **query,
                                       **({"cursor": cursor} if cursor else {}))  # fmt: skip
        parsed = _ok(answer, 200, page)
        items += parsed.items
        if first:
            assert isinstance(parsed.total, int)
        first = False
        cursor = parsed.next_ if isinstance(parsed.next_, str) else None
        if cursor is None:
            assert "link" not in answer.headers
            return items
        assert answer.headers["link"].endswith(f'cursor={cursor}>; rel="next"')


def _problem(generated: Generated, response: Any, status: int, code: str) -> Any:
    """The answer, a problem detail parsed into the generated ``Problem`` model."""
    problem = _ok(response, status, generated.model("Problem"))
    assert (problem.status, problem.code, problem.type_) == (status, code, f"/problems/{code}")
    assert problem.detail and problem.title and problem.instance
    return problem


# ---- the generated client, without the service -----------------------------------------------


def test_the_generator_takes_the_whole_document_without_a_warning(generated: Generated) -> None:
    """openapi-python-client read every operation and schema: it neither skipped an
    endpoint nor fell back to an untyped one."""
    assert generated.problems == []


@pytest.mark.parametrize("kind", list(NODE_TABLES), ids=lambda k: k.value)
def test_every_node_kind_has_its_typed_operations(generated: Generated, kind: NodeKind) -> None:
    noun, key = _node_noun(kind), NODE_TABLES[kind].key
    for operation in (f"create_{noun}", f"get_{noun}", f"update_{noun}", f"list_{key}",
                      f"delete_{noun}"):  # fmt: skip
        assert callable(generated.op(operation).sync_detailed)
    model = generated.model(NODE_TABLES[kind].model.__name__)
    create_hints = typing.get_type_hints(generated.op(f"create_{noun}").sync_detailed)
    assert create_hints["body"] is model  # the create body is the kind's own model
    get_answer = typing.get_type_hints(generated.op(f"get_{noun}").sync_detailed)["return"]
    assert model in typing.get_args(typing.get_args(get_answer)[0])
    # the generated model has a field for each of the service's fields
    fields = set(inspect.signature(model).parameters)
    wanted = set(NODE_TABLES[kind].model.model_fields)
    assert wanted <= fields | {f"{name}_" for name in wanted}


@pytest.mark.parametrize("rel", list(REL_TABLES), ids=lambda r: r.value)
def test_every_relationship_kind_has_its_typed_operations(
    generated: Generated, rel: RelKind
) -> None:
    noun = _rel_noun(rel)
    for operation in ("create", "get", "update", "list", "delete"):
        assert callable(generated.op(f"{operation}_{noun}").sync_detailed)
    model = generated.model(REL_TABLES[rel].model.__name__)
    assert typing.get_type_hints(generated.op(f"create_{noun}").sync_detailed)["body"] is model


# ---- round trips against the service ------------------------------------------------------------


def _node_round_trip(generated: Generated, client: Any, kind: NodeKind) -> None:
    table, noun = NODE_TABLES[kind], _node_noun(kind)
    model = generated.model(table.model.__name__)
    page = generated.model(table.model.__name__.removesuffix("In") + "Page")
    rows = _rows(table)
    for row in rows:  # create: 201 and the record as stored
        made = generated.op(f"create_{noun}").sync_detailed(
            client=client, body=model.from_dict(row)
        )
        assert _record(made, 201, model) == row, kind
        _located(client, made)

    row = rows[0]
    get = generated.op(f"get_{noun}").sync_detailed
    read = get(row["id"], client=client)
    assert _record(read, 200, model) == row
    tag = read.headers["etag"]

    # update with If-Match: the new note is stored, and the version moves on
    changes = _body_of(generated.op(f"update_{noun}")).from_dict({"note": f"改过 {kind.value}"})
    update = generated.op(f"update_{noun}").sync_detailed
    updated = update(row["id"], client=client, body=changes, if_match=tag)
    assert _record(updated, 200, model) == row | {"note": f"改过 {kind.value}"}
    new_tag = updated.headers["etag"]
    assert new_tag != tag
    assert _record(get(row["id"], client=client), 200, model)["note"] == f"改过 {kind.value}"

    listed = _ok(generated.op(f"list_{table.key}").sync_detailed(client=client, limit=100),
                 200, page)  # fmt: skip
    assert listed.total == len(rows)
    assert sorted(item.id for item in listed.items) == sorted(r["id"] for r in rows)
    assert all(isinstance(item, model) for item in listed.items)
    walked = _walked(generated, generated.op(f"list_{table.key}"), client, page)
    assert [item.id for item in walked] == sorted(r["id"] for r in rows)

    delete = generated.op(f"delete_{noun}").sync_detailed
    deleted = delete(row["id"], client=client, if_match=new_tag)
    _ok(deleted, 204)
    assert deleted.content == b""
    _problem(generated, get(row["id"], client=client), 404, "not-found")
    listed = _ok(generated.op(f"list_{table.key}").sync_detailed(client=client), 200, page)
    assert listed.total == len(rows) - 1
    # the id is free again: the record comes back as it was first made
    again = generated.op(f"create_{noun}").sync_detailed(client=client, body=model.from_dict(row))
    assert _record(again, 201, model) == row


def test_every_kind_round_trips_through_the_generated_client(
    generated: Generated, client: Any
) -> None:
    """Each node kind, then each relationship kind between the template's nodes (one server
    and one emptied database for both: the relationships need every kind of node)."""
    for kind in NODE_TABLES:
        _node_round_trip(generated, client, kind)
    for rel in REL_TABLES:
        _rel_round_trip(generated, client, rel)


def _make(generated: Generated, client: Any, kind: NodeKind) -> None:
    """The template's nodes of a kind, made through the generated client."""
    table = NODE_TABLES[kind]
    model, create = (
        generated.model(table.model.__name__),
        generated.op(f"create_{_node_noun(kind)}"),
    )
    for row in _rows(table):
        _ok(create.sync_detailed(client=client, body=model.from_dict(row)), 201, model)


def _rel_round_trip(generated: Generated, client: Any, rel: RelKind) -> None:
    table, noun = REL_TABLES[rel], _rel_noun(rel)
    model = generated.model(table.model.__name__)
    page = generated.model(table.model.__name__.removesuffix("In") + "Page")
    [row] = _rows(table)
    ends = (row["from_id"], row["to_id"])

    made = generated.op(f"create_{noun}").sync_detailed(client=client, body=model.from_dict(row))
    assert _record(made, 201, model) == row, rel
    _located(client, made)

    get = generated.op(f"get_{noun}").sync_detailed
    read = get(*ends, client=client)
    assert _record(read, 200, model) == row
    tag = read.headers["etag"]

    # the term ends: until a date after it began
    until = (dt.date.fromisoformat(row["since"]) + dt.timedelta(days=365)).isoformat()
    changes = _body_of(generated.op(f"update_{noun}")).from_dict({"until": until})
    updated = generated.op(f"update_{noun}").sync_detailed(*ends, client=client, body=changes,
                                                          if_match=tag)  # fmt: skip
    assert _record(updated, 200, model) == row | {"until": until}
    new_tag = updated.headers["etag"]
    assert new_tag != tag
    assert _record(get(*ends, client=client), 200, model)["until"] == until

    listed = _ok(generated.op(f"list_{noun}").sync_detailed(client=client, from_id=ends[0]),
                 200, page)  # fmt: skip
    assert [(item.from_id, item.to_id) for item in listed.items] == [ends]
    assert listed.total == 1 and _as_stored(listed.items[0]) == row | {"until": until}

    _ok(generated.op(f"delete_{noun}").sync_detailed(*ends, client=client, if_match=new_tag), 204)
    _problem(generated, get(*ends, client=client), 404, "not-found")
    listed = _ok(generated.op(f"list_{noun}").sync_detailed(client=client), 200, page)
    assert listed.total == 0 and listed.items == []


# ---- conditional requests and problems, typed ---------------------------------------------------


def test_stale_if_match_412_held_tag_304_and_problems_typed_in_the_generated_client(
    generated: Generated, client: Any
) -> None:
    _make(generated, client, NodeKind.UNIT)
    _make(generated, client, NodeKind.AREA)
    unit = _rows(NODE_TABLES[NodeKind.UNIT])[0]
    get_unit = generated.op("get_unit").sync_detailed
    tag = get_unit(unit["id"], client=client).headers["etag"]

    held = get_unit(unit["id"], client=client, if_none_match=tag)
    assert held.status_code == 304 and held.content == b"" and held.headers["etag"] == tag

    changes = _body_of(generated.op("update_unit"))
    update = generated.op("update_unit").sync_detailed
    fresh = update(unit["id"], client=client, body=changes.from_dict({"note": "一"}),
                   if_match=tag)  # fmt: skip
    _ok(fresh, 200)
    stale = update(unit["id"], client=client, body=changes.from_dict({"note": "二"}),
                   if_match=tag)  # fmt: skip
    problem = _problem(generated, stale, 412, "precondition-failed")
    # current_etag is a member the 412 adds, named by the Problem schema
    assert problem.current_etag == fresh.headers["etag"]
    assert (
        _record(get_unit(unit["id"], client=client), 200, generated.model("UnitIn"))["note"] == "一"
    )  # not written
    # the held tag is stale now: the read answers the record again, not 304
    _ok(get_unit(unit["id"], client=client, if_none_match=tag), 200)
    stale_delete = generated.op("delete_unit").sync_detailed(unit["id"], client=client,
                                                              if_match=tag)  # fmt: skip
    _problem(generated, stale_delete, 412, "precondition-failed")

    # the same on a relationship
    [rel] = _rows(REL_TABLES[RelKind.PART_OF])
    ends = (rel["from_id"], rel["to_id"])
    part_of = generated.model("PartOfIn")
    create = generated.op("create_part_of_relationship").sync_detailed
    _ok(create(client=client, body=part_of.from_dict(rel)), 201)
    get_rel = generated.op("get_part_of_relationship").sync_detailed
    rel_tag = get_rel(*ends, client=client).headers["etag"]
    assert get_rel(*ends, client=client, if_none_match=rel_tag).status_code == 304
    rel_changes = _body_of(generated.op("update_part_of_relationship"))
    update_rel = generated.op("update_part_of_relationship").sync_detailed
    _ok(update_rel(*ends, client=client, body=rel_changes.from_dict({"until": "2030-01-01"}),
                   if_match=rel_tag), 200)  # fmt: skip
    stale_rel = update_rel(*ends, client=client, body=rel_changes.from_dict({"until": None}),
                           if_match=rel_tag)  # fmt: skip
    _problem(generated, stale_rel, 412, "precondition-failed")
    delete_rel = generated.op("delete_part_of_relationship").sync_detailed
    _problem(generated, delete_rel(*ends, client=client, if_match=rel_tag), 412,
             "precondition-failed")  # fmt: skip

    # a 409 (the id is taken) and a 422 (a wrong value) arrive as the generated Problem too
    area = generated.model("AreaIn")
    [row, _] = _rows(NODE_TABLES[NodeKind.AREA])
    create = generated.op("create_area").sync_detailed
    _problem(generated, create(client=client, body=area.from_dict(row)), 409, "conflict")
    # a value the service refuses but the generated model carries: a name of spaces only
    wrong = _body_of(generated.op("update_area")).from_dict({"name": "   "})
    refused = generated.op("update_area").sync_detailed(row["id"], client=client, body=wrong)
    problem = _problem(generated, refused, 422, "invalid-input")
    assert problem.errors and problem.errors[0].field


def test_a_read_only_role_s_write_is_a_declared_typed_403(
    generated: Generated, client: Any, db: Database
) -> None:
    """A viewer's create, update and delete answer 403, which each operation declares: the
    client parses it into Problem (an undeclared status would raise UnexpectedStatus)."""
    [row, _] = _rows(NODE_TABLES[NodeKind.AREA])
    area = generated.model("AreaIn")
    _ok(generated.op("create_area").sync_detailed(client=client, body=area.from_dict(row)), 201)
    key = add_account(db, Principal.cli(), "viewer", Role.VIEWER, [row["id"]])
    with generated.package.AuthenticatedClient(
        base_url=client._base_url, token=key, auth_header_name="X-API-Key", prefix="",
        raise_on_unexpected_status=True, timeout=60.0,
    ) as viewer:  # fmt: skip
        _record(generated.op("get_area").sync_detailed(row["id"], client=viewer), 200, area)
        made = generated.op("create_area").sync_detailed(
            client=viewer, body=area.from_dict(row | {"id": "EX-AREA-9"})
        )
        _problem(generated, made, 403, "forbidden")
        changes = _body_of(generated.op("update_area")).from_dict({"note": "不可写"})
        changed = generated.op("update_area").sync_detailed(row["id"], client=viewer, body=changes)
        _problem(generated, changed, 403, "forbidden")
        deleted = generated.op("delete_area").sync_detailed(row["id"], client=viewer)
        _problem(generated, deleted, 403, "forbidden")
        [rel] = _rows(REL_TABLES[RelKind.PART_OF])
        linked = generated.op("create_part_of_relationship").sync_detailed(
            client=viewer, body=generated.model("PartOfIn").from_dict(rel)
        )
        _problem(generated, linked, 403, "forbidden")
