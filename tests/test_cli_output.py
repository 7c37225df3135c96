"""The CLI's terminal tables: nothing cut short on a narrow terminal."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from graph_service.cli_output import emit_rows
from graph_service.domain.gaps import RULES

COLUMNS = [("code", "规则 code"), ("zh", "问题"), ("en", "gap"), ("count", "数量 count")]


def _column_text(printed: str, index: int) -> str:
    """A table column's cells as one string: the fragments of each line, in order."""
    lines = [line for line in printed.splitlines() if line.startswith("│")]
    return "".join(line.split("│")[index + 1].strip() for line in lines)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_a_narrow_terminal_folds_codes_and_chinese_text_instead_of_cutting_them(
    width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    rows: list[dict[str, object]] = [
        {"code": r.code, "zh": r.zh, "en": r.en, "count": i} for i, r in enumerate(RULES)
    ]
    emit_rows(rows, COLUMNS, "table", None, title="覆盖缺口 gaps")
    printed = capsys.readouterr().out
    assert "…" not in printed
    assert all(cell_len(line) <= width for line in printed.splitlines())
    codes, chinese = _column_text(printed, 0), _column_text(printed, 1)
    assert codes == "".join(r.code for r in RULES)
    assert chinese == "".join(r.zh for r in RULES)
