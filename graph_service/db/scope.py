"""Area scope, checked inside the caller's transaction.

The Cypher rule for "this node lies in these areas" is written once, in
``cypher/_fragments/visible.cypher`` (and its walk-down twin ``scope_nodes``); these
helpers run it for the repositories.
"""

from __future__ import annotations

from neo4j import ManagedTransaction

from graph_service.auth.principal import Principal
from graph_service.db.database import Database
from graph_service.db.plans import Plan, step
from graph_service.errors import InvalidInput, NotFound


def visible_ids_plan(who: Principal, ids: list[str]) -> Plan[set[str]]:
    """Which of ``ids`` exist and lie in the principal's scope (a read plan)."""
    rows = yield step("visible_ids", ids=ids, scope=who.scope)
    return set(rows[0]["visible"]) if rows else set()


def visible_ids(db: Database, tx: ManagedTransaction, who: Principal, ids: list[str]) -> set[str]:
    """Which of ``ids`` exist and lie in the principal's scope."""
    return db.run_plan_in(tx, visible_ids_plan(who, ids))


def scoped_area_plan(who: Principal, area: str | None) -> Plan[str | None]:
    """The area a question about "an area" is asked of, for this principal (a read plan).

    Unscoped principals ask of ``area`` (None: everything). A scoped principal asks of
    its only area by default, must name one when it has several, and may name only an
    area inside its scope (another is not found: its existence is not revealed).
    """
    scope = who.scope
    if scope is None:
        return area
    if area is None:
        if len(scope) == 1:
            return scope[0]
        raise InvalidInput(
            f"you cover several areas; choose one with area= ({', '.join(scope)}) / "
            "您负责多个区域，请用 area 参数指定其一",
            errors=[{"field": "area", "message": "required for accounts with several areas"}],
        )
    inside = yield step("areas_within", ids=[area], scope=scope)
    if not inside or area not in inside[0]["inside"]:
        raise NotFound(f"no area with id '{area}' in your areas / 您的权限范围内没有区域 {area}")
    return area


def scoped_area(
    db: Database, tx: ManagedTransaction, who: Principal, area: str | None
) -> str | None:
    """:func:`scoped_area_plan` inside the caller's transaction."""
    return db.run_plan_in(tx, scoped_area_plan(who, area))
