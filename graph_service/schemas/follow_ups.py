"""Follow-ups (整改台账) as the API takes and answers them."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from graph_service.domain.follow_ups import MAX_HANDLER, MAX_NOTES, ClosedReason, FollowUpStatus
from graph_service.schemas.paging import Page


class FollowUpIn(BaseModel):
    """Take up a gap: the rule and the thing it reports, who handles it and by when."""

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(max_length=64, description="Rule code / 规则编号")
    subject_id: str = Field(max_length=64, description="The thing the gap is about / 对象编号")
    area: str | None = Field(
        default=None, max_length=64,
        description="The area the gap list was asked of (default: all of yours) / 所在区域",
    )  # fmt: skip
    handler: str = Field(
        min_length=1, max_length=MAX_HANDLER, description="Who handles it / 责任人"
    )
    due: dt.date = Field(description="By when / 整改期限")
    notes: str = Field(default="", max_length=MAX_NOTES, description="Notes / 备注")


class FollowUpPatch(BaseModel):
    """What changes of a follow-up; fields left out stay."""

    model_config = ConfigDict(extra="forbid")

    handler: str | None = Field(default=None, min_length=1, max_length=MAX_HANDLER)
    due: dt.date | None = None
    status: FollowUpStatus | None = None
    notes: str | None = Field(default=None, max_length=MAX_NOTES)


class FollowUp(BaseModel):
    id: str = Field(description="Follow-up id / 台账编号")
    rule: str = Field(description="Rule code / 规则编号")
    rule_zh: str = Field(description="The rule in Chinese / 问题类型")
    subject_id: str
    subject_name: str = Field(description="The thing's name when taken up / 对象名称")
    subject_kind: str
    area_id: str | None = Field(description="Where the thing lies / 所在区域")
    area_name: str | None = None
    handler: str
    due: dt.date
    status: FollowUpStatus
    status_zh: str
    overdue: bool = Field(description="Not closed and past its date / 已逾期")
    notes: str
    taken_on: dt.date = Field(description="The day it was taken up / 登记日期")
    created_by: str
    closed_on: dt.date | None = None
    closed_reason: ClosedReason | None = None
    closed_by: str | None = None


class FollowUpPage(Page[FollowUp]):
    """A page of follow-ups: the list envelope, and what this request closed."""

    total: int = Field(description="Follow-ups in all pages / 总数")
    skip: int
    limit: int
    closed_now: int = Field(
        description="Follow-ups this request found closed by their rule and closed / "
                    "本次自动销号的条数",
    )  # fmt: skip
