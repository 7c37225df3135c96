"""Summaries and descriptions of the generated create, read, update and delete routes.

Each route of ``api/entities.py`` is documented from its kind: what the kind is (English,
then Chinese: its spec's ``doc``, ``domain/kind_specs.py``; a relationship type's meaning is
its ``RelSpec``), what the route does, and the errors it answers with.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_service.domain.kind_specs import NODE_SPECS
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.limits import MAX_PAGE

#: How reads and writes of one record take part in conditional requests (RFC 9110 §13).
READ_VERSION = (
    "The `ETag` header names the stored version (the same for every reader, whatever is "
    "masked); send it back as `If-None-Match` for 304 while unchanged, or as `If-Match` to "
    "change or delete the record only if no one else has since.",
    "应答头 ETag 为记录的当前版本（与读者及隐去的字段无关）；以 If-None-Match 回传，记录未变时"
    "返回 304；以 If-Match 回传，则仅当无人修改过时才修改或删除。",
)
WRITE_VERSION = (
    "With `If-Match` (the ETag you read, or `*`) the write happens only if the record is "
    "still at that version: otherwise 412, nothing is written and `current_etag` names the "
    "stored version.",
    "带 If-Match（读取时的 ETag 或 *）时，仅当记录仍为该版本才写入，否则 412（记录已被他人"
    "修改，请刷新后重试），不写入任何内容，current_etag 为当前版本。",
)
#: How the routes of one relationship name one of its terms (domain/terms.py).
TERM = (
    "the term that starts on `since` (empty: the term whose start is not recorded), or "
    "without `since` the newest term (the one that starts last).",
    "以 since 指定开始于该日期的任期（空值：未记录开始日期的任期）；不带 since 时为最新的任期"
    "（开始日期最晚者）。",
)


@dataclass(frozen=True)
class RouteDoc:
    summary: str
    description: str


def _en(kinds: frozenset[NodeKind]) -> str:
    names = [kind.value for kind in NodeKind if kind in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _zh(kinds: frozenset[NodeKind]) -> str:
    return "、".join(kind.zh for kind in NodeKind if kind in kinds)


def node_docs(kind: NodeKind) -> dict[str, RouteDoc]:
    """The summary and description of each route of a node kind, by operation."""
    doc, zh = NODE_SPECS[kind].doc, kind.zh
    one = doc.one[doc.one.index(" ") + 1 :]
    what = f"{doc.one[0].upper()}{doc.one[1:]} is {doc.en}\n\n{zh}：{doc.zh}"
    not_found = "404 when no {one} has the id (or it lies outside your areas)"
    kind_filter = (f"`kind` filters by {doc.subkind}." if doc.subkind else
                   f"`kind` does not apply ({doc.many} have no kind): any value matches none.")
    kind_filter_zh = ("kind 按类型或层级（英文值）筛选，" if doc.subkind else
                      f"{zh}没有类型字段，kind 筛选不到任何数据；")
    return {
        "create": RouteDoc(
            f"Create {doc.one} / 新建{zh}",
            f"{what}\n\n"
            "Give an `id` that no node of any kind holds yet (chosen by the data owner: an "
            "organization or building code) and the Chinese `name`; `name_en` is optional. "
            "Enumerated fields (kind, level, party_status …) take the English value or the "
            "Chinese term (`branch` or `党支部`). "
            "`link` and `link_to` also join the new node to an existing one, in the same "
            "transaction (an organizer must, to place it inside their areas).\n\n"
            "Errors: 409 when the id is already used (`existing` names what holds it); 404 "
            "when `link_to` names no node; 422 when a field is missing, unknown or wrong "
            "(`errors[].field` names it, e.g. `body.name`).\n\n"
            "编号须未被任何节点使用（由数据所有者确定，如组织机构代码、楼宇编码），名称为中文，"
            "英文名称可选；枚举字段（类型、层级、政治面貌等）可填英文值或中文名称。"
            f"给出 link 与 link_to 时，同一事务内与已有节点建立关系（组织员须以此把新{zh}放入"
            "其负责的区域）。\n\n"
            "错误：编号已被使用 409（existing 指明占用者）；link_to 不存在 404；字段缺失、未知"
            "或无效 422（errors[].field 指明字段）。",
        ),
        "list": RouteDoc(
            f"List {doc.many} / {zh}列表",
            f"{what}\n\n"
            f"A page of {doc.many} in id order (`limit` up to {MAX_PAGE:,}); the next page "
            "is asked with `cursor` = the answer's `next` (also in its `Link` header), and "
            "costs the same at any depth. `total` counts every match on the first page (null "
            f"on the pages after it, for an admin). {kind_filter} `name` filters by a part of "
            "the Chinese or English name. Organizers and viewers see only what lies inside "
            "their areas.\n\n"
            f"按编号排序分页列出{zh}（limit 每页至多 {MAX_PAGE:,} 条；下一页以应答中的 next 作为"
            "cursor 请求，亦见 Link 应答头），total 为符合条件的总数（管理员第二页起为空）；"
            f"{kind_filter_zh}name 按名称（中文或英文）的一部分筛选。组织员和查看者只看到其"
            "负责区域内的数据。",
        ),
        "get": RouteDoc(
            f"Read {doc.one} / 查看{zh}",
            f"{what}\n\n"
            f"Every field of the {one}, null when unset. {READ_VERSION[0]} Errors: "
            f"{not_found.format(one=one)}.\n\n"
            f"返回该{zh}的全部字段（未填为 null）。{READ_VERSION[1]}"
            "错误：编号不存在或不在您负责的区域内 404。",
        ),
        "update": RouteDoc(
            f"Update {doc.one} / 修改{zh}",
            f"{what}\n\n"
            "Send only the fields to change, by their English names; null clears an optional "
            f"field. The stored {one} with the changes merged in is validated whole, then "
            "replaces it; the id cannot change; the answer's `ETag` is its new version. "
            f"{WRITE_VERSION[0]}\n\n"
            f"Errors: {not_found.format(one=one)}; 412 when `If-Match` names an old version; "
            "422 naming the field when a value is wrong, a field is unknown or the id would "
            "change.\n\n"
            f"只发送要修改的字段（英文字段名），null 表示清空可选字段；合并后整体校验再保存，"
            f"编号不可修改；应答头 ETag 为新版本。{WRITE_VERSION[1]}\n\n"
            "错误：编号不存在 404；If-Match 版本已过时 412；字段值无效、字段未知或修改编号 422"
            "（指明字段）。",
        ),
        "delete": RouteDoc(
            f"Delete {doc.one} / 删除{zh}",
            f"{what}\n\n"
            f"Deletes the {one} (204, no body). If it still has relationships the request is "
            "refused unless `cascade=true`, which deletes them with it (the audit trail "
            f"records what went). {WRITE_VERSION[0]}\n\n"
            f"Errors: {not_found.format(one=one)}; 409 when it has relationships and `cascade` "
            "is not set (the answer lists them); 412 when `If-Match` names an old version.\n\n"
            f"删除该{zh}（204，无应答体）。仍有关系时须指定 cascade=true 一并删除（审计日志记录"
            f"删除的关系）。{WRITE_VERSION[1]}\n\n"
            "错误：编号不存在 404；仍有关系且未指定 cascade 409（列出这些关系）；If-Match "
            "版本已过时 412。",
        ),
    }  # fmt: skip


def _article(word: str) -> str:
    return "an" if word[0] in "AEIOU" else "a"


def rel_docs(rel: RelKind) -> dict[str, RouteDoc]:
    """The summary and description of each route of a relationship type, by operation."""
    spec, name = rel.spec, rel.value
    one = f"{_article(name)} {name} relationship"
    what = (
        f"{name} ({_en(spec.sources)} → {_en(spec.targets)}): {spec.meaning}.\n\n"
        f"{spec.zh}（{_zh(spec.sources)} → {_zh(spec.targets)}）：{spec.meaning_zh}。"
    )
    missing = "404 when there is no such relationship (or term) between the two ids"
    return {
        "create": RouteDoc(
            f"Create {one} / 新建{spec.zh}关系",
            f"{what}\n\n"
            "`from_id` and `to_id` name existing nodes; `since` and `until` bound when it is "
            "valid (questions asked as of a date count it only then). The same two nodes may be "
            "joined again later: each time is a term of its own, with its own dates; terms of "
            "one pair never overlap.\n\n"
            "Errors: 404 when `from_id` or `to_id` names no node; 409 when its dates overlap a "
            "stored term of the two (`term_since` names it); 422 naming the field when an end "
            "is of the wrong kind, `since` is after `until`, a node would join itself or a "
            "field is unknown.\n\n"
            "from_id、to_id 须为已有节点；since、until 为有效期（按日期查询时仅在有效期内计入）。"
            "同一对节点可先后多次建立该关系，每次为一个任期，各有起止日期，任期之间不得重叠。"
            "\n\n错误：起点或终点不存在 404；与两者之间已有的任期日期重叠 409（term_since 指明该"
            "任期）；端点类型不符、开始日期晚于"
            "结束日期、起止为同一节点或字段未知 422（指明字段）。",
        ),
        "list": RouteDoc(
            f"List {name} relationships / {spec.zh}关系列表",
            f"{what}\n\n"
            f"A page of them (`limit` up to {MAX_PAGE:,}; the next with `cursor` = `next`), "
            "optionally only those from `from_id` or to `to_id`; `total` counts every match "
            "on the first page. Organizers and viewers see only those inside their areas.\n\n"
            "分页列出该类关系（下一页以 next 作为 cursor），可按起点 from_id 或终点 to_id 筛选，"
            "total 为符合条件的总数（第一页）；"
            "组织员和查看者只看到其负责区域内的关系。",
        ),
        "get": RouteDoc(
            f"Read {one} / 查看{spec.zh}关系",
            f"{what}\n\nThe relationship from `from_id` to `to_id`: {TERM[0]} "
            f"{READ_VERSION[0]} Errors: {missing}.\n\n"
            f"按起点和终点编号查看该关系：{TERM[1]}{READ_VERSION[1]}错误：两者之间没有该关系 404。",
        ),
        "update": RouteDoc(
            f"Update {one} / 修改{spec.zh}关系",
            f"{what}\n\n"
            f"{TERM[0]} Send only the fields to change; null clears an optional one (set "
            "`until` to end the term). The ends come from "
            "the path: to move it, delete it and create another. The answer's `ETag` is its new "
            f"version. {WRITE_VERSION[0]}\n\n"
            f"Errors: {missing}; 409 when its new dates overlap another term of the two; 412 "
            "when `If-Match` names an old version; 422 naming the field "
            "when a value is wrong or a field unknown.\n\n"
            f"{TERM[1]}只发送要修改的字段，null 表示清空（设置 until 即结束该任期）；起点和终点由"
            "路径确定，如需更换请删除后重建；"
            f"应答头 ETag 为新版本。{WRITE_VERSION[1]}\n\n"
            "错误：关系不存在 404；新日期与两者之间的其他任期重叠 409；If-Match 版本已过时 412；"
            "字段值无效或字段未知 422（指明字段）。",
        ),
        "delete": RouteDoc(
            f"Delete {one} / 删除{spec.zh}关系",
            f"{what}\n\n{TERM[0]} Deletes that term (204, no body); to record that it "
            f"ended, set its `until` instead. {WRITE_VERSION[0]} Errors: {missing}; 412 "
            "when `If-Match` names an old version.\n\n"
            f"{TERM[1]}删除该任期（204，无应答体）；如只是任期结束，请改为设置 until。"
            f"{WRITE_VERSION[1]}错误：关系不存在 404；If-Match 版本已过时 412。",
        ),
        "terms": RouteDoc(
            f"Terms of {one} / {spec.zh}关系的各任期",
            f"{what}\n\nEvery term of the relationship from `from_id` to `to_id` (each time "
            "the two were joined, with its own dates), by start date, no start first. Errors: "
            f"{missing}.\n\n"
            "两者之间该关系的全部任期（每次建立关系各为一个任期，各有起止日期），按开始日期排列，"
            "未记录开始日期的在前。错误：两者之间没有该关系 404。",
        ),
    }  # fmt: skip
