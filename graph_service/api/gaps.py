"""Coverage gaps and the coverage summary / 覆盖缺口与覆盖率汇总."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from graph_service.api import openapi_examples as ex
from graph_service.api.answer_tags import (
    IfNoneMatch,
    documented,
    not_modified,
    tagged,
    tagged_json,
)
from graph_service.api.paging import LINK_HEADER, Cursor, cursor_offset, link_next, next_in
from graph_service.api.query_types import AsOf
from graph_service.api.security import PrincipalDep
from graph_service.db import gaps as repo
from graph_service.db.async_reads import AsyncReads
from graph_service.db.etags import version_etag
from graph_service.db.plans import KeptRead, data_version
from graph_service.deps import ReadsDep
from graph_service.domain.gaps import DECLARED
from graph_service.limits import MAX_PAGE, MAX_SKIP
from graph_service.schemas.gaps import CoverageSummary, GapPage, GapRuleOut
from graph_service.schemas.paging import page_of

GapRulePage: Any = page_of(GapRuleOut, "GapRulePage")

router = APIRouter(tags=["gaps · 覆盖缺口"])

# every declared rule: a deployment's rules file may turn on one that ships off
GapCode = StrEnum("GapCode", {rule.code: rule.code for rule in DECLARED})  # type: ignore[misc]

Area = Annotated[
    str | None,
    Query(max_length=64, description="Area id: the whole subtree / 区域编号",
          openapi_examples=ex.id_example("二七新村街道 (demo region / 演示区域)", "A-ERQI")),
]  # fmt: skip


def _attachment(body: bytes, media: str, *parts: str) -> Response:
    """A report file named by ``parts`` (ids, a date, the format last): any character of an
    id that is not a letter, a digit, ``.``, ``_`` or ``-`` becomes ``_`` in the name, so no
    id can break the header."""
    name = "-".join(re.sub(r"[^A-Za-z0-9._-]", "_", part) for part in parts[:-1])
    disposition = f'attachment; filename="{name}.{parts[-1]}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


async def _file_tag(reads: AsyncReads, read: KeptRead[Any], fmt: str) -> str | None:
    """The weak tag of a file made from ``read``'s answer: the data version is read first,
    so the tag is never newer than the file (None when the graph has no version yet)."""
    version = await reads.read_plan(data_version, "data_version")
    return None if version is None else version_etag(read.key, fmt, version)


def _held(tag: str | None, if_none_match: str | None) -> Response | None:
    """304 before the file is made, when ``If-None-Match`` names its tag. Not for ``*``:
    it holds only for an answer there is (RFC 9110 §13.1.2), and an unknown area or one
    outside the caller's areas has none (404), which only making the answer finds."""
    if tag is None or if_none_match is None or "*" in if_none_match.replace(" ", "").split(","):
        return None
    return not_modified(tag, if_none_match)


def _file(answer: Response, tag: str | None, if_none_match: str | None) -> Response:
    if tag is None:
        return answer
    return not_modified(tag, if_none_match) or tagged(answer, tag)


@router.get("/gaps", summary="The gap catalogue / 问题规则目录", response_model=GapRulePage)
def list_rules(reads: ReadsDep) -> Any:
    """Every coverage-gap rule that is on in this deployment (its rules file may turn some
    off): its code, category (organization, leadership, team,
    horizontal, vertical, schedule), what it is about, why it counts as a gap and what
    would close it, in English and Chinese. The codes are those of ``/gaps/{code}`` and
    ``/gaps/counts``.

    全部覆盖缺口规则：编号、类别（组织、班子、队伍、横向、纵向、时限）、对象类型、问题说明与
    整改建议（中英文）。编号用于 /gaps/{code} 与 /gaps/counts。"""
    rules = [GapRuleOut.of(rule) for rule in reads.registry.rules.enabled]
    return GapRulePage(items=rules, total=len(rules))


@router.get("/gaps/counts", summary="How many gaps of each kind / 各类问题数",
            response_model=dict[str, int],
            responses=documented({**ex.answer_response(ex.GAP_COUNTS),
                                  404: {"description": "Unknown area"}}))  # fmt: skip
async def gap_counts(
    reads: ReadsDep, who: PrincipalDep, as_of: AsOf, area: Area = None,
    if_none_match: IfNoneMatch = None,
) -> Response:  # fmt: skip
    """How many gaps of each rule there are, every rule named (0 when none), in one area's
    subtree or everywhere you may see. Errors: 404 when the area is unknown (or outside
    your areas).

    各类覆盖缺口的数量（每条规则都列出，无则为 0），可限定某区域及其下级区域。错误：区域不存在
    或不在您负责的范围内 404。"""
    read = repo.gap_counts_read(reads.registry, who, as_of=as_of, area=area)
    return tagged_json(await reads.read_kept_json(read), read.key, if_none_match)


@router.get(
    "/gaps/{code}",
    summary="One kind of gap, a page at a time, largest impact first / 某类问题清单",
    response_model=GapPage,
    responses=documented({200: {"description": "OK", "headers": LINK_HEADER,
                                "content": {**ex.answer_response(ex.GAP_PAGE)[200]["content"],
                                            "text/csv": {}, "application/vnd.openxmlformats-"
                                            "officedocument.spreadsheetml.sheet": {}}},
                          404: {"description": "Unknown rule or area"}}),
)  # fmt: skip
async def gap_list(
    reads: ReadsDep,
    who: PrincipalDep,
    request: Request,
    code: Annotated[
        GapCode,
        Path(description="Rule code, e.g. ORG_BUILDING_UNCOVERED / 规则编号",
             openapi_examples=ex.id_example("Uncovered commercial buildings / 未覆盖的商务楼宇",
                                            "ORG_BUILDING_UNCOVERED")),
    ],
    as_of: AsOf,
    area: Area = None,
    kinds: Annotated[
        list[str] | None,
        Query(max_length=20, description="Subject kinds counted (REACH_UNIT_UNTIED …)"),
    ] = None,
    skip: Annotated[int, Query(ge=0, le=MAX_SKIP,
                               description="Gaps to pass over (or cursor) / 跳过条数")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Cursor = None,
    format: Annotated[
        str,
        Query(pattern="^(json|csv|xlsx)$",
              description="json: a page; csv or xlsx: every gap as a file (skip and limit "
                          "are not used) / json 分页；csv、xlsx 为全部问题的文件"),
    ] = "json",
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The things failing one rule, largest impact first, then id, a page at a time: each
    row names the thing (id, name, kind), where it is (area path), the rule it fails (in
    English and Chinese) and what would close it. ``kinds`` changes which unit kinds
    REACH_UNIT_UNTIED counts. The next page is asked with ``cursor`` = the answer's
    ``next`` (also its ``Link`` header; ``skip`` still works). ``format=csv`` or ``xlsx``
    sends every gap, in the same order, as a file for a report or a work list. Errors: 404
    when the rule code or the area is unknown; 422 for xlsx when the gaps do not fit in one
    sheet.

    某条规则下的全部问题对象，按影响从大到小、再按编号分页（下一页以应答中的 next 作为
    cursor 请求）：每行给出对象（编号、名称、类型）、所在区域路径、问题说明（中英文）与整改
    建议。format=csv 或 xlsx 时以文件返回全部问题（顺序相同），可作报告或工作清单。错误：
    规则编号或区域不存在 404；xlsx 超过一张工作表的行数 422。"""
    if format != "json":
        from graph_service.reports import gap_table

        every = repo.every_gap_read(reads.registry, who, str(code.value), as_of=as_of,
                                    area=area, kinds=kinds)  # fmt: skip
        tag = await _file_tag(reads, every, format)
        if (unchanged := _held(tag, if_none_match)) is not None:
            return unchanged
        page = await reads.read_kept(every)
        # thousands of rows take a while to write: not on the event loop
        body, media = await run_in_threadpool(gap_table, page, format, reads.twin)
        return _file(_attachment(body, media, "gaps", page.rule.code, area or "all",
                                 page.as_of.isoformat(), format), tag, if_none_match)  # fmt: skip
    # through the result cache: a kept page is sent as the JSON it was kept as
    read = repo.gap_page_read(reads.registry, who, str(code.value), as_of=as_of, area=area,
                              kinds=kinds, skip=cursor_offset(cursor, skip),
                              limit=limit)  # fmt: skip
    body = await reads.read_kept_json(read)
    answer = tagged_json(body, read.key, if_none_match)
    if answer.status_code == 200:
        link_next(request, answer, next_in(body))
    return answer


@router.get(
    "/areas/{area_id}/coverage",
    summary="Coverage summary of an area and its child areas / 区域覆盖率汇总",
    response_model=CoverageSummary,
    responses=documented({200: {"description": "OK", "headers": LINK_HEADER,
                                "content": {**ex.answer_response(ex.COVERAGE)[200]["content"],
                                            "text/csv": {}, "application/vnd.openxmlformats-"
                                            "officedocument.spreadsheetml.sheet": {}}},
                          404: {"description": "Unknown area"}}),
)  # fmt: skip
async def get_coverage(
    reads: ReadsDep,
    who: PrincipalDep,
    area_id: Annotated[
        str,
        Path(max_length=64, description="Area id / 区域编号",
             openapi_examples=ex.id_example("建新社区 (demo region / 演示区域)", "A-JIANXIN")),
    ],
    as_of: AsOf,
    format: Annotated[str, Query(pattern="^(json|csv|xlsx)$")] = "json",
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Organization, leadership and team coverage rates with the count of each gap kind,
    for the area and each child area: a table to paste into a report (``format=csv`` or
    ``xlsx`` sends it as a file). Errors: 404 when the area is unknown (or outside your
    areas).

    区域及其各下级区域的组织、班子、队伍覆盖率（含分子分母）与各类问题数，可直接用于报告；
    format=csv 或 xlsx 时以文件返回。错误：区域不存在或不在您负责的范围内 404。"""
    read = repo.coverage_summary_read(reads.registry, who, area_id, as_of=as_of)
    if format == "json":
        return tagged_json(await reads.read_kept_json(read), read.key, if_none_match)
    from graph_service.reports import summary_table

    tag = await _file_tag(reads, read, format)
    if (unchanged := _held(tag, if_none_match)) is not None:
        return unchanged
    summary = await reads.read_kept(read)
    # a workbook takes milliseconds to build: not on the event loop
    body, media = await run_in_threadpool(summary_table, summary, format)
    return _file(_attachment(body, media, "coverage", area_id, summary.as_of.isoformat(),
                             format), tag, if_none_match)  # fmt: skip
