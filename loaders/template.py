"""The XLSX import template: one sheet per table, a bilingual README, fictional examples.

The template is the format's first documentation for an organizer, so it is built from
the same :data:`~graph_service.domain.tables.TABLES` the readers use: a sheet per table
(named by the table key, so it reads back as that table), row 1 the bilingual headers
(required ones bold), then fictional example rows that form a small consistent graph —
every relationship example joins two node examples — so the untouched template imports
cleanly. Enumeration columns get drop-down lists offering the Chinese and English values.

>>> write_template(Path("区域化党建导入模板.xlsx"))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from graph_service.domain.kind_specs import EXAMPLE_DATE, NODE_SPECS, REL_KIND_SPECS
from graph_service.domain.kinds import BilingualEnum, NodeKind
from graph_service.domain.tables import TABLES, Column, Table

README_SHEET = "说明 README"
VALIDATED_ROWS = 10_000  # drop-downs and formats cover rows 2..VALIDATED_ROWS
_TEXT_FORMAT = "@"  # keeps codes such as 370103 or 0531 as text instead of numbers
_DATE_FORMAT = "yyyy-mm-dd"
_LISTS_FIRST_COLUMN = 8  # README column H onward holds the drop-down value lists


# ---- the example graph -----------------------------------------------------------------------
# Each kind's rows are declared in its spec (graph_service/domain/kind_specs.py).


def example_rows(table: Table) -> list[dict[str, Any]]:
    """The fictional example rows of a table, by field, as the template writes them."""
    if isinstance(table.kind, NodeKind):
        english = table.kind.value
        return [
            {**row, "name_en": f"Example {english} {n} (fictional)", "illustrative": "是"}
            for n, row in enumerate(NODE_SPECS[table.kind].template, start=1)
        ]
    from_id, to_id, extra = REL_KIND_SPECS[table.kind].template
    return [
        {"from_id": from_id, "to_id": to_id, "since": EXAMPLE_DATE, **extra, "illustrative": "是"}
    ]


def example_node_kinds() -> dict[str, NodeKind]:
    """Each example node id and its kind, to check relationship examples join real nodes."""
    return {row["id"]: kind for kind, spec in NODE_SPECS.items() for row in spec.template}


# ---- column kinds ----------------------------------------------------------------------------


def enum_of(table: Table, field: str) -> type[BilingualEnum] | None:
    """The enumeration a field takes its values from, if any (``level``, ``kind``, ``role`` …)."""
    annotation = table.model.model_fields[field].annotation
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BilingualEnum):
            return candidate
    return None


def _is_type(table: Table, field: str, wanted: type) -> bool:
    """Whether a field's annotation is ``wanted`` or ``wanted | None``."""
    annotation = table.model.model_fields[field].annotation
    if annotation is wanted:
        return True
    return isinstance(annotation, types.UnionType) and wanted in typing.get_args(annotation)


def _choices(enum: type[BilingualEnum]) -> list[str]:
    """Drop-down values: the Chinese names first (what organizers type), then the English."""
    return [member.zh for member in enum] + [member.value for member in enum]


def _describe(table: Table, column: Column) -> str:
    enum = enum_of(table, column.field)
    if enum is None:
        return column.description
    allowed = ", ".join(f"{member.zh} {member.value}" for member in enum)
    return f"{column.description} — 可选 / one of: {allowed}"


# ---- the workbook ----------------------------------------------------------------------------

_RULES: tuple[tuple[str, str], ...] = (
    (
        "每类节点或关系一个工作表，工作表名即表名（如 units、assigned_to），请勿修改；"
        "本说明页导入时被忽略。",
        "One sheet per kind of node or relationship; the sheet name is the table key (units,"
        " assigned_to …): do not rename it. This README sheet is ignored on import.",
    ),
    (
        "第 1 行为表头，可写中文、英文或中英文（如“名称 name”）；加粗的列为必填。",
        "Row 1 holds the headers, in Chinese, English or both (e.g. “名称 name”);"
        " bold columns are required.",
    ),
    (
        "第 2 行起为数据。模板中的示例行均为虚构（示例数据 = 是），导入真实数据前请删除。",
        "Data starts in row 2. The example rows are fictional (illustrative = yes);"
        " delete them before importing real data.",
    ),
    (
        "编号（id）由数据所有者确定（如组织机构代码、楼宇编码），在所有工作表中唯一；重复导入时按编号更新。",
        "Ids are chosen by the data owner (organization code, building code …) and are unique"
        " across all sheets; importing again updates each record by its id.",
    ),
    (
        "关系表（如 part_of、assigned_to）用“起点编号 from_id”和“终点编号 to_id”"
        "引用节点表中的编号。",
        "Relationship sheets (part_of, assigned_to …) reference node ids in from_id and to_id.",
    ),
    (
        "同一对象之间的同类关系可以有多个任期（如 2020–2021 年包挂、2025 年起再次包挂），每个任期"
        "一行，各填开始日期、结束日期，任期之间不得重叠；重复导入时，开始日期相同的行更新该任期，"
        "填上结束日期即表示该任期结束。",
        "The same two records may be joined more than once (assigned 2020–2021 and again from"
        " 2025): one row per term, each with its own since and until, never overlapping;"
        " importing again updates the term that starts on the row's since, and giving it an"
        " until ends it.",
    ),
    ("日期写作 YYYY-MM-DD，如 2024-05-24。", "Dates are written YYYY-MM-DD, e.g. 2024-05-24."),
    (
        "经纬度默认为 WGS-84（GPS、天地图）坐标；取自高德、腾讯地图（GCJ-02）或百度地图"
        "（BD-09）的，在“坐标系”列填 高德、腾讯 或 百度，导入时自动转换。",
        "Coordinates are WGS-84 (GPS, Tianditu) by default; for GCJ-02 (Amap, Tencent) or BD-09"
        " (Baidu) coordinates write 高德, 腾讯 or 百度 (gcj02, bd09) in 坐标系 coord_system:"
        " they are converted on import.",
    ),
    (
        "区域可填“边界”：WKT，如 POLYGON((117.001 36.651, 117.009 36.651, 117.009 36.659, "
        "117.001 36.651))，先经度后纬度，首尾点相同，或 GeoJSON 文本；也可把边界放在同时上传的 "
        ".geojson 文件（FeatureCollection，每个要素的 properties.id 为区域编号）。边界须闭合、"
        "不自相交、位于上级区域边界内，至多 1000 个点；“坐标系”列同样适用于边界。",
        "An area may have a 边界 boundary: WKT such as POLYGON((117.001 36.651, 117.009 36.651,"
        " 117.009 36.659, 117.001 36.651)), longitude first, the last point repeating the"
        " first, or GeoJSON text; or put the boundaries in a .geojson file uploaded with the"
        " workbook (a FeatureCollection, each Feature's properties.id an area id). A boundary"
        " is closed, does not cross itself, lies inside its parent's and has at most 1,000"
        " points; 坐标系 applies to it too.",
    ),
    (
        "带下拉列表的列填中文或英文值均可（可选值见右侧 H 列起）。",
        "Drop-down columns accept the Chinese or the English value (listed from column H).",
    ),
    (
        "不接受公式，请粘贴为数值；每个单元格不超过 2000 字（边界不超过 32767 字）。",
        "Formulas are not accepted: paste values. At most 2,000 characters per cell (32,767"
        " for a boundary).",
    ),
    (
        "只需保留要导入的工作表；也可把每个工作表另存为 CSV（UTF-8），"
        "文件名为表名（如 units.csv）。",
        "Keep only the sheets you fill; or save each sheet as a CSV (UTF-8) file named after"
        " its table (units.csv).",
    ),
)


def write_template(path: Path) -> None:
    """Write the import template workbook to ``path``."""
    workbook = Workbook()
    readme = workbook.active
    readme.title = README_SHEET
    lists = _write_value_lists(readme)
    _write_readme(readme)
    for table in TABLES:
        _write_table_sheet(workbook.create_sheet(table.key), table, lists)
    workbook.save(path)


def _write_value_lists(readme: Any) -> dict[type[BilingualEnum], str]:
    """List every enumeration's values on the README sheet and return, for each, the range
    its drop-downs point at (an inline list is limited to 255 characters, which UnitKind in
    two languages exceeds)."""
    lists: dict[type[BilingualEnum], str] = {}
    for table in TABLES:
        for column in table.columns:
            enum = enum_of(table, column.field)
            if enum is None or enum in lists:
                continue
            index = _LISTS_FIRST_COLUMN + len(lists)
            letter = get_column_letter(index)
            readme.cell(row=1, column=index, value=column.header).font = Font(bold=True)
            values = _choices(enum)
            for row, value in enumerate(values, start=2):
                readme.cell(row=row, column=index, value=value)
            readme.column_dimensions[letter].width = 22
            last = len(values) + 1
            lists[enum] = f"'{README_SHEET}'!${letter}$2:${letter}${last}"
    return lists


def _write_readme(readme: Any) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    readme["A1"] = "区域化党建组织网络 · 数据导入模板"
    readme["B1"] = "Regional party-building network · import template"
    for cell in (readme["A1"], readme["B1"]):
        cell.font = Font(bold=True, size=14)
    for row, (zh, en) in enumerate(_RULES, start=2):
        readme.cell(row=row, column=1, value=f"{row - 1}. {zh}").alignment = wrap
        readme.cell(row=row, column=2, value=f"{row - 1}. {en}").alignment = wrap
    row = len(_RULES) + 3
    titles = ("工作表 sheet", "表名 table", "列 column", "必填 required", "说明 description")
    for index, title in enumerate(titles, start=1):
        readme.cell(row=row, column=index, value=title).font = Font(bold=True)
    for table in TABLES:
        for column in table.columns:
            row += 1
            readme.cell(row=row, column=1, value=table.key)
            readme.cell(row=row, column=2, value=table.zh)
            readme.cell(row=row, column=3, value=column.header)
            readme.cell(row=row, column=4, value="是 yes" if column.required else "")
            readme.cell(row=row, column=5, value=_describe(table, column)).alignment = wrap
    for letter, width in zip("ABCDE", (60, 60, 26, 14, 60), strict=True):
        readme.column_dimensions[letter].width = width
    readme.freeze_panes = "A2"


def _write_table_sheet(sheet: Any, table: Table, lists: dict[type[BilingualEnum], str]) -> None:
    """Headers, formats and drop-downs by column, then the example rows."""
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=column.required)
        cell.comment = Comment(_describe(table, column), "graph-service")
        sheet.column_dimensions[letter].width = max(14, _display_width(column.header) + 4)
        _format_column(sheet, table, column, letter, lists)
    for row, example in enumerate(example_rows(table), start=2):
        for index, column in enumerate(table.columns, start=1):
            if column.field in example:
                cell = sheet.cell(row=row, column=index, value=example[column.field])
                if isinstance(example[column.field], dt.date):
                    cell.number_format = _DATE_FORMAT


def _format_column(
    sheet: Any,
    table: Table,
    column: Column,
    letter: str,
    lists: dict[type[BilingualEnum], str],
) -> None:
    """Text columns keep what is typed as text; enumerations get a drop-down."""
    cells = f"{letter}2:{letter}{VALIDATED_ROWS}"
    enum = enum_of(table, column.field)
    if enum is not None:
        choices = DataValidation(
            type="list",
            formula1=lists[enum],
            allow_blank=True,
            errorStyle="warning",
            errorTitle="不在可选值中 / not a listed value",
            error="请从下拉列表中选择（中文或英文）/ choose a value from the list",
        )
        choices.add(cells)
        sheet.add_data_validation(choices)
    elif _is_type(table, column.field, str):
        sheet.column_dimensions[letter].number_format = _TEXT_FORMAT
    elif _is_type(table, column.field, dt.date):
        sheet.column_dimensions[letter].number_format = _DATE_FORMAT


def _display_width(text: str) -> int:
    """Columns a text needs in Excel: Chinese characters take two."""
    return sum(2 if ord(char) >= 0x2E80 else 1 for char in text)
