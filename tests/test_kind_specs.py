"""Each entity kind is one spec, and every place that must know a kind does.

What follows from a spec (tables, route docs, template rows, OpenAPI examples) is derived
from it; what cannot be — the uniqueness constraint in ``cypher/schema/constraints.cypher``
— is checked here, so a kind added without it fails the suite. No Neo4j: the template is
written and read back, the OpenAPI document is the app's own.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from graph_service.api.crud_docs import node_docs, rel_docs
from graph_service.domain import kind_specs
from graph_service.domain.kind_specs import (
    NODE_SPECS,
    REL_KIND_SPECS,
    NodeSpec,
    RelKindSpec,
    spec_problems,
)
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NODE_MODELS, REL_MODELS
from graph_service.domain.tables import NODE_TABLES, REL_TABLES, TABLES, table_named
from graph_service.openapi_dump import openapi_document
from loaders.template import example_node_kinds, example_rows, write_template

CONSTRAINTS = Path(__file__).parent.parent / "cypher" / "schema" / "constraints.cypher"
NODES = list(NODE_SPECS.values())
RELS = list(REL_KIND_SPECS.values())


def unique_id_labels(text: str) -> set[str]:
    """The labels whose ``id`` a schema file makes unique."""
    pattern = r"CREATE CONSTRAINT \w+ IF NOT EXISTS FOR \(n:(\w+)\) REQUIRE n\.id IS UNIQUE"
    return set(re.findall(pattern, text))


# ---- the specs are complete and their own --------------------------------------------------


def test_every_kind_has_one_spec_and_the_derived_tables_follow_it() -> None:
    assert spec_problems(NODES, RELS) == []
    assert kind_specs._problems == []  # what the module checked when imported
    assert list(NODE_SPECS) == list(NodeKind) and list(REL_KIND_SPECS) == list(RelKind)
    assert [t.key for t in TABLES] == [s.table for s in NODES] + [s.table for s in RELS]
    for kind, spec in NODE_SPECS.items():
        table = NODE_TABLES[kind]
        assert (table.key, table.zh, table.model) == (spec.table, kind.zh, NODE_MODELS[kind])
        assert table_named(spec.table) is table and table_named(kind.zh) is table
    for rel, rel_spec in REL_KIND_SPECS.items():
        rel_table = REL_TABLES[rel]
        assert (rel_table.key, rel_table.zh, rel_table.model) == (
            rel_spec.table, rel.spec.zh, REL_MODELS[rel]
        )


@given(st.sampled_from(NodeKind), st.sampled_from(RelKind))
def test_a_forgotten_or_doubled_spec_is_named(kind: NodeKind, rel: RelKind) -> None:
    """The check at import can fail: each way of getting a kind wrong is named."""
    without = [spec for spec in NODES if spec.kind is not kind]
    assert spec_problems(without, RELS) == [f"no spec for node kind {kind}"]
    assert spec_problems(NODES, [s for s in RELS if s.kind is not rel]) == [
        f"no spec for relationship {rel}"
    ]
    doubled = [*NODES, dataclasses.replace(NODE_SPECS[kind], template=())]
    problems = spec_problems(doubled, RELS)
    assert f"two specs for node kind {kind}" in problems
    assert f"table key {NODE_SPECS[kind].table!r} used twice" in problems
    assert f"no template row for {kind}" in problems
    models = {k: m for k, m in NODE_MODELS.items() if k is not kind}
    assert spec_problems(NODES, RELS, models) == [f"no model for node kind {kind} in NODE_MODELS"]
    other = next(k for k in NodeKind if k is not kind)
    clash = dataclasses.replace(NODE_SPECS[kind], table=NODE_SPECS[other].table)
    assert spec_problems([clash if s.kind is kind else s for s in NODES], RELS) == [
        f"table key {NODE_SPECS[other].table!r} used twice"
    ]


# ---- what cannot be derived is checked --------------------------------------------------------


def test_every_node_kind_has_a_uniqueness_constraint_on_its_id() -> None:
    labels = unique_id_labels(CONSTRAINTS.read_text(encoding="utf-8"))
    missing = {kind.value for kind in NodeKind} - labels
    assert not missing, f"add to {CONSTRAINTS.name}: a unique id constraint for {missing}"
    assert "Entity" in labels  # and ids are unique across kinds


def test_the_constraint_check_can_fail() -> None:
    """A missing line, or a constraint that is not uniqueness, leaves the label out."""
    text = CONSTRAINTS.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "(n:Station)" in ln)
    assert "Station" not in unique_id_labels(text.replace(line, ""))
    assert "Station" not in unique_id_labels(
        text.replace(line, line.replace("IS UNIQUE", "IS NOT NULL"))
    )


# ---- every example validates against its kind's model --------------------------------------


@pytest.mark.parametrize("spec", NODES, ids=lambda s: s.kind.value)
def test_node_examples_are_valid_records_of_their_model(spec: NodeSpec) -> None:
    for row in example_rows(NODE_TABLES[spec.kind]):
        assert spec.model.model_validate(row).illustrative is True
    demo = spec.demo
    spec.model.model_validate(demo.new)
    record = spec.model.model_validate(demo.record)
    changed = spec.model.model_validate(demo.record | demo.patch)
    assert record != changed, "the patch example changes nothing"
    assert set(demo.patch) <= set(spec.model.model_fields) - {"id"}
    assert demo.new["id"] != demo.record["id"]


@pytest.mark.parametrize("spec", RELS, ids=lambda s: s.kind.value)
def test_relationship_examples_are_valid_and_join_allowed_kinds(spec: RelKindSpec) -> None:
    (row,) = example_rows(REL_TABLES[spec.kind])
    spec.model.model_validate(row)
    nodes = example_node_kinds()
    assert nodes[row["from_id"]] in spec.ends.sources
    assert nodes[row["to_id"]] in spec.ends.targets
    demo = spec.demo
    spec.model.model_validate(demo.new)
    spec.model.model_validate(demo.record | demo.patch)
    assert set(demo.patch) <= set(spec.model.model_fields) - {"from_id", "to_id"}
    if demo.needs is not None:  # the create example of that kind makes one of the ends
        made = NODE_SPECS[demo.needs].demo.new["id"]
        assert made in (demo.new["from_id"], demo.new["to_id"])


def test_each_node_kind_takes_part_in_a_relationship() -> None:
    """A kind nothing can join could never be placed in an area, so no organizer could see
    what they create of it."""
    for spec in NODES:
        assert spec.relationships, spec.kind
        for rel in spec.relationships:
            assert spec.kind in rel.spec.sources | rel.spec.targets


# ---- every kind reaches the template, the route docs and the OpenAPI ------------------------


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return openapi_document()


def test_every_kind_has_a_template_sheet_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    book = load_workbook(path, read_only=True)
    try:
        specs: list[NodeSpec | RelKindSpec] = [*NODES, *RELS]
        for spec in specs:
            sheet = book[spec.table]
            ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
            table = table_named(spec.table)
            assert table is not None
            first = "id" if table.is_node else "from_id"
            assert ids == [row[first] for row in example_rows(table)], spec.table
    finally:
        book.close()


def test_every_kind_has_its_documented_routes_and_examples(openapi: dict[str, Any]) -> None:
    paths = openapi["paths"]
    for spec in NODES:
        docs = node_docs(spec.kind)
        create = paths[f"/{spec.table}"]["post"]
        assert create["summary"] == docs["create"].summary
        assert spec.doc.en in create["description"] and spec.doc.zh in create["description"]
        body = create["requestBody"]["content"]["application/json"]["examples"]["demo"]
        assert body["value"] == spec.demo.new
        patch = paths[f"/{spec.table}/{{node_id}}"]["patch"]
        assert patch["summary"] == docs["update"].summary
        assert patch["requestBody"]["content"]["application/json"]["examples"]["demo"][
            "value"] == spec.demo.patch  # fmt: skip
    for rel_spec in RELS:
        rel_doc = rel_docs(rel_spec.kind)
        create = paths[f"/relationships/{rel_spec.table}"]["post"]
        assert create["summary"] == rel_doc["create"].summary
        assert rel_spec.ends.meaning_zh in create["description"]
        body = create["requestBody"]["content"]["application/json"]["examples"]["demo"]
        assert body["value"] == rel_spec.demo.new
