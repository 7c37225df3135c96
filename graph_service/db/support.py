"""The support repository: supporters, portfolios and shared supporters."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from graph_service.auth.principal import Principal
from graph_service.db.database import Database, Record
from graph_service.db.plans import ID_LENGTHS, Plan, PlanningSteps, no_id, step
from graph_service.db.records import native
from graph_service.db.scope import visible_ids_plan
from graph_service.domain.kinds import AssignmentRole, OrgKind
from graph_service.errors import InvalidInput, NotFound
from graph_service.schemas.gaps import AreaRef
from graph_service.schemas.support import (
    CHANNEL_ZH,
    Candidate,
    Candidates,
    Channel,
    EntityRef,
    Portfolio,
    PortfolioItem,
    SharedSupporters,
    Support,
    Supporters,
)

# Cypher list slices take 32-bit bounds: skip + limit must stay below 2**31.
MAX_SKIP = 1 << 20
ALL = (1 << 31) - 1 - MAX_SKIP  # a page size that means "every supporter"
CANDIDATES = 10  # candidates of each kind shown unless asked for more
MAX_CANDIDATES = 500


def _date(value: Any) -> dt.date | None:
    date: dt.date | None = native(value)
    return date


def entity_plan(who: Principal, entity_id: str) -> Plan[EntityRef]:
    """The entity by id, if it lies in the principal's scope (a read plan; NotFound
    otherwise, as the entity's own read answers)."""
    rows = yield step("entity_exists", id=entity_id)
    return (yield from _visible_entity_plan(who, entity_id, rows[0] if rows else None))


def _visible_entity_plan(
    who: Principal, entity_id: str, found: Mapping[str, Any] | None
) -> Plan[EntityRef]:
    """The entity read as ``found`` (None: there is none), if the principal may see it."""
    hidden = who.scope is not None and (
        entity_id not in (yield from visible_ids_plan(who, [entity_id]))
    )
    if found is None or hidden:
        raise NotFound(f"no entity with id '{entity_id}' / 编号 {entity_id} 不存在")
    return EntityRef.model_validate(found)


def entity(db: Database, who: Principal, entity_id: str) -> EntityRef:
    """The entity by id, if it lies in the principal's scope (NotFound otherwise)."""
    return db.read_plan(lambda: entity_plan(who, entity_id), "entity")


def _seen_plan(who: Principal, rows: list[Record]) -> Plan[set[str] | None]:
    """Which ids the principal may see among the rows' nodes (None: all)."""
    if who.scope is None:
        return None
    ids = {row["id"] for row in rows} | {n["id"] for row in rows for n in row.get("path", [])}
    return (yield from visible_ids_plan(who, sorted(ids)))


def _scoped_rows(
    db: Database, who: Principal, name: str, entity_id: str, as_of: dt.date
) -> tuple[EntityRef, list[Record], set[str] | None]:
    """The entity, the rows of a support query about it, and which ids the principal may
    see among the rows' nodes (None: all) — read in one transaction."""

    def plan() -> Plan[tuple[EntityRef, list[Record], set[str] | None]]:
        target = yield from entity_plan(who, entity_id)
        rows = yield step(name, id=entity_id, as_of=as_of)
        return target, rows, (yield from _seen_plan(who, rows))

    return db.read_plan(plan, name)


SupporterPage = tuple[EntityRef, list[Record], int, dict[str, int], set[str] | None]


def _supporter_page_plan(
    who: Principal, entity_id: str, as_of: dt.date, skip: int, limit: int | None
) -> Plan[SupporterPage]:
    """The entity, one page of its supporters (all of them with ``limit=None``), how many
    there are, how many by channel (in channel order), and which ids the principal may
    see on the page."""
    # the entity comes with its supporters: one query, not two (a round trip less for the
    # API's most frequent read but one); an entity the principal may not see is not found
    found = yield step("supporters", id=entity_id, as_of=as_of, skip=skip,
                       limit=ALL if limit is None else limit)  # fmt: skip
    row: Record = found[0] if found else {}
    target = yield from _visible_entity_plan(who, entity_id, row.get("target"))
    page: list[Record] = row["page"]
    by_channel = sorted(row["by_channel"], key=lambda c: str(c["channel"]))
    counts = {c["channel"]: int(c["count"]) for c in by_channel}
    return target, page, int(row["total"]), counts, (yield from _seen_plan(who, page))


def planning_steps(as_of: dt.date) -> PlanningSteps:
    """The queries of "who supports X" and of a portfolio, with ids as long as real ones
    (see ``ID_LENGTHS``) that name nothing."""
    run = []
    for length in ID_LENGTHS:
        nothing = no_id(length)
        run += [
            step("entity_exists", id=nothing),
            step("supporters", id=nothing, as_of=as_of, skip=0, limit=100),
            step("portfolio", id=nothing, as_of=as_of),
            step("candidates", id=nothing, as_of=as_of, limit=CANDIDATES),
        ]
    return PlanningSteps(run, [])


def _supporter_page(
    db: Database, who: Principal, entity_id: str, as_of: dt.date, skip: int, limit: int | None
) -> SupporterPage:
    return db.read_plan(
        lambda: _supporter_page_plan(who, entity_id, as_of, skip, limit), "supporters"
    )


def _ref(row: Mapping[str, Any], seen: set[str] | None) -> EntityRef:
    ref = EntityRef(id=row["id"], name=row["name"], kind=row["kind"])
    return ref if seen is None or ref.id in seen else ref.hidden()


def supporters_plan(
    who: Principal,
    entity_id: str,
    as_of: dt.date,
    *,
    skip: int = 0,
    limit: int | None = None,
) -> Plan[Supporters]:
    """The supporters of the entity, by channel then id: all of them, or the page
    [skip, skip + limit). ``total`` and ``by_channel`` always count all of them.
    Supporters (and path steps) outside the principal's areas are shown as existing,
    without their details. A read plan: the API may share its transaction with other reads."""
    if not 0 <= skip <= MAX_SKIP:
        raise InvalidInput(f"skip must lie in 0..{MAX_SKIP}", field="skip")
    if limit is not None and not 0 <= limit <= ALL:
        raise InvalidInput("limit must not be negative", field="limit")
    target, rows, total, by_channel, seen = yield from _supporter_page_plan(
        who, entity_id, as_of, skip, limit
    )
    items = []
    for row in rows:
        channel = Channel(row["channel"])
        items.append(Support(
            supporter=_ref(row, seen),
            channel=channel, channel_zh=CHANNEL_ZH[channel],
            path=[_ref(n, seen) for n in row["path"]],
            relationships=row["rels"], since=_date(row["since"]), until=_date(row["until"]),
        ))  # fmt: skip
    return Supporters(
        entity=target, as_of=as_of, total=total, skip=skip, limit=limit, supporters=items,
        by_channel=by_channel,
    )  # fmt: skip


def supporters(
    db: Database,
    who: Principal,
    entity_id: str,
    as_of: dt.date,
    *,
    skip: int = 0,
    limit: int | None = None,
) -> Supporters:
    """:func:`supporters_plan` through the sync driver."""
    return db.read_plan(
        lambda: supporters_plan(who, entity_id, as_of, skip=skip, limit=limit), "supporters"
    )


def portfolio(db: Database, who: Principal, supporter_id: str, as_of: dt.date) -> Portfolio:
    supporter, rows, seen = _scoped_rows(db, who, "portfolio", supporter_id, as_of)
    items = []
    for row in rows:
        channel = Channel(row["channel"])
        items.append(PortfolioItem(
            target=_ref(row, seen),
            channel=channel, channel_zh=CHANNEL_ZH[channel],
            since=_date(row["since"]), until=_date(row["until"]),
        ))  # fmt: skip
    return Portfolio(
        supporter=supporter, as_of=as_of, items=items,
        load=len({row["id"] for row in rows}),
        by_channel=dict(Counter(item.channel.value for item in items)),
    )  # fmt: skip


def shared_supporters(
    db: Database, who: Principal, first_id: str, second_id: str, as_of: dt.date
) -> SharedSupporters:
    first_target, first_rows, _, _, first_seen = _supporter_page(
        db, who, first_id, as_of, 0, None
    )
    second_target, second_rows, _, _, _ = _supporter_page(db, who, second_id, as_of, 0, None)
    both = {row["id"] for row in first_rows} & {row["id"] for row in second_rows}
    refs = {row["id"]: _ref(row, first_seen) for row in first_rows if row["id"] in both}
    shown = {key: ref for key, ref in refs.items() if not ref.outside_scope}
    return SharedSupporters(
        first=first_target, second=second_target, as_of=as_of,
        shared=[shown[key] for key in sorted(shown)],
        shared_outside_scope=len(refs) - len(shown),
    )  # fmt: skip


def _candidate(
    row: Mapping[str, Any], path: list[AreaRef], seen: set[str] | None,
    roles_of: type[AssignmentRole] | type[OrgKind],
) -> Candidate:  # fmt: skip
    roles = sorted(str(role) for role in row["roles"] if role is not None)
    return Candidate(
        candidate=_ref(row, seen), roles=roles, roles_zh=[roles_of(r).zh for r in roles],
        load=int(row["load"]), near=path[int(row["near"])], nearby=int(row["nearby"]),
    )  # fmt: skip


def candidates_plan(
    who: Principal, entity_id: str, as_of: dt.date, *, limit: int = CANDIDATES
) -> Plan[Candidates]:
    """Who should be assigned to, or cover, the branch, building, park or unit
    ``entity_id``, given everyone's load on ``as_of`` (see ``candidates.cypher``): the
    first ``limit`` officers and covering organizations, nearest first, then lightest
    load, then id. Candidates outside the principal's areas are shown without details."""
    if not 1 <= limit <= MAX_CANDIDATES:
        raise InvalidInput(f"limit must lie in 1..{MAX_CANDIDATES}", field="limit")
    found = yield step("candidates", id=entity_id, as_of=as_of, limit=limit)
    row: Record = found[0] if found else {}
    target = yield from _visible_entity_plan(who, entity_id, row or None)
    if not (row["takes_officers"] or row["takes_orgs"]):
        raise InvalidInput(
            f"candidates are found for a party organization, building, park or unit; "
            f"'{entity_id}' is of kind {target.kind} / 只能为党组织、楼宇、园区或单位推荐人选",
            field="entity_id",
        )  # fmt: skip
    path = [AreaRef.model_validate(area) for area in row["area_path"]]
    officers, orgs = row["officers"], row["orgs"]
    seen = yield from _seen_plan(who, officers + orgs)
    return Candidates(
        entity=target, as_of=as_of, area_path=path,
        pool=path[int(row["pool_at"])] if path else None,
        officers=[_candidate(o, path, seen, AssignmentRole) for o in officers],
        officers_total=int(row["officers_total"]),
        covering_orgs=[_candidate(o, path, seen, OrgKind) for o in orgs],
        covering_orgs_total=int(row["orgs_total"]),
    )  # fmt: skip


def candidates(
    db: Database, who: Principal, entity_id: str, as_of: dt.date, *, limit: int = CANDIDATES
) -> Candidates:
    """:func:`candidates_plan` through the sync driver."""
    return db.read_plan(lambda: candidates_plan(who, entity_id, as_of, limit=limit), "candidates")
