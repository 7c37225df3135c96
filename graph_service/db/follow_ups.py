"""整改台账: follow-ups of gaps, stored as :FollowUp nodes beside the domain graph.

A follow-up lies in the area its subject lay in when it was taken up (the deepest area of
the gap's area path), and is seen by whoever sees that area. Taking up a gap checks, with
the same rule query the gap lists run, that the rule reports the subject today. Every write
is audited. :func:`reconcile` closes the follow-ups whose rule no longer reports their
subject (自动销号), with the date; the list runs it first, so a list never shows a gap that
is gone as still open.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from neo4j import ManagedTransaction

from graph_service.auth.principal import Principal, Role
from graph_service.db import audit
from graph_service.db.database import Database
from graph_service.db.gaps import every_gap_read
from graph_service.db.records import native
from graph_service.domain.follow_ups import ClosedReason, FollowUpStatus
from graph_service.domain.gaps import RULES_BY_CODE
from graph_service.domain.paging import offset_cursor
from graph_service.errors import Conflict, InvalidInput, NotFound
from graph_service.schemas.follow_ups import (
    FollowUp,
    FollowUpIn,
    FollowUpPage,
    FollowUpPatch,
)

#: who closes a follow-up whose gap went away
RECONCILER = "system:follow-ups"


def _new_id(today: dt.date) -> str:
    return f"FU-{today:%Y%m%d}-{secrets.token_hex(3).upper()}"


def _out(row: Mapping[str, Any], today: dt.date) -> FollowUp:
    values = {key: native(value) for key, value in row.items()}
    status = FollowUpStatus(values["status"])
    rule = RULES_BY_CODE.get(values["rule"])
    reason = values.get("closed_reason")
    return FollowUp(
        id=values["id"], rule=values["rule"], rule_zh=rule.zh if rule else values["rule"],
        subject_id=values["subject_id"], subject_name=values["subject_name"],
        subject_kind=values["subject_kind"], area_id=values.get("area_id"),
        area_name=values.get("area_name"), handler=values["handler"], due=values["due"],
        status=status, status_zh=status.zh,
        overdue=status is not FollowUpStatus.CLOSED and values["due"] < today,
        notes=values.get("notes") or "", taken_on=values["taken_on"],
        created_by=values["created_by"], closed_on=values.get("closed_on"),
        closed_reason=ClosedReason(reason) if reason else None,
        closed_by=values.get("closed_by"),
    )  # fmt: skip


def _reported(db: Database, who: Principal, rule: str, area: str | None,
              today: dt.date) -> dict[str, dict[str, Any]]:  # fmt: skip
    """The subjects the rule reports today in ``area`` (as ``who`` may ask), by id."""
    page = db.read_kept(every_gap_read(db.registry, who, rule, as_of=today, area=area))
    return {item.id: item.model_dump() for item in page.items}


def take_up(db: Database, who: Principal, body: FollowUpIn, today: dt.date) -> FollowUp:
    """Take up a gap the rule reports today. Raises :class:`NotFound` for an unknown rule
    or area (or one outside ``who``'s areas), :class:`InvalidInput` when the rule does not
    report the subject, :class:`Conflict` when the gap is taken up already."""
    who.require_write()
    if body.rule not in RULES_BY_CODE:
        raise NotFound(f"没有编号为 {body.rule} 的规则 / no rule {body.rule!r}", field="rule")
    row = _reported(db, who, body.rule, body.area, today).get(body.subject_id)
    if row is None:
        raise InvalidInput(
            f"规则 {body.rule} 今天（{today}）没有报告对象 {body.subject_id}，无需整改 / "
            f"the rule {body.rule} does not report {body.subject_id} today",
            field="subject_id",
        )  # fmt: skip
    if body.due < today:
        raise InvalidInput(f"整改期限 {body.due} 早于今天 {today} / the due date is past",
                           field="due")  # fmt: skip
    path = row["area_path"]
    record = {
        "id": _new_id(today), "rule": body.rule, "subject_id": body.subject_id,
        "subject_name": row["name"], "subject_kind": row["kind"],
        "area_id": path[-1]["id"] if path else None, "handler": body.handler.strip(),
        "due": body.due, "notes": body.notes, "created_by": who.name, "today": today,
    }  # fmt: skip

    def work(tx: ManagedTransaction) -> str:
        # writes hold the graph's write lock from their first statement: no second take-up
        # of the same gap can come between this check and the create
        active = db.run_in(tx, "follow_up_active", rule=body.rule, subject_id=body.subject_id)
        if active:
            raise Conflict(
                f"该问题已在整改台账中（{active[0]['id']}） / this gap is taken up already "
                f"({active[0]['id']})", id=active[0]["id"],
            )  # fmt: skip
        audit.record(db, tx, who, audit.Change(
            "follow_up.add", kind="FollowUp", target=record["id"],
            after={k: v for k, v in record.items() if k != "today"},
        ))  # fmt: skip
        db.run_in(tx, "follow_up_create", **record)
        return str(record["id"])

    return get(db, who, db.execute_write(work, "follow_up_create"), today)


def get(db: Database, who: Principal, follow_up_id: str, today: dt.date) -> FollowUp:
    rows = db.read("follow_up_get", id=follow_up_id, scope=who.scope)
    if not rows:
        raise NotFound(f"台账 {follow_up_id} 不存在或不在您的区域内 / no follow-up "
                       f"{follow_up_id!r} in your areas", id=follow_up_id)  # fmt: skip
    return _out(rows[0]["follow_up"], today)


def update(db: Database, who: Principal, follow_up_id: str, patch: FollowUpPatch,
           today: dt.date) -> FollowUp:  # fmt: skip
    """Change a follow-up's handler, date, status or notes; closing it by hand stamps the
    day and who. A closed follow-up stays closed (take the gap up again instead)."""
    who.require_write()
    before = get(db, who, follow_up_id, today)
    changes: dict[str, Any] = {key: value for key, value in patch.model_dump(
        exclude_unset=True, exclude_none=True).items()}  # fmt: skip
    if "handler" in changes:
        changes["handler"] = changes["handler"].strip()
    if before.status is FollowUpStatus.CLOSED:
        raise Conflict(f"台账 {follow_up_id} 已销号，不能再修改 / the follow-up is closed",
                       id=follow_up_id)  # fmt: skip
    if "status" in changes:
        changes["status"] = FollowUpStatus(changes["status"]).value
        if changes["status"] == FollowUpStatus.CLOSED.value:
            changes |= {"closed_on": today, "closed_reason": ClosedReason.BY_HAND.value,
                        "closed_by": who.name}  # fmt: skip
    if not changes:
        return before

    def work(tx: ManagedTransaction) -> None:
        if not db.run_in(tx, "follow_up_get", id=follow_up_id, scope=who.scope):
            raise NotFound(f"台账 {follow_up_id} 不存在 / no follow-up {follow_up_id!r}")
        audit.record(db, tx, who, audit.Change(
            "follow_up.update", kind="FollowUp", target=follow_up_id,
            before={k: getattr(before, k) for k in changes if hasattr(before, k)},
            after=changes,
        ))  # fmt: skip
        db.run_in(tx, "follow_up_update", id=follow_up_id, changes=changes)

    db.execute_write(work, "follow_up_update")
    return get(db, who, follow_up_id, today)


def _areas_of(who: Principal, area: str | None) -> Sequence[str | None]:
    if area is not None:
        return [area]
    return [None] if who.scope is None else list(who.scope)


def reconcile(db: Database, who: Principal, area: str | None, today: dt.date) -> int:
    """Close the follow-ups under ``area`` (else under each of ``who``'s areas) whose rule
    no longer reports their subject today; return how many closed. The rules run as the
    reconciler (every subject counts, not only what ``who`` may see): a follow-up closes
    when its gap is gone, whoever looks."""
    system = Principal(name=RECONCILER, role=Role.ADMIN, via=who.via)
    gone: list[str] = []
    for place in _areas_of(who, area):
        for row in db.read("follow_up_open", area=place):
            if not db.registry.rules.is_on(row["rule"]):
                continue  # a rule turned off says nothing of its gaps
            reported = _reported(db, system, row["rule"], place, today)
            gone += [f["id"] for f in row["open"] if f["subject_id"] not in reported]
    if not gone:
        return 0

    def work(tx: ManagedTransaction) -> int:
        audit.record(db, tx, system, audit.Change(
            "follow_up.close", kind="FollowUp", targets=sorted(gone),
            details={"reason": ClosedReason.GAP_GONE.value, "on": today.isoformat(),
                     "seen_by": who.name},
        ))  # fmt: skip
        closed = db.run_in(tx, "follow_up_close_gone", ids=sorted(gone), today=today,
                           by=RECONCILER)  # fmt: skip
        return len(closed[0]["closed"])

    return db.execute_write(work, "follow_up_reconcile")


def list_follow_ups(
    db: Database, who: Principal, today: dt.date, *, area: str | None = None,
    statuses: Sequence[FollowUpStatus] | None = None, rule: str | None = None,
    overdue: bool = False, skip: int = 0, limit: int = 50,
) -> FollowUpPage:  # fmt: skip
    """A page of follow-ups in ``who``'s areas (under ``area``), after closing those whose
    gap is gone. Raises :class:`NotFound` for an area outside ``who``'s areas."""
    if area is not None and who.scope is not None:
        inside = db.read("areas_within", ids=[area], scope=who.scope)
        if not inside or area not in inside[0]["inside"]:
            raise NotFound(f"您的权限范围内没有区域 {area} / no area {area!r} in your areas")
    if rule is not None and rule not in RULES_BY_CODE:
        raise NotFound(f"没有编号为 {rule} 的规则 / no rule {rule!r}", field="rule")
    closed_now = reconcile(db, who, area, today)
    row = db.read(
        "follow_up_list", scope=who.scope, area=area, rule=rule, overdue=overdue, today=today,
        statuses=[s.value for s in statuses] if statuses else None, skip=skip, limit=limit,
    )[0]  # fmt: skip
    items, total = [_out(item, today) for item in row["items"]], int(row["total"])
    return FollowUpPage(total=total, skip=skip, limit=limit, closed_now=closed_now, items=items,
                        next=offset_cursor(skip, len(items), total))  # fmt: skip
