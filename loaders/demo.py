"""The Erqi Xincun demo region (二七新村街道): the article's facts plus illustrative data.

``DEMO_BUNDLE`` is a YAML bundle in the import format; every article fact in it has
``illustrative: false`` and a note citing the article, everything else is marked
illustrative. As of ``DEMO_AS_OF`` every coverage-gap rule fails at least once, so the demo
shows each kind of gap (the file's header lists where).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from graph_service.db.database import Database
from loaders.importer import import_files
from loaders.problems import ImportReport

DEMO_BUNDLE: Path = Path(__file__).resolve().parent / "demo" / "erqi_xincun.yaml"
DEMO_AS_OF: dt.date = dt.date(2026, 6, 30)


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
