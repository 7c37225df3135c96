"""Writes of the service's own records beside the graph: console sessions, import jobs.

They are bookkeeping, not changes to the graph, so they run in transactions of their own,
outside :meth:`Database.execute_write`, which would take the graph's write lock and give the
graph a new data version (emptying every kept answer at each sign-in, each session touch,
each import job's progress). They are not audited: what they record is audited elsewhere
(sign-in, the import itself).
"""

from __future__ import annotations

from typing import Any

import neo4j
from neo4j import ManagedTransaction

from graph_service.db.database import Database, unavailable_as_503


def bookkeeping(db: Database, name: str, **params: Any) -> list[dict[str, Any]]:
    """One named write in a transaction of its own, without the graph's write lock."""
    seen_away = db.availability.saw_away if db.availability is not None else None
    if db.availability is not None:
        db.availability.admit()

    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        return db.run_in(tx, name, **params)

    with (
        unavailable_as_503(seen_away),
        db.driver.session(database=db.database, default_access_mode=neo4j.WRITE_ACCESS) as s,
    ):
        return s.execute_write(neo4j.unit_of_work(timeout=db.timeout,
                                                  metadata={"query": name})(work))  # fmt: skip
