"""Read the whole graph back, for tests that compare graphs (provenance left out)."""

from __future__ import annotations

from typing import Any

from graph_service.db.database import Database

PROVENANCE = {"src_file", "src_row", "src_at"}


def _clean(props: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, repr(v)) for k, v in props.items() if k not in PROVENANCE))


def snapshot(db: Database) -> tuple[frozenset[Any], frozenset[Any]]:
    """Every node (labels, properties) and relationship (ends, type, properties)."""
    with db.driver.session(database=db.database) as session:
        nodes = frozenset(
            (tuple(sorted(r["labels"])), _clean(r["props"]))
            for r in session.run(
                "MATCH (n:Entity) RETURN labels(n) AS labels, properties(n) AS props"
            )
        )
        rels = frozenset(
            (r["a"], r["type"], r["b"], _clean(r["props"]))
            for r in session.run(
                "MATCH (a:Entity)-[r]->(b:Entity) "
                "RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props"
            )
        )
    return nodes, rels


def provenance_times(db: Database) -> set[Any]:
    with db.driver.session(database=db.database) as session:
        return {
            r["at"]
            for r in session.run(
                "MATCH (n:Entity) RETURN n.src_at AS at UNION "
                "MATCH ()-[r]->() RETURN r.src_at AS at"
            )
        }
