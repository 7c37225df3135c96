"""Opening the configured database for one CLI command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graph_service.config import Settings
from graph_service.db import audit
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry


@contextmanager
def open_database(settings: Settings) -> Iterator[Database]:
    """A Database on one driver, schema ensured; the driver is closed on exit."""
    registry = QueryRegistry.load(settings.cypher_dir, settings.rules_file)
    driver = open_driver(settings)
    try:
        database = Database(
            driver, registry, settings.neo4j_database, settings.query_timeout_seconds,
            audit_key=audit.key_of(settings),
        )  # fmt: skip
        database.ensure_schema()
        yield database
    finally:
        driver.close()
