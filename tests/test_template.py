"""The XLSX template reads back through the readers as every table, its examples valid."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from graph_service.domain.kinds import RelKind
from graph_service.domain.tables import TABLES, Table, table_named
from loaders.problems import Problem
from loaders.readers import read_tables
from loaders.rows import RawRow
from loaders.template import (
    README_SHEET,
    VALIDATED_ROWS,
    enum_of,
    example_node_kinds,
    example_rows,
    write_template,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "区域化党建导入模板.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def workbook(template: Path) -> Iterator[Any]:
    book = load_workbook(template)
    yield book
    book.close()


def test_template_reads_back_as_every_table_with_valid_examples(template: Path) -> None:
    rows: dict[str, list[RawRow]] = {}
    problems: list[Problem] = []
    for item in read_tables(template):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            assert item.sheet == item.table.key
            rows[item.table.key] = list(item.rows)
    assert problems == []
    assert list(rows) == [table.key for table in TABLES]
    for table in TABLES:
        assert rows[table.key], table.key
        for row in rows[table.key]:
            assert row.problems == []
            record = table.model.model_validate(row.values)
            assert record.illustrative is True  # type: ignore[attr-defined]
            assert row.number >= 2


def test_sheets_are_the_readme_then_one_per_table_key(workbook: Any) -> None:
    assert workbook.sheetnames == [README_SHEET] + [table.key for table in TABLES]
    assert table_named(README_SHEET) is None and table_named("README") is None


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.key)
def test_headers_are_bilingual_and_required_ones_bold(workbook: Any, table: Table) -> None:
    header = list(workbook[table.key][1])
    assert [cell.value for cell in header] == [column.header for column in table.columns]
    assert [bool(cell.font.b) for cell in header] == [c.required for c in table.columns]
    assert not any("*" in str(cell.value) for cell in header)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.key)
def test_every_enumeration_column_has_a_bilingual_drop_down(workbook: Any, table: Table) -> None:
    sheet = workbook[table.key]
    readme = workbook[README_SHEET]
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    for index, column in enumerate(table.columns, start=1):
        enum = enum_of(table, column.field)
        letter = sheet.cell(row=1, column=index).column_letter
        cells = f"{letter}2:{letter}{VALIDATED_ROWS}"
        if enum is None:
            assert cells not in validations
            continue
        validation = validations[cells]
        assert validation.type == "list"
        source = validation.formula1.split("!")[1].replace("$", "")
        offered = {cell.value for (cell,) in readme[source]}
        assert offered == {m.value for m in enum} | {m.zh for m in enum}


def test_enumeration_columns_include_those_the_format_names(workbook: Any) -> None:
    enumerated = {
        (table.key, column.field)
        for table in TABLES
        for column in table.columns
        if enum_of(table, column.field) is not None
    }
    assert {
        ("areas", "level"), ("units", "kind"), ("party_orgs", "kind"), ("committees", "kind"),
        ("persons", "party_status"), ("assigned_to", "role"),
    } <= enumerated  # fmt: skip


def test_readme_explains_the_rules_and_every_column(workbook: Any) -> None:
    readme = workbook[README_SHEET]
    text = "\n".join(str(c.value) for row in readme.iter_rows() for c in row if c.value)
    for needle in ("WGS-84", "YYYY-MM-DD", "unique across all sheets", "在所有工作表中唯一",
                   "from_id", "中文、英文", "Chinese, English"):  # fmt: skip
        assert needle in text
    listed = {(row[0].value, row[2].value): row[4].value for row in readme.iter_rows(min_row=2)}
    for table in TABLES:
        for column in table.columns:
            assert column.description in listed[(table.key, column.header)]


def test_relationship_examples_join_example_nodes_of_allowed_kinds() -> None:
    """So the untouched template imports cleanly: no example points at a missing node."""
    nodes = example_node_kinds()
    for table in TABLES:
        if not isinstance(table.kind, RelKind):
            continue
        spec = table.kind.spec
        for row in example_rows(table):
            assert nodes[row["from_id"]] in spec.sources, table.key
            assert nodes[row["to_id"]] in spec.targets, table.key
    assert len(nodes) == sum(len(example_rows(t)) for t in TABLES if t.is_node)
