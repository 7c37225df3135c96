"""The support repository: supporters, portfolios and shared supporters."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from graph_service.db.database import Database
from graph_service.errors import NotFound
from graph_service.schemas.support import (
    CHANNEL_ZH,
    Channel,
    EntityRef,
    Portfolio,
    PortfolioItem,
    SharedSupporters,
    Support,
    Supporters,
)


def _date(value: Any) -> dt.date | None:
    native: dt.date | None = value.to_native() if hasattr(value, "to_native") else value
    return native


def entity(db: Database, entity_id: str) -> EntityRef:
    rows = db.read("entity_exists", id=entity_id)
    if not rows:
        raise NotFound(f"no entity with id '{entity_id}' / 编号 {entity_id} 不存在")
    return EntityRef.model_validate(rows[0])


def supporters(db: Database, entity_id: str, as_of: dt.date) -> Supporters:
    target = entity(db, entity_id)
    items = []
    for row in db.read("supporters", id=entity_id, as_of=as_of):
        channel = Channel(row["channel"])
        items.append(Support(
            supporter=EntityRef(id=row["id"], name=row["name"], kind=row["kind"]),
            channel=channel, channel_zh=CHANNEL_ZH[channel],
            path=[EntityRef.model_validate(n) for n in row["path"]],
            relationships=row["rels"], since=_date(row["since"]), until=_date(row["until"]),
        ))  # fmt: skip
    by_channel = Counter(item.channel.value for item in items)
    return Supporters(entity=target, as_of=as_of, supporters=items, by_channel=dict(by_channel))


def portfolio(db: Database, supporter_id: str, as_of: dt.date) -> Portfolio:
    who = entity(db, supporter_id)
    items = []
    for row in db.read("portfolio", id=supporter_id, as_of=as_of):
        channel = Channel(row["channel"])
        items.append(PortfolioItem(
            target=EntityRef(id=row["id"], name=row["name"], kind=row["kind"]),
            channel=channel, channel_zh=CHANNEL_ZH[channel],
            since=_date(row["since"]), until=_date(row["until"]),
        ))  # fmt: skip
    return Portfolio(
        supporter=who, as_of=as_of, items=items,
        load=len({item.target.id for item in items}),
        by_channel=dict(Counter(item.channel.value for item in items)),
    )  # fmt: skip


def shared_supporters(
    db: Database, first_id: str, second_id: str, as_of: dt.date
) -> SharedSupporters:
    first = supporters(db, first_id, as_of)
    second = supporters(db, second_id, as_of)
    second_ids = {s.supporter.id for s in second.supporters}
    shared = {s.supporter.id: s.supporter for s in first.supporters if s.supporter.id in second_ids}
    return SharedSupporters(
        first=first.entity, second=second.entity, as_of=as_of,
        shared=[shared[key] for key in sorted(shared)],
    )  # fmt: skip
