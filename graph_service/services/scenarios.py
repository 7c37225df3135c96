"""What-if: the gaps a set of changes would open and close, and the coverage rates before
and after — with the gap rules everything else uses, and nothing written.

The changes are applied in one transaction with the service's own write statements
(:mod:`graph_service.db.scenarios`); the gap lists and the coverage summary are the same
read plans the API and the CLI run (:func:`graph_service.db.gaps.every_gap_read`,
:func:`~graph_service.db.gaps.coverage_summary_read`), run before and after the changes in
that transaction, which is then rolled back. The graph, its data version, the audit trail
and the result cache are left as they were.

>>> result = what_if(db, Principal.cli(), "A-ERQI", dt.date(2026, 6, 30),
...                  [RemoveChange(op="leave", id="PS-WANG-LIXIN")])   # doctest: +SKIP
>>> sorted(g.id for g in result.opened)                               # doctest: +SKIP
['PK-WENCHUANG', 'PO-JIANXIN-B1', ...]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from neo4j import ManagedTransaction
from pydantic import ValidationError

from graph_service.auth.principal import Principal
from graph_service.db import scenarios as repo
from graph_service.db.database import Database
from graph_service.db.gaps import coverage_summary_read, every_gap_read
from graph_service.db.plans import Plan
from graph_service.db.registry import QueryRegistry
from graph_service.db.scope import scoped_area, visible_ids
from graph_service.domain import terms
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import REL_MODELS, RelIn
from graph_service.errors import Conflict, InvalidInput, NotFound
from graph_service.schemas.gaps import AreaCoverage, GapItem
from graph_service.schemas.scenarios import (
    AddChange,
    AppliedChange,
    Change,
    EndChange,
    RemoveChange,
    ScenarioResult,
)

#: A gap, as the diff tells them apart: rule code, subject id, related id.
GapKey = tuple[str, str, str | None]

LEAVERS = (NodeKind.PERSON, NodeKind.UNIT)


def gaps_plan(
    registry: QueryRegistry, who: Principal, area: str, as_of: dt.date,
    codes: Collection[str] | None = None,
) -> Plan[dict[GapKey, GapItem]]:  # fmt: skip
    """Every gap of every rule that is on (of those of ``codes``, when given), in ``area``
    as of a date (a read plan): the plans of ``GET /gaps/{code}?format=csv``, one per rule."""
    found: dict[GapKey, GapItem] = {}
    for rule in registry.rules.enabled:
        if codes is not None and rule.code not in codes:
            continue
        page = yield from every_gap_read(registry, who, rule.code, as_of=as_of, area=area).make()
        for item in page.items:
            found[(item.code, item.id, item.related_id)] = item
    return found


def ordered(registry: QueryRegistry, gaps: Mapping[GapKey, GapItem]) -> list[GapItem]:
    """Gaps in catalogue order, then by subject id and related id."""
    order = {rule.code: i for i, rule in enumerate(registry.rules.enabled)}
    return [gaps[key] for key in sorted(gaps, key=lambda k: (order[k[0]], k[1], k[2] or ""))]


def _coverage(db: Database, tx: ManagedTransaction, who: Principal, area: str,
              as_of: dt.date) -> AreaCoverage:  # fmt: skip
    summary = db.run_plan_in(tx, coverage_summary_read(db.registry, who, area, as_of=as_of).make())
    return summary.area


# ---- the changes ----------------------------------------------------------------------------


def _invalid(index: int, field: str, zh: str, en: str) -> InvalidInput:
    where = f"changes[{index}].{field}"
    return InvalidInput(f"第 {index} 项变更（{where}）：{zh} / change {index} ({where}): {en}",
                        errors=[{"field": where, "message": f"{zh} / {en}"}])  # fmt: skip


def _rel_kind(index: int, text: str) -> RelKind:
    try:
        return RelKind(text.strip().upper())
    except ValueError:
        names = ", ".join(k.value for k in RelKind)
        raise _invalid(index, "type", f"未知的关系类型 {text!r}（可用：{names}）",
                       f"unknown relationship type {text!r} (one of: {names})") from None


def _visible_kind(
    db: Database, tx: ManagedTransaction, who: Principal, index: int, field: str, entity_id: str
) -> NodeKind:
    """The kind of an entity a change names; not found unless it exists (after the changes
    before it) and lies in the principal's areas."""
    kind = repo.entity_kind(db, tx, entity_id)
    if kind is not None and who.scope is not None:
        kind = kind if entity_id in visible_ids(db, tx, who, [entity_id]) else None
    if kind is None:
        where = f"changes[{index}].{field}"
        raise NotFound(
            f"第 {index} 项变更（{where}）：编号 {entity_id} 不存在或不在您的权限范围内 / change "
            f"{index} ({where}): no entity '{entity_id}' in your areas",
            field=where,
        )
    return kind


def _validated(index: int, rel: RelKind, fields: Mapping[str, Any]) -> RelIn:
    try:
        return REL_MODELS[rel].model_validate(dict(fields))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "props"
        field = field if field in {"from_id", "to_id", "until"} else f"props.{field}"
        raise _invalid(index, field, f"取值无效：{first['msg']}", first["msg"]) from None


def apply_change(
    db: Database, tx: ManagedTransaction, who: Principal, index: int, change: Change,
    as_of: dt.date,
) -> AppliedChange:  # fmt: skip
    """Apply one change inside a what-if transaction, validated as the real write would
    be; what it did, in words."""
    if isinstance(change, RemoveChange):
        kind = _visible_kind(db, tx, who, index, "id", change.id)
        if change.op == "leave" and kind not in LEAVERS:
            raise _invalid(index, "op", f"leave 仅适用于人员或单位（{change.id} 是{kind.zh}），"
                           "删除其他节点请用 remove",
                           f"leave is for a person or unit ({change.id} is a {kind.value}); "
                           "use remove")  # fmt: skip
        gone = repo.remove_node(db, tx, kind, change.id).relationships
        return AppliedChange(index=index, op=change.op, summary=(
            f"{kind.zh} {change.id} 离开（连同 {gone} 条关系）/ {kind.value} {change.id} "
            f"removed with {gone} relationship(s)"))  # fmt: skip
    rel = _rel_kind(index, change.type)
    from_kind = _visible_kind(db, tx, who, index, "from_id", change.from_id)
    to_kind = _visible_kind(db, tx, who, index, "to_id", change.to_id)
    named = f"{rel.value} {change.from_id}->{change.to_id}"
    stored = repo.stored_terms(db, tx, rel, change.from_id, change.to_id)
    if isinstance(change, EndChange):
        if not stored:
            raise NotFound(f"第 {index} 项变更：关系 {named} 不存在 / change {index}: no {named}",
                           field=f"changes[{index}]")  # fmt: skip
        # the term current on the scenario's date; else the newest
        periods = [(term.get("since"), term.get("until")) for term in stored]
        ending = next((term for term, period in zip(stored, periods, strict=True)
                       if terms.overlaps(period, (as_of, as_of))),
                      stored[terms.latest(periods)])  # fmt: skip
        until = change.until or as_of - dt.timedelta(days=1)
        repo.replace_rel(db, tx, _validated(index, rel, ending | {"until": until}),
                         ending.get("since"))  # fmt: skip
        return AppliedChange(index=index, op=change.op,
                             summary=f"{named} 于 {until} 结束 / {named} ends on {until}")
    assert isinstance(change, AddChange)
    for field, kind, allowed in (("from_id", from_kind, rel.spec.sources),
                                 ("to_id", to_kind, rel.spec.targets)):  # fmt: skip
        if kind not in allowed:
            names = ", ".join(sorted(k.value for k in allowed))
            raise _invalid(index, field, f"{rel.value} 不能连接{kind.zh}（可用：{names}）",
                           f"{rel.value} cannot join a {kind.value} here (one of: {names})")
    fields = dict(change.props) | {"from_id": change.from_id, "to_id": change.to_id}
    model = _validated(index, rel, fields)
    clash = terms.overlapping([(t.get("since"), t.get("until")) for t in stored],
                              (model.since, model.until))  # fmt: skip
    if clash is not None:
        en, zh = terms.label(clash)
        raise Conflict(f"第 {index} 项变更：关系 {named} 与已有任期（{zh}）重叠 / change "
                       f"{index}: {named} overlaps its stored term {en}",
                       field=f"changes[{index}]")  # fmt: skip
    repo.add_rel(db, tx, model, from_kind, to_kind)
    return AppliedChange(index=index, op=change.op, summary=f"新增 {named} / {named} added")


# ---- the what-if ----------------------------------------------------------------------------


def what_if(
    db: Database, who: Principal, area: str, as_of: dt.date, changes: Sequence[Change]
) -> ScenarioResult:
    """The gaps ``changes`` (applied in order) would open and close in ``area`` as of a
    date, and its coverage rates before and after; nothing is written.

    Any role that may read the area may ask. A change naming an entity that does not
    exist or lies outside the principal's areas is not found (404), an unknown area too;
    a bad change is refused (422) naming its index and field.
    """
    if not changes:
        raise InvalidInput("至少需要一项变更 / give at least one change", field="changes")
    registry = db.registry

    def work(tx: ManagedTransaction) -> ScenarioResult:
        asked = scoped_area(db, tx, who, area)
        assert asked is not None  # an area is always named
        before = db.run_plan_in(tx, gaps_plan(registry, who, asked, as_of))
        coverage_before = _coverage(db, tx, who, asked, as_of)
        applied = [apply_change(db, tx, who, i, c, as_of) for i, c in enumerate(changes)]
        after = db.run_plan_in(tx, gaps_plan(registry, who, asked, as_of))
        coverage_after = _coverage(db, tx, who, asked, as_of)
        return ScenarioResult(
            area=coverage_before.area, as_of=as_of, changes=applied,
            opened=ordered(registry, {k: v for k, v in after.items() if k not in before}),
            closed=ordered(registry, {k: v for k, v in before.items() if k not in after}),
            before=coverage_before, after=coverage_after,
        )  # fmt: skip

    return repo.rolled_back(db, work, "scenario")
