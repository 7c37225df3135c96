"""A row checked by its table's model alone: what needs nothing but the row.

Types, enums, dates, ids and lengths are most of an import's work per row; what needs other
rows (an id given twice, a relationship's ends, names) is the importer's
(:mod:`graph_service.services.imports`). A first load's relationship rows are checked here
in a second process (:mod:`graph_service.services.rels_beside`) while the importer checks
the nodes; any other import's in the importer's own process. Either way a row gets the same
:data:`CheckedRel`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from loaders.problems import Problem, shown_value
from loaders.rows import RawRow, RawTable

#: a relationship row as its model took it: its number, the problems found so far and, if
#: the model took it, its two ends and its properties as stored (else None, None, None)
CheckedRel = tuple[int, list[Problem], str | None, str | None, dict[str, Any] | None]


def checked_rel_rows(raw: RawTable) -> Iterator[CheckedRel]:
    """Each row of a relationship table, checked by its model."""
    validate = raw.table.model.__pydantic_validator__.validate_python  # model_validate
    for row in raw.rows:
        problems = list(row.problems)
        try:
            model = validate(row.values)
        except ValidationError as error:
            yield row.number, problems + problems_of(error, raw, row), None, None, None
            continue
        yield row.number, problems, model.from_id, model.to_id, model.graph_properties()


def problems_of(error: ValidationError, raw: RawTable, row: RawRow) -> list[Problem]:
    out = []
    for detail in error.errors():
        loc = [str(p) for p in detail["loc"]]
        field_name = loc[0] if loc else None
        column = None
        if field_name:
            column = next(
                (c.header for c in raw.table.columns if c.field == field_name), field_name
            )
        message = str(detail["msg"]).removeprefix("Value error, ")
        value = row.values.get(field_name) if field_name else None
        if detail["type"] == "missing":
            message, zh = "a value is required", "必填项为空"
        elif detail["type"] == "extra_forbidden":
            message, zh = "unknown column", "未知列"
        else:
            zh = zh_reason(message, detail.get("ctx"))
            if message.startswith(zh + " / "):  # Chinese first: the English half is the reason
                message = message.removeprefix(zh + " / ")
        out.append(
            Problem(
                file=raw.file, sheet=raw.sheet, row=row.number, column=column,
                value=shown_value(value), reason=message, reason_zh=zh,
            )
        )  # fmt: skip
    return out


def cjk_share(text: str) -> float:
    return sum("\u3400" <= ch <= "\u9fff" for ch in text) / max(len(text), 1)


def zh_reason(message: str, ctx: dict[str, Any] | None = None) -> str:
    """The Chinese half of a validation message, with the detail the English half has (the
    limit, the length): of a bilingual message ("中文 / English" or the other order), the
    half that is more Chinese (an English half may quote a Chinese value)."""
    if " / " in message:
        first, second = message.split(" / ", 1)
        return first if cjk_share(first) >= cjk_share(second) else second
    ctx = ctx or {}
    if "valid integer" in message or "valid number" in message:
        return "应为整数" if "integer" in message else "应为数字"
    for key, words in (("ge", "不小于"), ("gt", "大于"), ("le", "不大于"), ("lt", "小于")):
        if key in ctx:
            return f"数值超出范围：应{words} {ctx[key]}"
    if "max_length" in ctx:
        return f"长度超出限制：最多 {ctx['max_length']} 个字符"
    if "min_length" in ctx:
        return f"长度不足：至少 {ctx['min_length']} 个字符"
    if "greater than" in message or "less than" in message:
        return "数值超出范围"
    if "at most" in message or "at least" in message:
        return "长度不符合要求"
    if "date" in message.lower():
        return "日期无效，应写作 YYYY-MM-DD，如 2024-05-24"
    return "取值无效"
