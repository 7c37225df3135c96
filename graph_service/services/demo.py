"""Loading the demo region (:mod:`loaders.demo`) through the import service."""

from __future__ import annotations

from graph_service.db.database import Database
from graph_service.services.imports import import_files
from loaders.demo import DEMO_BUNDLE
from loaders.problems import ImportReport


def load_demo(db: Database, *, only_if_empty: bool = True) -> ImportReport | None:
    """Import the demo region; with ``only_if_empty``, only into a database with no data.

    Returns the import report, or None when the database already held data.
    """
    if only_if_empty and int(db.read("entity_count")[0]["entities"]) > 0:
        return None
    report = import_files(db, [DEMO_BUNDLE])
    if not report.written:
        raise RuntimeError(
            "the demo bundle did not import: " + "; ".join(map(str, report.problems))
        )
    return report
