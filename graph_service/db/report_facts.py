"""What reports show beside what their rows already hold: names beside ids, addresses in gap
lists, an area's name in a title row (``cypher/reports/``).

Both reads take the ids a report already holds (rows of an export, a gap list's things,
which the caller has read in its scope), so they show nothing the caller could not see.

>>> names_of(db, ["A-ERQI"])                                       # doctest: +SKIP
{'A-ERQI': '二七新村街道'}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from graph_service.db.database import Database


def names_of(db: Database, ids: Collection[str]) -> dict[str, str]:
    """The name of each entity of ``ids`` that exists."""
    if not ids:
        return {}
    rows = db.read("report_names", ids=sorted(ids))
    return {str(row["id"]): str(row["name"]) for row in rows if row["name"] is not None}


def addresses_of(db: Database, ids: Collection[str], as_of: dt.date) -> dict[str, str]:
    """The address to visit for each thing of ``ids`` that has one, as of ``as_of``: its
    own, else that of the place it lies in, or (a party organization) of the unit it is
    established in or the place it covers; never a person's (see
    ``cypher/reports/report_addresses.cypher``)."""
    if not ids:
        return {}
    rows = db.read("report_addresses", ids=sorted(ids), as_of=as_of)
    return {str(row["id"]): str(row["address"]) for row in rows}
