"""The schema declared in cypher/schema is what the managed server holds."""

from __future__ import annotations

import re

from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind


def test_every_declared_constraint_and_index_exists_on_the_server(db: Database) -> None:
    declared = set()
    for query in db.registry.schema():
        for statement in query.statements():
            match = re.match(
                r"CREATE (?:FULLTEXT )?(?:CONSTRAINT|INDEX) (\w+) IF NOT EXISTS", statement
            )
            assert match, statement
            declared.add(match.group(1))
    with db.driver.session(database=db.database) as session:
        constraints = {
            r["name"]: r
            for r in session.run("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties")
        }
        indexes = {r["name"] for r in session.run("SHOW INDEXES YIELD name")}
    assert declared <= set(constraints) | indexes
    unique_labels = {
        r["labelsOrTypes"][0] for r in constraints.values()
        if r["type"] == "UNIQUENESS" and r["properties"] == ["id"]
    }  # fmt: skip
    assert {kind.value for kind in NodeKind} <= unique_labels


def test_schema_application_is_idempotent_and_records_the_version(db: Database) -> None:
    first = db.apply_schema()
    second = db.apply_schema()
    assert first == second == db.current_schema_version() == db.expected_schema_version
    db.check_ready()
